"""What the window asks of the owner, one service per area; this module only assembles them and starts/stops."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mirix_app.gui.capture_service import CaptureService
from mirix_app.gui.chat_service import ChatService
from mirix_app.gui.explore_service import ExploreService
from mirix_app.gui.memories_service import MemoriesService
from mirix_app.gui.memorize_service import MemorizeService
from mirix_app.gui.session import Factories, RunOnEngine, Session
from mirix_app.gui.settings_service import SettingsService
from mirix_app.settings import Settings
from stores.forget_report import ForgetReport
from stores.memory_store import MemoryStore

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

__all__ = ["Factories", "Progress", "Services"]


class Services:
    """The areas (session, chat, memories, explore, capture, memorize, settings) over one session."""

    def __init__(self, data_dir: Path, settings: Settings, submit: RunOnEngine, factories: Factories | None = None):
        self.session = Session(data_dir, settings, submit, factories or Factories())
        self.chat = ChatService(self.session)
        self.memories = MemoriesService(self.session)
        self.explore = ExploreService(self.session)
        self.capture = CaptureService(self.session)
        self.memorize = MemorizeService(self.session)
        self.settings = SettingsService(self.session, self.capture)
        self.forget_listeners: list[Callable[[ForgetReport], None]] = []  # the window refreshes what it shows

    @property
    def data_dir(self) -> Path:
        return self.session.data_dir

    @property
    def store(self) -> MemoryStore | None:
        """The open store (engine thread only), None while locked."""
        return self.session.store

    @property
    def capture_loop(self) -> Any:
        return self.capture.loop

    def load_models(self, progress: Progress) -> str:
        """After the window is up, on the engine thread: warm the embedder, connect the model, start capture."""
        progress("Loading the text embedder…", 1, 4)
        self.session.warm_embedder()
        progress("Connecting the language model…", 2, 4)
        mode = self.session.connect_model()
        progress("Starting capture…", 3, 4)
        self.capture.start()
        self.session.model_ready = True
        progress("Ready", 4, 4)
        return mode

    def forget_range(self, since: str, until: str, dry_run: bool) -> ForgetReport:
        """On the engine thread: count or forget a range (the window's dialog and CLI clients); listeners hear of it."""
        report = self.capture.forget(since, until, dry_run)
        if not dry_run:
            for listener in list(self.forget_listeners):
                listener(report)
        return report

    def lock(self, timeout: float = 0.5) -> None:
        """On the engine thread: stop capture (it cannot encrypt without the key) and close the store.

        Cached chat and memorize runners drop their store too; the key leaves memory with it.
        """
        self.capture.stop(timeout)
        self.chat.drop()
        self.memorize.drop()
        self.session.lock(timeout)
        self.session.model_ready = False
        log.info("memory locked")

    def stop_capture_intake(self) -> None:
        """Any thread: stop grabbing and drop the frames waiting for OCR."""
        self.capture.stop_intake()

    def shutdown(self, timeout: float = 0.3) -> None:
        """On the engine thread: stop capture without waiting on its backlog, then close the stores.

        Anything already written is durable, and the vector outbox is drained at the next start; a model run
        still going finds the engine gone at its next store call and leaves its batch pending.
        """
        self.capture.stop(timeout)
        self.session.close_store(timeout)
