"""Is the user away? Seconds since the last input and whether the screen is locked (X11 screensaver)."""

from __future__ import annotations

import logging
import sys
from typing import Protocol

log = logging.getLogger(__name__)


class IdleDetector(Protocol):
    """How long the user has not touched keyboard or mouse, and whether the session is locked."""

    def idle_seconds(self) -> float | None: ...

    def locked(self) -> bool: ...


class NeverIdle:
    """Where the platform cannot tell: the user is treated as present."""

    def idle_seconds(self) -> float | None:
        return None

    def locked(self) -> bool:
        return False


class FixedIdle:
    """A settable idle state (tests)."""

    def __init__(self, idle_s: float | None = 0.0, is_locked: bool = False) -> None:
        self.idle_s = idle_s
        self.is_locked = is_locked

    def idle_seconds(self) -> float | None:
        return self.idle_s

    def locked(self) -> bool:
        return self.is_locked


class X11Idle:
    """Idle time and screensaver state from the MIT-SCREEN-SAVER extension."""

    def __init__(self, x11: object) -> None:
        self._x = x11

    def idle_seconds(self) -> float | None:
        return self._x.idle_seconds()  # type: ignore[attr-defined]

    def locked(self) -> bool:
        return bool(self._x.screensaver_active())  # type: ignore[attr-defined]


def platform_idle(display: str | None = None) -> IdleDetector:
    """The idle detector for this platform, or ``NeverIdle`` when it cannot tell."""
    if sys.platform.startswith("linux"):
        from mirix_app.capture.x11 import X11Display, X11Unavailable

        try:
            return X11Idle(X11Display(display))
        except X11Unavailable as error:
            log.info("idle detection off: %s", error)
    return NeverIdle()


def is_away(detector: IdleDetector, timeout_s: float) -> str | None:
    """ "locked" or "idle" when capture must pause for the user's absence, else None."""
    if detector.locked():
        return "locked"
    idle = detector.idle_seconds()
    if idle is not None and timeout_s > 0 and idle >= timeout_s:
        return "idle"
    return None
