"""The desktop app's memory browser, timeline, capture controls and settings, driven like a user."""

from __future__ import annotations

import json

import pytest
from demo import VAULT_SECRET
from gui_helpers import copy_dir, on_engine, open_app, seed_demo_dir, unlock
from helpers import PASSPHRASE
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

import ui.memory_browser
from mirix_app.capture.active_window import FixedWindow
from mirix_app.settings import load_settings

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    return seed_demo_dir(tmp_path_factory.mktemp("seed"))


@pytest.fixture
def gui(qtbot, demo_dir, tmp_path):
    source, ids = demo_dir
    app = open_app(qtbot, copy_dir(source, tmp_path / "data"))
    app.ids = ids
    unlock(qtbot, app)
    app.window.tabs.setCurrentWidget(app.window.memories)
    yield app
    app.close()


def open_row(qtbot, gui, type_name, memory_id):
    """Click the memory's tab, wait for its rows, click its row; wait for the detail pane to show it."""
    browser = gui.window.memories
    browser.show_type(type_name)
    table = browser.tables[type_name]
    qtbot.waitUntil(lambda: any(r.id == memory_id for r in table.rows()))
    row = next(i for i in range(table.proxy.rowCount()) if table.proxy.index(i, 0).data(Qt.UserRole).id == memory_id)
    rect = table.view.visualRect(table.proxy.index(row, 0))
    qtbot.mouseClick(table.view.viewport(), LEFT, pos=rect.center())
    qtbot.waitUntil(lambda: browser.detail.detail is not None and browser.detail.detail.id == memory_id)
    return browser.detail


def test_edit_a_memory_then_see_its_history(qtbot, gui):
    detail = open_row(qtbot, gui, "semantic", gui.ids["semantic"])
    assert detail.meta.text().startswith("Semantic · version 1")
    detail.set_field("summary", "Ann works at Acme Robotics as a robotics engineer")
    qtbot.mouseClick(detail.save_button, LEFT)
    qtbot.waitUntil(lambda: detail.detail.version == 2)
    qtbot.waitUntil(lambda: detail.history_list.isVisible() and detail.history_list.count() == 2)
    assert "robotics engineer" in detail.history_list.item(0).text()
    assert detail.history_list.item(1).text().startswith("v1 · updated") and "Acme Robotics in Lisbon" in (
        detail.history_list.item(1).text()
    )
    stored = on_engine(gui, lambda: gui.services.store.get("semantic", gui.ids["semantic"]))
    assert stored["summary"] == "Ann works at Acme Robotics as a robotics engineer"
    table = gui.window.memories.tables["semantic"]
    qtbot.waitUntil(lambda: any("robotics engineer" in r.title for r in table.rows()))


def test_delete_asks_for_confirmation_first(qtbot, gui):
    memory_id = gui.ids["procedural"]
    detail = open_row(qtbot, gui, "procedural", memory_id)
    qtbot.mouseClick(detail.delete_button, LEFT)
    assert detail.confirm_bar.isVisible()
    qtbot.mouseClick(detail.cancel_delete, LEFT)
    assert not detail.confirm_bar.isVisible()
    assert on_engine(gui, lambda: gui.services.store.memories.count("procedural")) == 1
    qtbot.mouseClick(detail.delete_button, LEFT)
    with qtbot.waitSignal(gui.bridges.memories.memory_deleted, timeout=10000):
        qtbot.mouseClick(detail.confirm_delete, LEFT)
    assert on_engine(gui, lambda: gui.services.store.memories.count("procedural")) == 0
    assert detail.detail is None and "Deleted" in gui.window.memories.message.text()
    qtbot.waitUntil(lambda: gui.window.memories.tables["procedural"].rows() == [])


def reveal(qtbot, gui, detail, passphrase=PASSPHRASE):
    """Press Reveal, type the passphrase again, confirm."""
    qtbot.mouseClick(detail.reveal_button, LEFT)
    assert detail.reauth_bar.isVisible()
    detail.reauth_input.setText(passphrase)
    qtbot.mouseClick(detail.reauth_go, LEFT)


