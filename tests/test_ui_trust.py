"""Trust and control in the app: capture only when asked and always visible, forget on demand, lock when away."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from gui_helpers import copy_dir, on_engine, open_app, seed_demo_dir, unlock
from helpers import PASSPHRASE
from proc_helpers import cli_env, start
from PySide6.QtCore import QPoint, Qt

from mirix_app.capture.idle import FixedIdle
from mirix_app.cli.owner_service import RunHandler
from mirix_app.desktop.integration import claim_instance
from mirix_app.settings import load_settings
from stores.keys import read_keyinfo

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    return seed_demo_dir(tmp_path_factory.mktemp("seed"))


@pytest.fixture
def demo(demo_dir, tmp_path):
    source, ids = demo_dir
    return copy_dir(source, tmp_path / "data"), ids


def _create_memory(qtbot, gui) -> None:
    page = gui.window.unlock
    qtbot.waitUntil(lambda: page.button.text() == "Create my encrypted memory")
    with qtbot.waitSignal(gui.bridges.session.unlocked, timeout=15000):
        qtbot.mouseClick(page.button, LEFT)


@pytest.mark.parametrize("answer", [True, False])
def test_first_run_captures_nothing_until_the_user_agrees(qtbot, data_dir, memory_keyring, answer):
    gui = open_app(qtbot, data_dir, capture=True, agreed=None)
    try:
        _create_memory(qtbot, gui)
        choice = gui.window.capture_choice
        qtbot.waitUntil(lambda: gui.window.stack.currentWidget() is choice)
        text = choice.explain.text()
        assert "What is captured" in text and str(data_dir) in text and "Ctrl+Alt+P" in text
        qtbot.waitUntil(lambda: gui.services.session.model_ready, timeout=20000)
        assert gui.services.capture.loop is None  # models loaded, and still nothing captures
        assert load_settings(data_dir).capture.enabled is None
        button = choice.start_button if answer else choice.later_button
        qtbot.mouseClick(button, LEFT)
        assert gui.window.unlocked
        qtbot.waitUntil(lambda: load_settings(data_dir).capture.enabled is answer)
        if answer:
            qtbot.waitUntil(lambda: gui.services.capture.loop is not None)
            qtbot.waitUntil(lambda: "capturing" in gui.window.windowTitle())
        else:
            qtbot.waitUntil(lambda: gui.window.capture.pause_button.text() == "Start capturing", timeout=10000)
            assert gui.services.capture.loop is None and "capture off" in gui.window.windowTitle()
            with qtbot.waitSignal(gui.bridges.capture.status_ready, timeout=10000):
                qtbot.mouseClick(gui.window.capture.pause_button, LEFT)
            assert gui.services.capture.loop is not None and load_settings(data_dir).capture.enabled is True
    finally:
        gui.close()
    assert read_keyinfo(data_dir).method == "keyring"


def test_the_capture_state_is_in_the_title_and_status_bar_running_and_paused(qtbot, demo):
    data_dir, _ = demo
    gui = open_app(qtbot, data_dir)
    try:
        unlock(qtbot, gui)
        badge = gui.window.indicator.badge
        qtbot.waitUntil(lambda: gui.window.windowTitle() == "mirix-app — ● capturing", timeout=10000)
        assert "Capturing" in badge.text()
        gui.window.capture.pause15.click()
        qtbot.waitUntil(lambda: "capture paused until" in gui.window.windowTitle())
        assert "Capture paused until" in badge.text()
        assert not gui.tray.available and not gui.window.capture.tray_notice.isHidden()  # no tray offscreen: said so
        assert "No system tray" in gui.window.capture.tray_notice.text()
    finally:
        gui.close()


def test_forget_a_range_selected_on_the_timeline(qtbot, demo):
    data_dir, _ = demo
    gui = open_app(qtbot, data_dir)
    try:
        unlock(qtbot, gui)
        timeline = gui.window.timeline
        with qtbot.waitSignal(gui.bridges.explore.timeline_ready, timeout=10000):
            gui.window.tabs.setCurrentWidget(timeline)
        frames = sorted(i.start_s for i in timeline.strip.items if i.kind == "frame")
        timeline.selection.select(frames[1] - 60, frames[2] + 60)  # the last two of the three frames
        inside = QPoint(int(timeline.strip._x((frames[1] + frames[2]) / 2)), 40)  # right-click inside the selection
        menu = timeline.selection.menu(inside)
        forget = next(a for a in menu.actions() if a.text().startswith("Forget ") and "day" not in a.text())
        forget.trigger()
        dialog = gui.window.forget.dialog
        qtbot.waitUntil(lambda: dialog is not None and dialog.forget_button.isEnabled(), timeout=10000)
        assert "2 screen frames" in dialog.details.text() and "2 encrypted frame files" in dialog.details.text()
        assert on_engine(gui, lambda: gui.services.store.frame_counts()) == (3, 0)  # the dry run deleted nothing
        with qtbot.waitSignal(gui.bridges.capture.forgotten, timeout=10000):
            qtbot.mouseClick(dialog.forget_button, LEFT)
        qtbot.waitUntil(lambda: not dialog.isVisible())
        assert on_engine(gui, lambda: gui.services.store.frame_counts()) == (1, 0)
        qtbot.waitUntil(lambda: len([i for i in timeline.strip.items if i.kind == "frame"]) == 1, timeout=10000)
        assert gui.window.status_text.text().startswith("forgot 2 observations")
    finally:
        gui.close()


def test_forget_the_last_minutes_from_the_tray_asks_first(qtbot, demo):
    data_dir, _ = demo
    gui = open_app(qtbot, data_dir)
    try:
        unlock(qtbot, gui)
        gui.tray.forget_menu.actions()[1].trigger()  # "Forget the last 15 minutes…"
        dialog = gui.window.forget.dialog
        assert dialog is not None and "the last 15 minutes" in dialog.title.text()
        qtbot.waitUntil(lambda: "Nothing is stored" in dialog.details.text(), timeout=10000)
        assert not dialog.forget_button.isEnabled()
    finally:
        gui.close()


class _Stderr:
    """Reads a child's stderr on a thread, so a test can wait for a line while the child keeps running."""

    def __init__(self, proc) -> None:
        self.lines: list[str] = []
        self.thread = threading.Thread(target=lambda: self.lines.extend(iter(proc.stderr.readline, "")), daemon=True)
        self.thread.start()

    def wait_for(self, needle: str, timeout: float = 60.0) -> None:
        end = time.monotonic() + timeout
        while not any(needle in line for line in list(self.lines)):
            assert time.monotonic() < end, f"{needle!r} not seen in: {self.lines}"
            time.sleep(0.1)


