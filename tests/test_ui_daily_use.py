"""A memory used every day, driven like a user: search everything, conversations across restarts, steady lists."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from demo import render_screen, seed_demo
from gui_helpers import copy_dir, on_engine, open_app, seed_demo_dir, unlock
from helpers import PASSPHRASE, chat, write_jsonl
from PySide6.QtCore import Qt

from stores.memory_store import MemoryStore
from stores.observations import NewObservation

LEFT = Qt.MouseButton.LeftButton
FLIGHT_SUMMARY = "Booked the flight to the team offsite"
FLIGHT_DETAILS = (
    "Gate B12 at Berlin airport, boarding from 16:55, hand luggage only, check-in closes forty minutes before "
    "departure. TAP TP541 lands in Lisbon at 18:40, seat 14C."
)


@pytest.fixture(scope="module")
def minilm_demo(tmp_path_factory, minilm):
    """The demo memory plus a flight episode whose destination is named only in its details, embedded by MiniLM."""
    data_dir = tmp_path_factory.mktemp("minilm") / "demo"
    store = MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=minilm, prefer_passphrase=True)
    try:
        seed_demo(store)
        when = (datetime.now().astimezone() - timedelta(days=2)).isoformat()
        flight = store.add(
            "episodic", {"summary": FLIGHT_SUMMARY, "details": FLIGHT_DETAILS, "occurred_at": when, "app": "firefox"}
        )
    finally:
        store.close()
    return data_dir, flight


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    return seed_demo_dir(tmp_path_factory.mktemp("seed"))


def type_search(qtbot, gui, text):
    """Type into the search field (Ctrl+K from anywhere) and wait for the results of exactly that text."""
    window = gui.window
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    field = window.memories.search.field
    assert window.tabs.currentWidget() is window.memories and field.hasFocus()
    field.clear()
    with qtbot.waitSignal(
        gui.bridges.memories.results_ready, timeout=20000, check_params_cb=lambda q, _: q.text == text
    ):
        qtbot.keyClicks(field, text)
    return window.memories.results


def test_typing_finds_a_word_only_in_the_details_and_a_paraphrase(qtbot, tmp_path, minilm_demo, minilm):
    source, flight = minilm_demo
    gui = open_app(qtbot, copy_dir(source, tmp_path / "data"), capture=False, embedder=minilm)
    try:
        unlock(qtbot, gui)
        results = type_search(qtbot, gui, "Lisbon")
        assert gui.window.memories.left.currentWidget() is results
        found = {r.id: r for r in results.results}
        assert flight in found, "the flight's details name Lisbon; the old tab filter missed it"
        hit = found[flight]
        assert "Lisbon" not in hit.title_html and '">Lisbon</span>' in hit.snippet_html, "shown and marked"
        assert hit.origin == "firefox" and hit.when, "where and when it was seen"
        assert len({r.type for r in results.results}) >= 2, "every type and observations, not one tab"

        results = type_search(qtbot, gui, "plane trip")
        found = {r.id: r for r in results.results}
        assert flight in found and found[flight].by_meaning, "found by meaning: no word of the query in it"
        row = next(i for i in range(results.list.count()) if results.results[i].id == flight)
        rect = results.list.visualItemRect(results.list.item(row))
        qtbot.mouseClick(results.list.viewport(), LEFT, pos=rect.center())
        detail = gui.window.memories.detail
        qtbot.waitUntil(lambda: detail.detail is not None and detail.detail.id == flight)

        kind = gui.window.memories.search.kind
        kind.setCurrentIndex(kind.findData("semantic"))  # the filter re-runs the search at once
        qtbot.waitUntil(lambda: results.query.type == "semantic" and results.query.text == "plane trip")
        qtbot.waitUntil(lambda: all(r.type == "semantic" for r in results.results), timeout=10000)
    finally:
        gui.close()


def test_a_restarted_app_lists_the_earlier_conversation_and_reopens_it(qtbot, demo_dir, tmp_path):
    data_dir = copy_dir(demo_dir[0], tmp_path / "data")
    gui = open_app(qtbot, data_dir, capture=False)
    try:
        unlock(qtbot, gui)
        chat_panel = gui.window.chat
        qtbot.keyClicks(chat_panel.input, "pottery class")
        with qtbot.waitSignal(gui.bridges.chat.chat_reply, timeout=15000):
            qtbot.keyClick(chat_panel.input, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: chat_panel.threads.titles() == ["pottery class"])
    finally:
        gui.close()

    gui = open_app(qtbot, data_dir, capture=False)
    try:
        unlock(qtbot, gui)
        chat_panel, threads = gui.window.chat, gui.window.chat.threads
        qtbot.waitUntil(lambda: threads.titles() == ["pottery class"], timeout=10000)
        qtbot.waitUntil(lambda: len(chat_panel.bubbles) == 2, timeout=10000)
        question, answer = chat_panel.bubbles
        assert question.label.text() == "pottery class" and "Clay Studio" in answer.label.text()
        assert answer.chip_buttons, "the answer keeps its citation chips"
        first = threads.current_id
        assert first and threads.tree.currentItem().data(0, Qt.ItemDataRole.UserRole) == first

        qtbot.mouseClick(chat_panel.clear_button, LEFT)  # "New conversation"
        assert chat_panel.bubbles == []
        qtbot.keyClicks(chat_panel.input, "Where does Ann work?")
        with qtbot.waitSignal(gui.bridges.chat.chat_reply, timeout=15000):
            qtbot.keyClick(chat_panel.input, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: threads.titles() == ["Where does Ann work?", "pottery class"])

        item = threads.item(first)
        with qtbot.waitSignal(gui.bridges.chat.thread_opened, timeout=10000):
            qtbot.mouseClick(threads.tree.viewport(), LEFT, pos=threads.tree.visualItemRect(item).center())
        assert [b.label.text() for b in chat_panel.bubbles][0] == "pottery class"
        qtbot.keyClicks(chat_panel.input, "and when is it?")
        with qtbot.waitSignal(gui.bridges.chat.chat_reply, timeout=15000):
            qtbot.keyClick(chat_panel.input, Qt.Key.Key_Return)
        messages = on_engine(gui, lambda: gui.services.store.chat_threads().messages(first))
        assert [m["content"] for m in messages if m["role"] == "user"] == ["pottery class", "and when is it?"]
    finally:
        gui.close()


def test_rename_and_delete_a_conversation_with_undo(qtbot, demo_dir, tmp_path):
    gui = open_app(qtbot, copy_dir(demo_dir[0], tmp_path / "data"), capture=False)
    try:
        unlock(qtbot, gui)
        chat_panel, threads = gui.window.chat, gui.window.chat.threads
        for question in ("pottery class", "Where does Ann work?"):
            qtbot.mouseClick(chat_panel.clear_button, LEFT)
            qtbot.keyClicks(chat_panel.input, question)
            with qtbot.waitSignal(gui.bridges.chat.chat_reply, timeout=15000):
                qtbot.keyClick(chat_panel.input, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: len(threads.titles()) == 2)
        current = threads.current_id
        item = threads.item(current)
        with qtbot.waitSignal(gui.bridges.chat.threads_listed, timeout=10000):
            item.setText(0, "Ann's job")  # what editing the title in place does
        assert "Ann's job" in threads.titles()

        with qtbot.waitSignal(gui.bridges.chat.threads_listed, timeout=10000):
            qtbot.mouseClick(threads.delete_button, LEFT)
        assert threads.titles() == ["pottery class"] and chat_panel.bubbles == []
        assert threads.undo_bar.isVisible() and "Ann's job" in threads.undo_label.text()
        with qtbot.waitSignal(gui.bridges.chat.threads_listed, timeout=10000):
            qtbot.mouseClick(threads.undo_button, LEFT)
        assert sorted(threads.titles()) == ["Ann's job", "pottery class"] and not threads.undo_bar.isVisible()
    finally:
        gui.close()


def test_the_selection_stays_on_the_same_memory_across_an_auto_refresh(qtbot, demo_dir, tmp_path):
    gui = open_app(qtbot, copy_dir(demo_dir[0], tmp_path / "data"), capture=False)
    try:
        unlock(qtbot, gui)
        browser = gui.window.memories
        gui.window.tabs.setCurrentWidget(browser)
        browser.show_type("observation")
        table = browser.tables["observation"]
        qtbot.waitUntil(lambda: len(table.rows()) >= 9)
        index = table.proxy.index(4, 0)
        target = index.data(Qt.ItemDataRole.UserRole)
        point = table.view.visualRect(index).center()
        qtbot.mouseClick(table.view.viewport(), LEFT, pos=point)
        qtbot.waitUntil(lambda: browser.detail.detail is not None and browser.detail.detail.id == target.id)

        now = datetime.now().astimezone()
        news = [
            NewObservation("chat", f"late-{i}", (now + timedelta(seconds=i)).isoformat(), f"later note {i}", "Ann")
            for i in range(25)
        ]
        on_engine(gui, lambda: gui.services.store.observations.add_many(news))
        with qtbot.waitSignal(gui.bridges.memories.memories_listed, timeout=20000):
            gui.bridges.capture.on_memorize()  # what the 15 s timer does; the browser refreshes when it is done
        qtbot.waitUntil(lambda: len(table.rows()) >= 34)
        assert table.current_id() == target.id and table.selected_ids() == [target.id]
        under = table.proxy.index(table.view.indexAt(point).row(), 0).data(Qt.ItemDataRole.UserRole)
        assert under.id == target.id, "the row under the pointer is still the one the user was about to click"
        assert browser.detail.detail.id == target.id
    finally:
        gui.close()


def test_import_chat_and_screenshots_from_the_window_say_what_was_skipped(qtbot, demo_dir, tmp_path, monkeypatch):
    gui = open_app(qtbot, copy_dir(demo_dir[0], tmp_path / "data"), capture=False)
    try:
        unlock(qtbot, gui)
        browser = gui.window.memories
        gui.window.tabs.setCurrentWidget(browser)
        lines = [chat("n1", "Lunch with Carla at Time Out Market"), chat("n2", "Carla starts at Acme in May"), "{oops"]
        lines.append({"id": "n3", "time": "2024-03-01T10:00:00", "text": "no speaker"})
        jsonl = write_jsonl(tmp_path / "chat.jsonl", lines)
        monkeypatch.setattr(browser, "ask_chat_path", lambda: str(jsonl))
        with qtbot.waitSignal(gui.bridges.memories.import_done, timeout=20000):
            qtbot.mouseClick(browser.import_chat_button, LEFT)
        text = browser.message.text()
        assert text.startswith("Imported 2 new messages from chat.jsonl") and "line 3: not valid JSON" in text
        assert "line 4: field 'speaker'" in text and not browser.progress.isVisible()

        folder = tmp_path / "shots"
        folder.mkdir()
        (folder / "a.png").write_bytes(render_screen(["Quarterly numbers for Porto"], "sheet - LibreOffice"))
        (folder / "b.png").write_bytes(render_screen(["Train tickets to Coimbra"], "tickets - Firefox"))
        (folder / "broken.png").write_bytes(b"not an image")
        monkeypatch.setattr(browser, "ask_frames_dir", lambda: str(folder))
        with qtbot.waitSignal(gui.bridges.memories.import_done, timeout=120000):
            qtbot.mouseClick(browser.import_frames_button, LEFT)
        text = browser.message.text()
        assert text.startswith("Imported 2 screenshots from shots") and "broken.png: cannot read the image" in text
        stored = on_engine(gui, lambda: gui.services.store.observations.counts())
        assert sum(stored.values()) >= 9 + 2 + 2
    finally:
        gui.close()


def test_an_empty_memory_says_what_to_do_and_which_types_need_a_model(qtbot, data_dir):
    gui = open_app(qtbot, data_dir, capture=False)
    try:
        page = gui.window.unlock
        qtbot.waitUntil(lambda: page.confirm.isVisible())
        page.passphrase.setText(PASSPHRASE)
        page.confirm.setText(PASSPHRASE)
        with qtbot.waitSignal(gui.bridges.memories.overview_ready, timeout=20000):
            qtbot.mouseClick(page.button, LEFT)
        assert "memory is empty" in gui.window.chat.empty.text() and "Import" in gui.window.chat.empty.text()
        tables = gui.window.memories.tables
        assert "Import" in tables["episodic"].empty.text()
        on_engine(gui, lambda: gui.services.store.add("episodic", {"summary": "x", "occurred_at": "2026-01-01"}))
        with qtbot.waitSignal(gui.bridges.memories.overview_ready, timeout=10000):
            gui.bridges.memories.on_overview()
        assert "language model" in tables["semantic"].empty.text() and "Settings" in tables["semantic"].empty.text()
        assert "Ask anything" in gui.window.chat.empty.text()
        gui.window.tabs.setCurrentWidget(gui.window.memories)
        gui.window.memories.show_type("semantic")
        qtbot.waitUntil(lambda: tables["semantic"].loaded)
        assert tables["semantic"].stack.currentWidget() is tables["semantic"].empty
    finally:
        gui.close()
