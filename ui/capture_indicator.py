"""Whether capture runs, always in sight: the window title and a status-bar badge (the tray shows it too)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QLabel, QMainWindow, QSystemTrayIcon

from ui.viewmodels import CaptureState

APP = "mirix-app"
TITLE_WORDS = {
    "running": "● capturing",
    "paused": "❚❚ capture paused",
    "excluded": "● capturing (this window is not recorded)",
    "idle": "capture waiting (you are away)",
    "stopped": "capture off",
    "off": "capture off",
    "locked": "locked",
}
BADGE = {
    "running": ("Capturing", "#2f9e6e"),
    "excluded": ("Capturing · not this window", "#2f9e6e"),
    "paused": ("Capture paused", "#d08a2e"),
    "idle": ("Capture waiting: you are away", "#6b7280"),
    "stopped": ("Capture off", "#6b7280"),
    "off": ("Capture off", "#6b7280"),
    "locked": ("Locked · capture paused", "#6b7280"),
}
NO_TRAY = (
    "No system tray on this desktop: the capture state shows here and in the window title only, "
    "and closing this window quits mirix-app (capture stops with it)."
)


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


class CaptureIndicator(QObject):
    """Keeps the window title and a permanent status-bar badge in step with the capture state."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.state = "off"
        self.badge = QLabel()
        self.badge.setObjectName("captureBadge")
        window.statusBar().addPermanentWidget(self.badge)
        self.show("off")

    def show(self, state: str, until: str = "") -> None:
        self.state = state
        words = TITLE_WORDS.get(state, state)
        if state == "paused" and until:
            words += f" until {until}"
        self.window.setWindowTitle(f"{APP} — {words}")
        text, color = BADGE.get(state, (state, "#6b7280"))
        if state == "paused" and until:
            text += f" until {until}"
        self.badge.setText(f'<span style="color:{color}">●</span> {text}')
        self.badge.setToolTip(NO_TRAY if not tray_available() else "Pause or resume: Ctrl+Alt+P, the tray icon")

    @Slot(object)
    def on_status(self, status: CaptureState) -> None:
        if self.state != "locked":
            self.show(status.state, status.paused_until)

    @Slot(bool)
    def on_locked(self, locked: bool) -> None:
        """While locked the title says so (capture is paused); after unlocking the next status replaces it."""
        self.show("locked" if locked else "off")