def test_vault_values_are_masked_and_revealed_one_at_a_time_after_the_passphrase(qtbot, gui):
    table = gui.window.memories.tables["knowledge_vault"]
    detail = open_row(qtbot, gui, "knowledge_vault", gui.ids["vault"])
    assert all(VAULT_SECRET not in r.title for r in table.rows())
    assert detail.editors["secret_value"].text() == "••••••••"
    with qtbot.waitSignal(gui.bridges.memories.reveal_refused, timeout=10000):
        reveal(qtbot, gui, detail, "not my passphrase")
    assert "Wrong passphrase" in detail.reauth_error.text() and detail.editors["secret_value"].text() == "••••••••"
    detail.reauth_input.setText(PASSPHRASE)
    with qtbot.waitSignal(gui.bridges.memories.secret_revealed, timeout=10000):
        qtbot.mouseClick(detail.reauth_go, LEFT)
    assert detail.editors["secret_value"].text() == VAULT_SECRET and detail.reveal_button.text() == "Hide value"
    assert gui.services.session.guard.refusal(FixedWindow("code", "x").current()) == "secret shown"
    other = next(r.id for r in table.rows() if r.id != gui.ids["vault"])
    open_row(qtbot, gui, "knowledge_vault", other)
    assert detail.editors["secret_value"].text() == "••••••••", "opening another entry masks the last one again"
    assert gui.services.session.guard.refusal(FixedWindow("code", "x").current()) is None
    reveal(qtbot, gui, detail)
    qtbot.waitUntil(lambda: detail.editors["secret_value"].text() == "4471")
    detail.rehide_timer.timeout.emit()  # 30 s later (the timer's interval is checked in test_vault_reveal.py)
    assert detail.editors["secret_value"].text() == "••••••••"


def test_why_do_you_believe_this_shows_the_source_frame(qtbot, gui):
    detail = open_row(qtbot, gui, "procedural", gui.ids["procedural"])
    with qtbot.waitSignal(gui.bridges.explore.frame_ready, timeout=10000):
        qtbot.mouseClick(detail.why_button, LEFT)
    assert detail.sources_list.count() == 2 and "report.py - Visual Studio Code" in detail.sources_list.item(0).text()
    qtbot.waitUntil(lambda: detail.frame.isVisible() and detail.frame.pixmap() is not None)
    assert not detail.frame.pixmap().isNull()


