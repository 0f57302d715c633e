"""The desktop app, driven like a user: first run, unlock (wrong then right), chat with streamed cited answers."""

from __future__ import annotations

import re

import pytest
from fake_llm import ANSWER, QUERY, call
from gui_helpers import StreamingModel, copy_dir, on_engine, open_app, reply_citing, seed_demo_dir, unlock
from PySide6.QtCore import Qt

from stores.keys import read_keyinfo

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    return seed_demo_dir(tmp_path_factory.mktemp("seed"))


@pytest.fixture
def demo(demo_dir, tmp_path):
    source, ids = demo_dir
    return copy_dir(source, tmp_path / "data"), ids


def test_wrong_passphrase_says_so_and_the_right_one_unlocks(qtbot, demo):
    data_dir, _ = demo
    gui = open_app(qtbot, data_dir)
    try:
        page = gui.window.unlock
        qtbot.waitUntil(lambda: page.passphrase.isVisible())
        assert page.title.text() == "Unlock your memory" and not page.confirm.isVisible()
        page.passphrase.setText("not my passphrase")
        with qtbot.waitSignal(gui.bridges.session.unlock_failed, timeout=10000):
            qtbot.mouseClick(page.button, LEFT)
        assert "Wrong passphrase" in page.status.text()
        assert not gui.window.unlocked and page.button.isEnabled()
        unlock(qtbot, gui)
        assert gui.window.tabs.isVisible()
    finally:
        gui.close()


def test_first_run_without_keyring_needs_a_confirmed_passphrase(qtbot, data_dir):
    gui = open_app(qtbot, data_dir, capture=False)
    try:
        page = gui.window.unlock
        qtbot.waitUntil(lambda: page.confirm.isVisible())
        assert str(data_dir) in page.explain.text() and "encrypted" in page.explain.text()
        page.passphrase.setText("short")
        assert "weak" in page.strength.text() and not page.button.isEnabled()
        page.passphrase.setText("a long and unusual passphrase 42")
        page.confirm.setText("a long and unusual passphrase 41")
        assert "differ" in page.status.text() and not page.button.isEnabled()
        page.confirm.setText("a long and unusual passphrase 42")
        assert "strong" in page.strength.text() and page.button.isEnabled()
        with qtbot.waitSignal(gui.bridges.session.unlocked, timeout=15000):
            qtbot.mouseClick(page.button, LEFT)
        assert read_keyinfo(data_dir).method == "passphrase"
    finally:
        gui.close()


def test_first_run_with_a_keyring_creates_the_key_then_unlocks_silently(qtbot, data_dir, memory_keyring):
    gui = open_app(qtbot, data_dir, capture=False)
    try:
        page = gui.window.unlock
        qtbot.waitUntil(lambda: page.button.text() == "Create my encrypted memory")
        assert not page.passphrase.isVisible() and "keyring" in page.explain.text()
        with qtbot.waitSignal(gui.bridges.session.unlocked, timeout=15000):
            qtbot.mouseClick(page.button, LEFT)
    finally:
        gui.close()
    assert read_keyinfo(data_dir).method == "keyring" and memory_keyring.items
    again = open_app(qtbot, data_dir, capture=False)
    try:
        qtbot.waitUntil(lambda: again.window.unlocked, timeout=15000)
    finally:
        again.close()


