"""The running desktop app's parts, and how to shut them down in order."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class Gui:
    """What ``app.build_gui`` made: the window, tray, bridge, engine thread and the engine's services."""

    window: Any
    tray: Any
    bridge: Any
    engine: Any
    services: Any

    def close(self, timeout: float = 90.0) -> None:
        """Stop timers, stop capture and close the stores on the engine thread, then stop the engine."""
        self.bridge.stop()
        if self.engine.running:
            try:
                self.engine.submit(self.services.shutdown).result(timeout)
            except Exception as error:  # noqa: BLE001 - closing must go on
                log.warning("shutdown: %s", error)
            self.engine.stop(timeout)
        self.tray.icon.hide()
        self.window.close()
