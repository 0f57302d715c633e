"""Which window has the focus: a small protocol, one module per platform, and a clean "unknown" elsewhere."""

from __future__ import annotations

import logging
import sys
from typing import Protocol

from mirix_app.capture.frame import WindowInfo

log = logging.getLogger(__name__)


class ActiveWindow(Protocol):
    """Reports the focused window's app and title."""

    def current(self) -> WindowInfo: ...

    def close(self) -> None: ...


class UnknownWindow:
    """Where the platform tells nothing (no X display, Wayland, unsupported OS): app "unknown", empty title."""

    def __init__(self, reason: str = "not supported on this platform") -> None:
        self.reason = reason

    def current(self) -> WindowInfo:
        return WindowInfo()

    def close(self) -> None:
        """Nothing to release."""


class FixedWindow:
    """Always the same window (tests, imports with a sidecar)."""

    def __init__(self, app: str = "unknown", title: str = "", pid: int | None = None, window_id: int = 0) -> None:
        self.window = WindowInfo(app=app, title=title, pid=pid, window_id=window_id)

    def current(self) -> WindowInfo:
        return self.window

    def close(self) -> None:
        """Nothing to release."""


def platform_active_window(display: str | None = None) -> ActiveWindow:
    """The active-window reader for this platform, or ``UnknownWindow`` with the reason."""
    if sys.platform.startswith("linux"):
        from mirix_app.capture.active_window_x11 import X11ActiveWindow
        from mirix_app.capture.x11 import X11Unavailable

        try:
            return X11ActiveWindow(display)
        except X11Unavailable as error:
            log.info("active window unknown: %s", error)
            return UnknownWindow(str(error))
    return UnknownWindow(f"not supported on {sys.platform}")