def test_chat_streams_a_cited_answer_without_blocking_the_memory_and_the_citation_opens_its_source(qtbot, demo):
    data_dir, ids = demo
    model = StreamingModel(
        scripts={QUERY: [call("analyse_query", topics=["Ann", "work", "Acme"])], ANSWER: [reply_citing("employer")]}
    )
    gui = open_app(qtbot, data_dir, model=model, capture=False)
    try:
        unlock(qtbot, gui)
        chat = gui.window.chat
        qtbot.keyClicks(chat.input, "Where does Ann work?")
        qtbot.keyClick(chat.input, Qt.Key.Key_Return)
        answer = lambda: chat.bubbles[-1].label.text()  # noqa: E731
        qtbot.waitUntil(lambda: answer() == "Ann ", timeout=15000)  # the first word is on screen, the rest not yet
        assert not chat.send_button.isEnabled()
        # while the model thinks, the memory is not blocked: browsing and the capture status still answer
        with qtbot.waitSignal(gui.bridges.memories.memories_listed, timeout=10000) as listed:
            gui.bridges.memories.on_list("semantic")
        assert listed.args[0] == "semantic" and len(listed.args[1]) == 2
        with qtbot.waitSignal(gui.bridges.capture.status_ready, timeout=10000):
            gui.bridges.capture.on_status()
        assert answer() == "Ann ", "the answer is still being written"
        model.gate.set()
        with qtbot.waitSignal(gui.bridges.chat.chat_reply, timeout=15000):
            pass
        assert answer().startswith("Ann works at Acme Robotics [")
        [chip] = chat.bubbles[-1].chip_buttons
        assert re.fullmatch(r"\[\d+\] Ann, \w{3} \d\d:\d\d", chip.text()), "named by who said it and when"
        qtbot.mouseClick(chip, LEFT)
        detail = gui.window.memories.detail
        qtbot.waitUntil(lambda: detail.detail is not None and detail.detail.id == ids["semantic"])
        assert gui.window.tabs.currentWidget() is gui.window.memories
        qtbot.waitUntil(lambda: detail.sources_list.count() == 1)
        source = detail.sources_list.item(0).text()
        assert "I moved to Lisbon last month" in source and source.startswith("Message")
    finally:
        gui.close()


def test_offline_chat_answers_with_memories_and_clear_keeps_them(qtbot, demo):
    data_dir, _ = demo
    gui = open_app(qtbot, data_dir, capture=False)
    try:
        unlock(qtbot, gui)
        chat = gui.window.chat
        qtbot.keyClicks(chat.input, "pottery class")
        with qtbot.waitSignal(gui.bridges.chat.chat_reply, timeout=15000):
            qtbot.mouseClick(chat.send_button, LEFT)
        assert "Clay Studio" in chat.bubbles[-1].label.text() and chat.bubbles[-1].chip_buttons
        first_thread = gui.services.chat.thread_id
        qtbot.mouseClick(chat.clear_button, LEFT)
        assert chat.bubbles == []
        qtbot.waitUntil(lambda: gui.services.chat.thread_id is None)
        assert first_thread and on_engine(gui, lambda: gui.services.store.stats()["memories"]["semantic"]) == 2
    finally:
        gui.close()


def test_show_in_graph_focuses_the_answer_a_click_previews_a_double_click_opens(qtbot, demo):
    data_dir, ids = demo
    model = StreamingModel(
        scripts={QUERY: [call("analyse_query", topics=["quarterly", "report"])], ANSWER: [reply_citing("quarterly")]}
    )
    model.gate.set()
    gui = open_app(qtbot, data_dir, model=model, capture=False)
    try:
        unlock(qtbot, gui)
        chat, graph = gui.window.chat, gui.window.graph
        qtbot.keyClicks(chat.input, "How do I build the quarterly report?")
        with qtbot.waitSignal(gui.bridges.chat.chat_reply, timeout=15000):
            qtbot.keyClick(chat.input, Qt.Key.Key_Return)
        button = chat.bubbles[-1].chips.itemAt(chat.bubbles[-1].chips.count() - 1).widget()
        with qtbot.waitSignal(gui.bridges.explore.graph_ready, timeout=15000):
            qtbot.mouseClick(button, LEFT)
        assert gui.window.tabs.currentWidget() is graph
        focused = [n.node.id for n in graph.nodes if n.node.focused]
        assert focused == [ids["procedural"]] and len(graph.nodes) > 1, "the cited memory and its neighbours"
        node = graph.node_item(ids["procedural"])
        point = graph.view.mapFromScene(node.scenePos())
        qtbot.mouseClick(graph.view.viewport(), LEFT, pos=point)
        assert graph.selected is node and graph.preview.open_button.isEnabled(), "a click selects and previews"
        qtbot.mouseDClick(graph.view.viewport(), LEFT, pos=point)
        detail = gui.window.memories.detail
        qtbot.waitUntil(lambda: detail.detail is not None and detail.detail.id == ids["procedural"])
    finally:
        gui.close()
