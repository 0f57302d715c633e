"""The running desktop app's parts, and how to shut them down in order without waiting on a backlog."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

QUIT_BUDGET_S = 1.0


@dataclass
class Gui:
    """What ``gui.run.build_gui`` made: the window, tray, the area bridges, engine thread and the services."""

    window: Any
    tray: Any
    bridges: Any
    engine: Any
    services: Any
    auto_lock: Any = None  # locks after N idle minutes or with the session (desktop/auto_lock.py)
    watcher: Any = None  # tells the capture guard about the app's windows (gui/self_watch.py)

    def close(self, timeout: float = QUIT_BUDGET_S) -> bool:
        """Stop timers, model lanes and capture intake, close the stores on the engine thread, stop the engine.

        Never waits longer than ``timeout`` in all: frames waiting for OCR are dropped (never stored), a
        job still running (a long import, a model call) is left behind, and committed data is durable
        anyway. Returns True when everything closed in time.
        """
        deadline = time.monotonic() + timeout
        if self.auto_lock is not None:
            self.auto_lock.disarm()
        if self.watcher is not None:
            self.watcher.stop()
        self.bridges.stop()
        self.services.stop_capture_intake()
        closed = True
        if self.engine.running:
            try:
                self.engine.submit(self.services.shutdown).result(max(0.1, deadline - time.monotonic()))
            except Exception as error:  # noqa: BLE001 - closing must go on
                log.warning("shutdown did not finish in time: %s", error)
                closed = False
            closed = self.engine.stop(max(0.1, deadline - time.monotonic())) and closed
        self.tray.icon.hide()
        self.window.close()
        return closed