def test_idle_lock_drops_the_key_a_command_needs_the_passphrase_and_unlocking_resumes(
    qtbot, demo, tmp_path: Path, monkeypatch
):
    data_dir, _ = demo
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    idle = FixedIdle(0.0)
    gui = open_app(qtbot, data_dir, idle=idle)
    instance = claim_instance(data_dir, [])
    assert instance is not None
    instance.run_handler = RunHandler(gui.engine, gui.services)
    try:
        unlock(qtbot, gui)
        qtbot.waitUntil(lambda: gui.services.capture.loop is not None)
        assert gui.auto_lock.armed and gui.auto_lock.check() is None
        idle.idle_s = 16 * 60  # away for 16 minutes (the default lock is after 15)
        with qtbot.waitSignal(gui.bridges.session.locked, timeout=10000):
            assert gui.auto_lock.check() == "after 15 minutes without input"
        assert gui.services.store is None and gui.services.capture.loop is None  # the key left memory
        assert gui.services.chat._chat is None and gui.services.memorize._memorizer is None
        assert not gui.window.unlocked and gui.window.unlock.title.text() == "Locked"
        assert gui.window.windowTitle() == "mirix-app — locked" and gui.tray.state == "locked"
        # a command on the same data dir cannot read the memory without the passphrase: it waits for the unlock
        env = {k: v for k, v in cli_env(runtime).items() if k != "MIRIX_PASSPHRASE"}
        proc = start(data_dir, env, "search", "Acme", "--json")
        stderr = _Stderr(proc)
        stderr.wait_for("unlock the memory in the desktop app's window")
        assert proc.poll() is None
        idle.idle_s = 0.0
        page = gui.window.unlock
        page.passphrase.setText("not it")
        with qtbot.waitSignal(gui.bridges.session.unlock_failed, timeout=10000):
            qtbot.mouseClick(page.button, LEFT)
        page.passphrase.setText(PASSPHRASE)
        with qtbot.waitSignal(gui.bridges.session.models_ready, timeout=20000):
            qtbot.mouseClick(page.button, LEFT)
        assert proc.wait(120) == 0, stderr.lines
        out = proc.stdout.read()
        assert '"hits"' in out and "Acme" in out
        assert gui.window.unlocked and gui.auto_lock.armed
        qtbot.waitUntil(lambda: gui.services.capture.loop is not None)  # capture resumes
        qtbot.waitUntil(lambda: "capturing" in gui.window.windowTitle(), timeout=10000)
    finally:
        instance.release()
        gui.close()


def test_the_session_lock_locks_too(qtbot, demo):
    data_dir, _ = demo
    idle = FixedIdle(0.0)
    gui = open_app(qtbot, data_dir, idle=idle)
    try:
        unlock(qtbot, gui)
        idle.is_locked = True
        with qtbot.waitSignal(gui.bridges.session.locked, timeout=10000):
            assert gui.auto_lock.check() == "because the screen locked"
        assert gui.services.store is None
    finally:
        gui.close()
