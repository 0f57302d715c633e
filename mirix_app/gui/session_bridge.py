"""The session area's bridge: first start, unlock, loading the models after the window is up."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot

from mirix_app.gui.jobs import AreaBridge, JobRunner
from mirix_app.gui.services import Services
from stores.errors import UserFacingError, WrongKeyError


class SessionBridge(AreaBridge):
    """Start, unlock and model loading; ``unlocked`` is what the other areas wait for."""

    setup_ready = Signal(object)  # SetupInfo
    unlocked = Signal()
    unlock_failed = Signal(str, bool)  # message, wrong passphrase (retry) or not
    progress = Signal(str, int, int)
    models_ready = Signal(str)
    capture_choice_needed = Signal(str, float)  # data dir, capture interval: first run asks before any capture
    locked = Signal(str)  # why (after 15 minutes without input, because the screen locked)

    def __init__(self, runner: JobRunner, services: Services) -> None:
        super().__init__(runner)
        self.services = services

    @Slot()
    def on_start(self) -> None:
        self._run(self.services.session.setup_info, self.setup_ready.emit)

    @Slot(str)
    def on_unlock(self, passphrase: str) -> None:
        def failed(message: str) -> None:
            self.unlock_failed.emit(message, True)

        def job() -> None:
            try:
                self.services.session.unlock(passphrase)
            except WrongKeyError:
                raise
            except UserFacingError as error:
                raise UserFacingError(str(error)) from error

        self._run(job, lambda _: self._unlocked(), fail=failed)

    def _unlocked(self) -> None:
        self.unlocked.emit()
        settings = self.services.session.settings
        if self.services.capture.agreed is None:
            self.capture_choice_needed.emit(str(self.services.data_dir), float(settings.capture.interval_s))

    @Slot(str)
    def on_lock(self, reason: str) -> None:
        """Lock now: capture stops, the store closes (the key leaves memory), the window shows the lock page."""
        self._run(self.services.lock, lambda _: self.locked.emit(reason))

    @Slot()
    def on_load_models(self) -> None:
        """Heavy parts (embedder, LLM, capture) load after the window is up, reporting progress."""
        self._run(lambda: self.services.load_models(self.progress.emit), self._models_loaded)

    def _models_loaded(self, mode: Any) -> None:
        self.models_ready.emit(str(mode))
