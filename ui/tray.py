"""The tray icon: its colour shows capturing, paused or off; its menu pauses, resumes, forgets the last minutes."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from ui.viewmodels import CaptureState

STATE_COLORS = {"running": "#2f9e6e", "paused": "#d08a2e", "excluded": "#2f9e6e", "idle": "#6b7280"}
FORGET_CHOICES = ((5, "the last 5 minutes"), (15, "the last 15 minutes"), (60, "the last hour"), (0, "today"))
OFF_COLOR = "#9aa5b1"


def dot_icon(color: str, size: int = 64) -> QIcon:
    """A filled circle: the tray's state at a glance."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(color))
    painter.setPen(QColor("#ffffff"))
    painter.drawEllipse(4, 4, size - 8, size - 8)
    painter.end()
    return QIcon(pixmap)


class TrayIcon(QObject):
    """Wraps QSystemTrayIcon; the menu's actions are signals (wired in one place)."""

    pause_requested = Signal(int)
    resume_requested = Signal()
    show_requested = Signal()
    quit_requested = Signal()
    forget_recent_requested = Signal(int)  # minutes; 0 = today

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = "off"
        self.icon = QSystemTrayIcon(dot_icon(OFF_COLOR), self)
        self.menu = QMenu()
        self.status_action = QAction("mirix-app", self.menu)
        self.status_action.setEnabled(False)
        self.toggle_action = QAction("Pause capture", self.menu)
        self.pause15_action = QAction("Pause for 15 minutes", self.menu)
        self.pause60_action = QAction("Pause for 1 hour", self.menu)
        self.show_action = QAction("Open mirix-app", self.menu)
        self.quit_action = QAction("Quit", self.menu)
        for action in (self.status_action, self.toggle_action, self.pause15_action, self.pause60_action):
            self.menu.addAction(action)
        self.forget_menu = self.menu.addMenu("Forget…")
        for minutes, words in FORGET_CHOICES:
            self.forget_menu.addAction(f"Forget {words}…", lambda m=minutes: self.forget_recent_requested.emit(m))
        self.menu.addSeparator()
        self.menu.addAction(self.show_action)
        self.menu.addAction(self.quit_action)
        self.icon.setContextMenu(self.menu)
        self.icon.setToolTip("mirix-app")
        self.toggle_action.triggered.connect(self._on_toggle)
        self.pause15_action.triggered.connect(lambda: self.pause_requested.emit(15))
        self.pause60_action.triggered.connect(lambda: self.pause_requested.emit(60))
        self.show_action.triggered.connect(self.show_requested)
        self.quit_action.triggered.connect(self.quit_requested)
        self.icon.activated.connect(self._on_activated)

    @property
    def available(self) -> bool:
        """Whether this desktop has a system tray (without one the window shows the notice instead)."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        if self.available:
            self.icon.show()

    def _on_toggle(self) -> None:
        if self.state == "paused":
            self.resume_requested.emit()
        else:
            self.pause_requested.emit(0)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_requested.emit()

    @Slot(str)
    def on_locked(self, reason: str) -> None:
        """Locked: capture is paused until the user unlocks in the window."""
        self.state = "locked"
        self.icon.setIcon(dot_icon(OFF_COLOR))
        self.icon.setToolTip(f"mirix-app: locked {reason}; capture paused")
        self.status_action.setText("mirix-app: locked, capture paused")
        self.toggle_action.setEnabled(False)

    @Slot(object)
    def on_status(self, status: CaptureState) -> None:
        if self.state == "locked" and status.state == "off":
            return
        self.state = status.state
        self.icon.setIcon(dot_icon(STATE_COLORS.get(status.state, OFF_COLOR)))
        words = {
            "running": "capturing",
            "paused": "paused",
            "excluded": "capturing",
            "idle": "idle",
            "locked": "locked",
        }
        text = f"mirix-app: {words.get(status.state, 'capture off')}"
        if status.state == "paused" and status.paused_until:
            text += f" until {status.paused_until}"
        self.icon.setToolTip(text)
        self.status_action.setText(text)
        self.toggle_action.setText("Resume capture" if status.state == "paused" else "Pause capture")
        self.toggle_action.setEnabled(status.state != "off")
