"""Start-up checks for packaging: report when the window is visible and quit after N seconds.

``MIRIX_SMOKE_QUIT_AFTER=SECONDS`` (or ``gui --quit-after SECONDS``) makes the desktop app print
``mirix-app: window visible at <epoch seconds>`` to stderr once its main window is exposed, then
quit through the same path as the tray's "Quit" after that many seconds. The packaging smoke test
and the cold-start measurement use it; without the variable nothing happens.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

ENV = "MIRIX_SMOKE_QUIT_AFTER"
MARKER = "mirix-app: window visible at"


def quit_after_seconds(explicit: float | None = None) -> float | None:
    """The explicit value, else ``$MIRIX_SMOKE_QUIT_AFTER`` as seconds; None when neither is set."""
    if explicit is not None:
        return float(explicit)
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        return None


class _ShownReporter(QObject):
    """Prints the marker the first time the window is exposed."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.reported = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if not self.reported and event.type() in (QEvent.Type.Show, QEvent.Type.Expose, QEvent.Type.Paint):
            handle = self.window.windowHandle()
            if self.window.isVisible() and (handle is None or handle.isExposed()):
                self.reported = True
                sys.stderr.write(f"{MARKER} {time.time():.3f}\n")
                sys.stderr.flush()
        return False


def install(window: QWidget, quit_app: Callable[[], None], seconds: float | None = None) -> bool:
    """Arm the visible-window report and the timed quit when asked for; True when armed."""
    delay = quit_after_seconds(seconds)
    if delay is None:
        return False
    reporter = _ShownReporter(window)
    window.installEventFilter(reporter)
    QTimer.singleShot(int(delay * 1000), quit_app)
    return True
