"""Capture never records the app: its focused windows (process or window id), shown secrets, visible windows."""

from __future__ import annotations

import os

from capture_helpers import frame_files, frame_rows, make_pipeline, screen

from mirix_app.capture.active_window import FixedWindow
from mirix_app.capture.idle import FixedIdle
from mirix_app.capture.screen_source import ImageScreenSource
from mirix_app.capture.self_guard import OWN_WINDOW, SECRET_SHOWN, Rect, SelfGuard
from mirix_app.factories import build_capture_loop
from mirix_app.settings import Settings


def _loop(pipeline, ticks, window, guard):
    source = ImageScreenSource(ticks)
    loop = build_capture_loop(
        pipeline, Settings(), source_factory=lambda: source, active_window=window, idle=FixedIdle(0.0), guard=guard
    )
    return loop, source


def test_a_focused_window_of_this_process_is_never_read(store, ocr_engine):
    pipeline = make_pipeline(store, ocr_engine)
    guard = SelfGuard()
    loop, source = _loop(
        pipeline, [[screen(["Chat answer: your PIN is 4242"])]], FixedWindow("mirix", "x", os.getpid()), guard
    )
    assert loop.run_once() == 0
    assert source.grabs == 0 and frame_rows(store) == [] and frame_files(store.data_dir) == []
    assert pipeline.status.snapshot().dropped == {OWN_WINDOW: 1}


def test_a_registered_window_id_is_never_read_even_without_a_process_id(store, ocr_engine):
    pipeline = make_pipeline(store, ocr_engine)
    guard = SelfGuard()
    guard.set_windows({0x3A00007: Rect(0, 0, 400, 300)})
    loop, source = _loop(
        pipeline, [[screen(["Filter: my vault secret"])]], FixedWindow("x", "dialog", None, 0x3A00007), guard
    )
    assert loop.run_once() == 0 and source.grabs == 0


def test_while_the_app_has_the_focus_or_shows_a_secret_nothing_is_captured(store, ocr_engine):
    pipeline = make_pipeline(store, ocr_engine)
    guard = SelfGuard()
    unknown = FixedWindow()  # where the platform cannot name the focused window, Qt's focus decides
    loop, source = _loop(pipeline, [[screen(["an editor"])], [screen(["another editor"])]], unknown, guard)
    guard.set_focused(True)
    assert loop.run_once() == 0
    guard.set_focused(False)
    guard.set_secret_shown("vault value", True)
    assert loop.run_once() == 0
    assert source.grabs == 0
    guard.set_secret_shown("vault value", False)
    assert loop.run_once() == 1
    assert pipeline.status.snapshot().dropped == {OWN_WINDOW: 1, SECRET_SHOWN: 1}


def test_the_app_s_visible_windows_are_painted_over_before_ocr(store, ocr_engine):
    pipeline = make_pipeline(store, ocr_engine)
    image = screen(["Editor line about the harbour", "", "", "", "", "Mirix answer: the PIN is 4242"])
    box = _text_box(image, 5)
    guard = SelfGuard()
    guard.set_windows({0x100: Rect(box[0], box[1], box[2] - box[0], box[3] - box[1]), 0x200: None})
    loop, _ = _loop(pipeline, [[image]], FixedWindow("code", "notes.txt"), guard)
    assert loop.run_once() == 1
    text = frame_rows(store)[0]["text"]
    assert "harbour" in text and "4242" not in text and "Mirix" not in text


def _text_box(image, line: int) -> tuple[int, int, int, int]:
    """Around the ``line``-th text line drawn by ``screen`` (28 px font, 1.9 line height)."""
    top = 80 + line * int(28 * 1.9) - 10
    return (40, top, 1000, top + 60)


class _Screen:
    """A fake X11 screen: root children bottom to top; the app's client window 0x100 sits in frame 0x10."""

    def __init__(self, stack):
        self.stack = stack

    def stacking(self):
        return self.stack

    def toplevel(self, window_id):
        return {0x100: 0x10}.get(window_id, window_id)


def test_only_the_uncovered_part_of_the_app_s_window_is_painted_over():
    guard = SelfGuard()
    guard.set_windows({0x100: Rect(0, 0, 400, 300)})
    app, editor = Rect(0, 0, 400, 300), Rect(200, 0, 600, 800)
    assert guard.visible_rects(_Screen([(0x10, app), (0x20, editor)])) == [Rect(0, 0, 200, 300)]
    assert guard.visible_rects(_Screen([(0x20, editor), (0x10, app)])) == [app]  # the app is on top
    assert guard.visible_rects(_Screen([(0x10, app), (0x20, Rect(0, 0, 1280, 800))])) == []  # fully covered
    assert guard.visible_rects(None) == [app]  # no stacking known: cover the whole window


def test_the_qt_watcher_registers_every_window_and_dialog_as_they_show_and_hide(qtbot):
    from PySide6.QtWidgets import QApplication, QDialog, QWidget

    from mirix_app.gui.self_watch import WindowWatcher

    guard = SelfGuard(pid=-1)  # only the window ids count here
    watcher = WindowWatcher(QApplication.instance(), guard)
    try:
        main, dialog = QWidget(), QDialog()
        qtbot.addWidget(main)
        qtbot.addWidget(dialog)
        main.setGeometry(10, 20, 300, 200)
        main.show()
        dialog.show()
        shown = {int(main.winId()), int(dialog.winId())}
        assert shown <= set(guard._windows) and all(guard._windows[i] is not None for i in shown)
        assert guard.refusal(FixedWindow("x", "a dialog", None, int(dialog.winId())).current()) == OWN_WINDOW
        dialog.hide()
        qtbot.waitUntil(lambda: guard._windows.get(int(dialog.winId()), 1) is None)
    finally:
        QApplication.instance().removeEventFilter(watcher)
        watcher.deleteLater()
