"""Tells the capture guard, from Qt, which windows and dialogs are the app's, where they are and when it has focus."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from mirix_app.capture.self_guard import Rect, SelfGuard

WINDOW_EVENTS = frozenset(
    {
        QEvent.Type.Show,
        QEvent.Type.Hide,
        QEvent.Type.Move,
        QEvent.Type.Resize,
        QEvent.Type.WindowStateChange,
        QEvent.Type.Close,
        QEvent.Type.WinIdChange,
    }
)


class WindowWatcher(QObject):
    """An application-wide event filter: every top-level widget that shows, moves or hides updates the guard."""

    def __init__(self, app: QApplication, guard: SelfGuard) -> None:
        super().__init__(app)
        self.guard = guard
        self._app = app
        self._pending = False
        app.installEventFilter(self)
        app.applicationStateChanged.connect(self._on_state)
        self.publish()
        self._on_state(app.applicationState())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in WINDOW_EVENTS and isinstance(watched, QWidget) and watched.isWindow():
            if event.type() == QEvent.Type.Show:
                self.publish()  # at once: a dialog must be known before the next capture tick
            elif not self._pending:
                self._pending = True
                QTimer.singleShot(0, self.publish)  # moves and resizes come in bursts: once per burst
        return False

    def stop(self) -> None:
        """Stop watching (at quit)."""
        self._app.removeEventFilter(self)

    def _on_state(self, state: Qt.ApplicationState) -> None:
        self.guard.set_focused(state == Qt.ApplicationState.ApplicationActive)

    def publish(self) -> None:
        """Send the guard every top-level window of the app: its X window id and, when visible, its rectangle."""
        self._pending = False
        windows: dict[int, Rect | None] = {}
        for widget in self._app.topLevelWidgets():
            handle = widget.windowHandle()
            if handle is None:
                continue
            windows[int(widget.winId())] = _rect(widget) if widget.isVisible() and not widget.isMinimized() else None
        self.guard.set_windows(windows)


def _rect(widget: QWidget) -> Rect:
    """The window's frame in device pixels on the virtual desktop."""
    frame = widget.frameGeometry()
    ratio = widget.devicePixelRatioF()
    return Rect(int(frame.x() * ratio), int(frame.y() * ratio), int(frame.width() * ratio), int(frame.height() * ratio))


__all__ = ["WindowWatcher"]
