"""The session area: the data dir, the settings, unlocking the store and the language model in use."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mirix_app import factories
from mirix_app.capture.self_guard import SelfGuard
from mirix_app.settings import Settings
from stores import keys
from stores.embedders import TextEmbedder
from stores.errors import UserFacingError, WrongKeyError
from stores.gated_store import gated
from stores.memory_store import MemoryStore
from stores.memory_types import MEMORY_TYPES
from ui.viewmodels import MemoryOverview, SetupInfo

log = logging.getLogger(__name__)

RunOnEngine = Callable[[Callable[[], Any]], Any]
"""Runs a job on the engine thread and returns its result (``Engine.call``)."""


@dataclass
class Factories:
    """How the services build what they need; tests swap the model and the capture loop."""

    chat_model: Callable[[Settings], Any] = factories.make_chat_model
    # (store, settings, submit): ``submit(job)`` runs a database job on the engine thread and returns its result
    capture_loop: Callable[[MemoryStore, Settings, RunOnEngine], Any] | None = None
    # the idle and session-lock detector the app locks by (tests inject a settable one)
    idle: Callable[[], Any] | None = None
    # the text embedder; None: the one the settings name, a model running in its own process (see ``unlock``)
    embedder: Callable[[Settings], TextEmbedder] | None = None


@dataclass
class Session:
    """What every area shares: the data dir, settings, the open store (engine thread only) and the model."""

    data_dir: Path
    settings: Settings
    submit: RunOnEngine
    factories: Factories = field(default_factory=Factories)
    store: MemoryStore | None = None
    model: Any = None
    model_ready: bool = False
    model_generation: int = 0
    guard: SelfGuard = field(default_factory=SelfGuard)  # what capture must never record (the app, shown secrets)

    def setup_info(self) -> SetupInfo:
        info = keys.read_keyinfo(self.data_dir)
        works = keys.keyring_works()
        method = info.method if info is not None else ("keyring" if works else "passphrase")
        return SetupInfo(str(self.data_dir), info is None, method, works)

    def unlock(self, passphrase: str | None) -> None:
        """Open the stores with the keyring or the passphrase (WrongKeyError / KeyUnavailableError otherwise)."""
        if self.store is None:
            embedder = self._embedder()
            self.store = factories.open_store(self.data_dir, self.settings, passphrase or None, embedder)
            self.store.chat_threads().purge_deleted()  # deleted in an earlier run: their undo time is over
            log.info("memory unlocked")

    def _embedder(self) -> TextEmbedder:
        """Loading torch and a model holds the GIL for seconds: the window's embedder runs in a child process."""
        if self.factories.embedder is not None:
            return self.factories.embedder(self.settings)
        return factories.make_embedder(self.settings, separate_process=True)

    def overview(self) -> MemoryOverview:
        """Counts per memory type and of observations, and whether a language model answers."""
        store = self.open_store()
        counts = {name: store.memories.count(name) for name in MEMORY_TYPES}
        inbox = store.observations.counts()
        return MemoryOverview(counts, sum(inbox.values()), self.model is not None, inbox.get("pending", 0))

    def open_store(self) -> MemoryStore:
        """The open store, for jobs on the engine thread; a clear error while the memory is locked."""
        if self.store is None:
            raise UserFacingError("The memory is locked.")
        return self.store

    def gated_store(self) -> Any:
        """The open store for work off the engine thread (a model run): each call runs as an engine job."""
        return gated(self.open_store(), self.submit)

    def warm_embedder(self) -> None:
        self.open_store().vectors.embedder.embed(["warm up"])

    def connect_model(self) -> str:
        """Build the language model from the settings; "llm", or "offline" when none is configured or it fails."""
        model = None
        try:
            model = self.factories.chat_model(self.settings)
        except Exception as error:  # noqa: BLE001 - a broken LLM config must not stop the app: answer offline
            log.warning("LLM unavailable, answering offline: %s", error)
        self.model = model
        self.model_generation += 1
        return "llm" if model is not None else "offline"

    def check_key(self, passphrase: str) -> None:
        """Re-authentication before a reveal: the passphrase typed again (or the keyring, asked again) must give
        this memory's key; WrongKeyError otherwise."""
        info = keys.read_keyinfo(self.data_dir)
        store = self.open_store()
        if info is None:
            raise UserFacingError("This memory has no key information; cannot check the passphrase.")
        try:
            key = keys.existing_key(info, passphrase if info.method == "passphrase" else None)
        except UserFacingError as error:
            raise WrongKeyError(f"Could not check the key: {error}") from error
        if not store.key_matches(key):
            raise WrongKeyError("Wrong passphrase: the value stays hidden.")

    def lock(self, timeout: float) -> None:
        """Close the store: the key and everything decrypted leave memory; the model (no secrets) stays."""
        self.close_store(timeout)
        self.model_generation += 1  # chat and memorize rebuild on the next store after unlocking

    def close_store(self, timeout: float) -> None:
        if self.store is not None:
            self.store.close(vector_timeout=timeout)
            self.store = None
