"""Lock when away: after N minutes without keyboard or mouse input, or when the desktop session locks."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from mirix_app.capture.idle import IdleDetector

CHECK_EVERY_MS = 10_000


def lock_reason(idle: IdleDetector, after_min: float, with_session: bool) -> str | None:
    """Why the app must lock now ("after 15 minutes without input", "because the screen locked"), or None."""
    if with_session and idle.locked():
        return "because the screen locked"
    seconds = idle.idle_seconds()
    if after_min > 0 and seconds is not None and seconds >= after_min * 60:
        return f"after {after_min:g} minutes without input"
    return None


class AutoLock(QObject):
    """Polls the idle detector on the GUI thread (a cheap X11 query) and emits ``lock_due(reason)`` once per absence."""

    lock_due = Signal(str)

    def __init__(self, idle: IdleDetector, after_min: float, with_session: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.idle = idle
        self.after_min = after_min
        self.with_session = with_session
        self.armed = False  # only while unlocked
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)

    @property
    def can_tell(self) -> bool:
        """False where the platform reports neither idle time nor the session lock (the app never locks itself)."""
        return self.idle.idle_seconds() is not None or self.idle.locked()

    def arm(self) -> None:
        """Start watching (after an unlock)."""
        self.armed = True
        self.timer.start()

    def disarm(self) -> None:
        self.armed = False
        self.timer.stop()

    def configure(self, after_min: float, with_session: bool) -> None:
        self.after_min, self.with_session = after_min, with_session

    def check(self) -> str | None:
        """Lock now if the user is away; returns the reason it locked, if it did."""
        if not self.armed:
            return None
        reason = lock_reason(self.idle, self.after_min, self.with_session)
        if reason is not None:
            self.disarm()
            self.lock_due.emit(reason)
        return reason