def test_export_all_then_import_back_and_bad_files_change_nothing(qtbot, gui, tmp_path, monkeypatch):
    browser = gui.window.memories
    export = tmp_path / "all.json"
    monkeypatch.setattr(ui.memory_browser.QFileDialog, "getSaveFileName", lambda *a, **k: (str(export), ""))
    with qtbot.waitSignal(gui.bridges.memories.exported, timeout=10000):
        qtbot.mouseClick(browser.export_all_button, LEFT)
    doc = json.loads(export.read_text())
    assert "Exported 14 memories" in browser.message.text() and len(doc["memories"]) == 14
    assert VAULT_SECRET not in export.read_text(), "vault values stay out unless asked for"
    on_engine(gui, lambda: gui.services.store.delete("semantic", gui.ids["semantic"]))

    monkeypatch.setattr(ui.memory_browser.QFileDialog, "getOpenFileName", lambda *a, **k: (str(export), ""))
    with qtbot.waitSignal(gui.bridges.memories.imported, timeout=10000):
        qtbot.mouseClick(browser.import_button, LEFT)
    assert browser.message.text().startswith("Imported 1 memory, 11 already present; 2 vault entries skipped")
    restored = on_engine(gui, lambda: gui.services.store.get("semantic", gui.ids["semantic"]))
    assert restored["summary"] == "Ann works at Acme Robotics in Lisbon"

    bad = tmp_path / "bad.json"
    good = {"type": "semantic", "id": "new-one", "fields": {"name": "Tea", "summary": "Ann likes green tea"}}
    broken = {"type": "semantic", "id": "broken", "fields": {"summary": "no name"}}
    bad.write_text(json.dumps({"format": "mirix-app-memories", "version": 1, "memories": [good, broken]}))
    monkeypatch.setattr(ui.memory_browser.QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    with qtbot.waitSignal(gui.bridges.memories.import_failed, timeout=10000):
        qtbot.mouseClick(browser.import_button, LEFT)
    assert "Memory 2 (semantic) is invalid" in browser.message.text() and "Nothing was imported" in (
        browser.message.text()
    )
    assert on_engine(gui, lambda: gui.services.store.memories.get_many("semantic", ["new-one"])) == {}
    bad.write_text("{not json")
    with qtbot.waitSignal(gui.bridges.memories.import_failed, timeout=10000):
        qtbot.mouseClick(browser.import_button, LEFT)
    assert "not valid JSON" in browser.message.text()


def test_timeline_shows_the_days_frames_and_what_came_of_them(qtbot, gui):
    timeline = gui.window.timeline
    with qtbot.waitSignal(gui.bridges.explore.timeline_ready, timeout=10000):
        gui.window.tabs.setCurrentWidget(timeline)
    frames = [i for i in timeline.strip.items if i.kind == "frame"]
    assert len(frames) == 3 and any(i.kind == "event" for i in timeline.strip.items)
    timeline.zoom_box.activated.emit(0)  # "Whole day": the timeline opens at now, the demo day began earlier
    x = timeline.strip._x(frames[0].start_s)
    with qtbot.waitSignal(gui.bridges.explore.produced_ready, timeout=10000):
        qtbot.mouseClick(timeline.strip, LEFT, pos=timeline.strip.rect().topLeft() + _point(x, 80))
    qtbot.waitUntil(lambda: timeline.frame.pixmap() is not None and not timeline.frame.pixmap().isNull())
    texts = [timeline.produced.item(i).text() for i in range(timeline.produced.count())]
    assert any(t.startswith("procedural: How Ann builds the quarterly report") for t in texts)


def _point(x, y):
    from PySide6.QtCore import QPoint

    return QPoint(int(x), int(y))


def test_pause_from_the_tray_the_shortcut_and_for_fifteen_minutes(qtbot, gui):
    panel, tray = gui.window.capture, gui.tray
    qtbot.waitUntil(lambda: tray.state == "running", timeout=10000)
    assert panel.state_label.text() == "Capturing"
    tray.toggle_action.trigger()
    qtbot.waitUntil(lambda: tray.state == "paused")
    assert gui.services.capture.loop.paused and "paused" in tray.icon.toolTip()
    assert tray.toggle_action.text() == "Resume capture" and panel.pause_button.text() == "Resume"
    tray.toggle_action.trigger()
    qtbot.waitUntil(lambda: tray.state == "running" and panel.pause_button.text() == "Pause")
    assert not gui.services.capture.loop.paused
    qtbot.keyClick(gui.window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: gui.services.capture.loop.paused and panel.pause_button.text() == "Resume")
    qtbot.mouseClick(panel.pause_button, LEFT)
    qtbot.waitUntil(lambda: not gui.services.capture.loop.paused)
    tray.pause15_action.trigger()
    qtbot.waitUntil(lambda: panel.state_label.text().startswith("Paused until"))
    assert gui.services.capture.loop.paused


def test_a_changed_setting_takes_effect_without_restart(qtbot, gui, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    settings = gui.window.settings
    qtbot.waitUntil(lambda: settings.interval.value() == 3.0)
    gui.window.tabs.setCurrentWidget(settings)
    settings.interval.setValue(7.5)
    settings.apps.setPlainText("keepassxc\nsignal")
    settings.theme.setCurrentIndex(settings.theme.findData("dark"))
    settings.start_at_login.setChecked(True)
    settings.memorize_mode.setCurrentIndex(settings.memorize_mode.findData("single_pass"))
    with qtbot.waitSignal(gui.bridges.settings.settings_applied, timeout=10000):
        qtbot.mouseClick(settings.apply_button, LEFT)
    assert settings.message.text() == "Saved and applied."
    loop = gui.services.capture.loop
    assert loop.interval_s == 7.5 and loop.pipeline.rules.check(_window("Signal", "chat")) is not None
    saved = load_settings(gui.services.data_dir)
    assert saved.capture.interval_s == 7.5 and saved.llm.memorize_mode == "single_pass"
    assert QApplication.instance().property("mirixTheme") == "dark"
    assert (tmp_path / "xdg-config" / "autostart" / "mirix-app.desktop").exists()


def _window(app, title):
    from mirix_app.capture.frame import WindowInfo

    return WindowInfo(app=app, title=title)
