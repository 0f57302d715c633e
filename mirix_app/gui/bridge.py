"""The bridge: Qt slots that queue work on the engine thread and signals that bring results back to the GUI."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from mirix_app.engine import Engine
from mirix_app.gui.services import Services
from stores.errors import NotFoundError, UserFacingError, WrongKeyError

log = logging.getLogger(__name__)

STATUS_EVERY_MS = 2000
MEMORIZE_EVERY_MS = 15000


class Bridge(QObject):
    """Every request of the window goes through a slot here; every answer comes back as a signal."""

    setup_ready = Signal(object)  # SetupInfo
    unlocked = Signal()
    unlock_failed = Signal(str, bool)  # message, wrong passphrase (retry) or not
    progress = Signal(str, int, int)
    models_ready = Signal(str)
    chat_token = Signal(str)
    chat_reply = Signal(object)  # ChatReply
    chat_failed = Signal(str)
    memories_listed = Signal(str, object)  # type, list[MemoryRow]
    search_listed = Signal(str, object)  # query, list[MemoryRow]
    memory_opened = Signal(object)  # MemoryDetail
    memory_deleted = Signal(str, str)
    history_ready = Signal(str, object)
    sources_ready = Signal(str, object)
    secret_revealed = Signal(str, str)
    frame_ready = Signal(str, bytes)
    produced_ready = Signal(str, object)
    exported = Signal(str)
    imported = Signal(str)
    import_failed = Signal(str)
    graph_ready = Signal(object)  # GraphData
    timeline_ready = Signal(object)  # TimelineDay
    status_ready = Signal(object)  # CaptureState
    settings_loaded = Signal(object)  # SettingsForm
    settings_applied = Signal(str)
    memorized = Signal(str)
    error = Signal(str)

    def __init__(self, engine: Engine, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.services = services
        self._in_flight: set[str] = set()
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_EVERY_MS)
        self._status_timer.timeout.connect(self.on_status)
        self._memorize_timer = QTimer(self)
        self._memorize_timer.setInterval(MEMORIZE_EVERY_MS)
        self._memorize_timer.timeout.connect(self.on_memorize)

    # -- plumbing -----------------------------------------------------------------------------
    def _run(
        self,
        job: Callable[[], Any],
        deliver: Callable[[Any], None],
        fail: Callable[[str], None] | None = None,
        key: str = "",
    ) -> Future[Any] | None:
        """Queue ``job`` on the engine; ``deliver(result)`` or ``fail(message)`` runs on the engine thread and
        only emits signals (which Qt queues to the GUI thread). ``key`` drops a request already in flight."""
        if key:
            if key in self._in_flight:
                return None
            self._in_flight.add(key)
        future = self.engine.submit(job)
        future.add_done_callback(lambda f: self._settle(f, deliver, fail or self.error.emit, key))
        return future

    def _settle(self, future: Future[Any], deliver: Callable[[Any], None], fail: Callable[[str], None], key: str):
        self._in_flight.discard(key)
        try:
            result = future.result()
        except (UserFacingError, NotFoundError) as error:
            fail(str(error))
            return
        except Exception as error:  # noqa: BLE001 - a bug: log it with its traceback, tell the user briefly
            log.exception("engine job failed")
            fail(f"Something went wrong: {type(error).__name__}: {error}")
            return
        deliver(result)

    # -- start and unlock ---------------------------------------------------------------------
    @Slot()
    def on_start(self) -> None:
        self._run(self.services.setup_info, self.setup_ready.emit)

    @Slot(str)
    def on_unlock(self, passphrase: str) -> None:
        def failed(message: str) -> None:
            self.unlock_failed.emit(message, True)

        def job() -> None:
            try:
                self.services.unlock(passphrase)
            except WrongKeyError:
                raise
            except UserFacingError as error:
                raise UserFacingError(str(error)) from error

        self._run(job, lambda _: self.unlocked.emit(), fail=failed)

    @Slot()
    def on_load_models(self) -> None:
        """Heavy parts (embedder, LLM, capture) load after the window is up, reporting progress."""
        self._run(lambda: self.services.load_models(self.progress.emit), self._models_loaded)

    def _models_loaded(self, mode: str) -> None:
        self.models_ready.emit(mode)

    @Slot()
    def on_start_timers(self) -> None:
        self._status_timer.start()
        self._memorize_timer.start()
        self.on_status()

    def stop(self) -> None:
        self._status_timer.stop()
        self._memorize_timer.stop()

    # -- chat ---------------------------------------------------------------------------------
    @Slot(str, int)
    def on_send(self, question: str, screen_minutes: int) -> None:
        self._run(
            lambda: self.services.ask(question, screen_minutes, self.chat_token.emit),
            self.chat_reply.emit,
            fail=self.chat_failed.emit,
        )

    @Slot()
    def on_clear_chat(self) -> None:
        self._run(self.services.clear_chat, lambda _: None)

    # -- memory browser -----------------------------------------------------------------------
    @Slot(str)
    def on_list(self, type_name: str) -> None:
        self._run(
            lambda: self.services.list_memories(type_name), lambda rows: self.memories_listed.emit(type_name, rows)
        )

    @Slot(str)
    def on_search(self, query: str) -> None:
        self._run(lambda: self.services.search_rows(query), lambda rows: self.search_listed.emit(query, rows))

    @Slot(str, str)
    def on_open(self, type_name: str, memory_id: str) -> None:
        self._run(lambda: self.services.open_memory(type_name, memory_id), self.memory_opened.emit)

    @Slot(str, str, object)
    def on_save(self, type_name: str, memory_id: str, edited: dict) -> None:
        def saved(detail: Any) -> None:
            self.memory_opened.emit(detail)
            self.on_list(type_name)
            self.on_history(type_name, memory_id)

        self._run(lambda: self.services.save_memory(type_name, memory_id, edited), saved)

    @Slot(str, str)
    def on_delete(self, type_name: str, memory_id: str) -> None:
        def deleted(_: Any) -> None:
            self.memory_deleted.emit(type_name, memory_id)
            self.on_list(type_name)

        self._run(lambda: self.services.delete_memory(type_name, memory_id), deleted)

    @Slot(str, str)
    def on_history(self, type_name: str, memory_id: str) -> None:
        self._run(lambda: self.services.history(type_name, memory_id), lambda h: self.history_ready.emit(memory_id, h))

    @Slot(str, str)
    def on_sources(self, type_name: str, memory_id: str) -> None:
        self._run(lambda: self.services.sources(type_name, memory_id), lambda s: self.sources_ready.emit(memory_id, s))

    @Slot(str)
    def on_reveal(self, memory_id: str) -> None:
        self._run(lambda: self.services.reveal(memory_id), lambda v: self.secret_revealed.emit(memory_id, v))

    @Slot(str)
    def on_frame(self, observation_id: str) -> None:
        self._run(lambda: self.services.frame_image(observation_id), lambda b: self.frame_ready.emit(observation_id, b))

    @Slot(str)
    def on_produced(self, observation_id: str) -> None:
        self._run(
            lambda: self.services.memories_from(observation_id),
            lambda rows: self.produced_ready.emit(observation_id, rows),
        )

    @Slot(str, object, bool)
    def on_export(self, path: str, selection: Any, with_secrets: bool) -> None:
        def done(count: int) -> None:
            self.exported.emit(f"Exported {count} memor{'y' if count == 1 else 'ies'} to {path}")

        self._run(lambda: self.services.export(path, selection, with_secrets), done)

    @Slot(str)
    def on_import(self, path: str) -> None:
        def done(message: str) -> None:
            self.imported.emit(message)

        self._run(lambda: self.services.import_file(path), done, fail=self.import_failed.emit)

    # -- graph, timeline ----------------------------------------------------------------------
    @Slot(object, str)
    def on_graph(self, focus: Any, query: str) -> None:
        self._run(lambda: self.services.graph(list(focus or []), query), self.graph_ready.emit)

    @Slot(str)
    def on_timeline(self, day: str) -> None:
        self._run(lambda: self.services.timeline(day), self.timeline_ready.emit)

    # -- capture, memorize --------------------------------------------------------------------
    @Slot(int)
    def on_pause(self, minutes: int) -> None:
        self._run(lambda: self.services.pause(minutes), self.status_ready.emit)

    @Slot()
    def on_resume(self) -> None:
        self._run(self.services.resume, self.status_ready.emit)

    @Slot()
    def on_toggle_pause(self) -> None:
        self._run(self.services.toggle_pause, self.status_ready.emit)

    @Slot()
    def on_status(self) -> None:
        if self.services.store is not None:
            self._run(self.services.status, self.status_ready.emit, key="status", fail=log.warning)

    @Slot()
    def on_memorize(self) -> None:
        if self.services.memorizer is None:
            return

        def done(summary: str) -> None:
            if summary:
                self.memorized.emit(summary)

        self._run(self.services.memorize_if_due, done, key="memorize")

    # -- settings -----------------------------------------------------------------------------
    @Slot()
    def on_load_settings(self) -> None:
        self._run(self.services.settings_form, self.settings_loaded.emit)

    @Slot(object)
    def on_apply_settings(self, form: Any) -> None:
        def applied(message: str) -> None:
            self.settings_applied.emit(message)
            self.settings_loaded.emit(self.services.settings_form())

        self._run(lambda: self.services.apply_settings(form), applied)
