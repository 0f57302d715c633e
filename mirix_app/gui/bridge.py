"""The bridges of every area over one job runner: what the wiring connects to the window's widgets."""

from __future__ import annotations

from mirix_app.engine import Engine
from mirix_app.gui.capture_bridge import CaptureBridge
from mirix_app.gui.chat_bridge import ChatBridge
from mirix_app.gui.explore_bridge import ExploreBridge
from mirix_app.gui.jobs import AreaBridge, JobRunner
from mirix_app.gui.memories_bridge import MemoriesBridge
from mirix_app.gui.services import Services
from mirix_app.gui.session_bridge import SessionBridge
from mirix_app.gui.settings_bridge import SettingsBridge


class Bridges:
    """One bridge per area (session, chat, memories, explore, capture, settings), sharing the job runner."""

    def __init__(self, engine: Engine, services: Services) -> None:
        self.runner = JobRunner(engine)
        self.session = SessionBridge(self.runner, services)
        self.chat = ChatBridge(self.runner, services.chat)
        self.memories = MemoriesBridge(self.runner, services.memories)
        self.explore = ExploreBridge(self.runner, services.explore)
        self.capture = CaptureBridge(self.runner, services.capture, services.memorize)
        self.settings = SettingsBridge(self.runner, services.settings)
        self.guard = services.session.guard
        services.forget_listeners.append(self.capture.on_forgotten_elsewhere)

    def areas(self) -> list[AreaBridge]:
        return [self.session, self.chat, self.memories, self.explore, self.capture, self.settings]

    @property
    def busy(self) -> bool:
        """Some request is still in flight (benchmarks and tests wait for quiet)."""
        return any(area.busy for area in self.areas())

    def stop(self) -> None:
        """Stop the timers and drop model runs not started yet."""
        self.capture.stop()
        self.runner.stop()
