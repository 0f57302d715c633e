"""The memories area's bridge: the browser's and the detail pane's requests and their answers."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot

from mirix_app.gui import imports
from mirix_app.gui.jobs import AreaBridge, JobRunner
from mirix_app.gui.memories_service import MemoriesService


class MemoriesBridge(AreaBridge):
    """List, search, open, save, delete, history, sources, reveal, export and import."""

    memories_listed = Signal(str, object)  # type, list[MemoryRow]
    search_listed = Signal(str, object)  # query, list[MemoryRow]
    memory_opened = Signal(object)  # MemoryDetail
    memory_deleted = Signal(str, str)
    history_ready = Signal(str, object)
    sources_ready = Signal(str, object)
    secret_revealed = Signal(str, str)
    reveal_refused = Signal(str, str)  # memory id, why (a wrong passphrase: the value stays hidden)
    exported = Signal(str)
    imported = Signal(str)
    import_failed = Signal(str)
    import_progress = Signal(str, int, int)
    import_done = Signal(object)  # ImportSummary
    results_ready = Signal(object, object)  # SearchQuery, list[SearchResult]
    apps_listed = Signal(object)  # list[str]
    overview_ready = Signal(object)  # MemoryOverview
    _searched = Signal()

    def __init__(self, runner: JobRunner, memories: MemoriesService) -> None:
        super().__init__(runner)
        self.memories = memories
        self._next_query: Any = None
        self._searching = False
        self._searched.connect(self._search_next)

    @Slot(str)
    def on_list(self, type_name: str) -> None:
        self._run(
            lambda: self.memories.list_memories(type_name), lambda rows: self.memories_listed.emit(type_name, rows)
        )

    @Slot(str)
    def on_search(self, query: str) -> None:
        self._run(lambda: self.memories.search_rows(query), lambda rows: self.search_listed.emit(query, rows))

    @Slot(str, str)
    def on_open(self, type_name: str, memory_id: str) -> None:
        self._run(lambda: self.memories.open_memory(type_name, memory_id), self.memory_opened.emit)

    @Slot(str, str, object)
    def on_save(self, type_name: str, memory_id: str, edited: dict) -> None:
        def saved(detail: Any) -> None:
            self.memory_opened.emit(detail)
            self.on_list(type_name)
            self.on_history(type_name, memory_id)

        self._run(lambda: self.memories.save_memory(type_name, memory_id, edited), saved)

    @Slot(str, str)
    def on_delete(self, type_name: str, memory_id: str) -> None:
        def deleted(_: Any) -> None:
            self.memory_deleted.emit(type_name, memory_id)
            self.on_list(type_name)

        self._run(lambda: self.memories.delete_memory(type_name, memory_id), deleted)

    @Slot(str, str)
    def on_history(self, type_name: str, memory_id: str) -> None:
        self._run(lambda: self.memories.history(type_name, memory_id), lambda h: self.history_ready.emit(memory_id, h))

    @Slot(str, str)
    def on_sources(self, type_name: str, memory_id: str) -> None:
        self._run(lambda: self.memories.sources(type_name, memory_id), lambda s: self.sources_ready.emit(memory_id, s))

    @Slot(str, str)
    def on_reveal(self, memory_id: str, passphrase: str) -> None:
        self._run(
            lambda: self.memories.reveal(memory_id, passphrase),
            lambda v: self.secret_revealed.emit(memory_id, v),
            fail=lambda message: self.reveal_refused.emit(memory_id, message),
        )

    @Slot(str, object, bool)
    def on_export(self, path: str, selection: Any, with_secrets: bool) -> None:
        def done(count: int) -> None:
            self.exported.emit(f"Exported {count} memor{'y' if count == 1 else 'ies'} to {path}")

        self._run(lambda: self.memories.export(path, selection, with_secrets), done)

    @Slot(str)
    def on_import(self, path: str) -> None:
        self._run(lambda: self.memories.import_file(path), self.imported.emit, fail=self.import_failed.emit)

    # -- one search for everything: the newest query wins, one search at a time ------------------
    @Slot(object)
    def on_search_all(self, query: Any) -> None:
        """Search (off the GUI thread); queries typed while one runs collapse into the newest."""
        self._next_query = query
        if not self._searching:
            self._search_next()

    def _search_next(self) -> None:
        self._searching = False
        query, self._next_query = self._next_query, None
        if query is None:
            return
        self._searching = True

        def done(results: Any) -> None:
            self.results_ready.emit(query, results)
            self._searched.emit()

        def failed(message: str) -> None:
            self.error.emit(message)
            self._searched.emit()

        self._run(lambda: self.memories.search(query), done, fail=failed)

    @Slot()
    def on_apps(self) -> None:
        self._run(self.memories.known_apps, self.apps_listed.emit)

    @Slot()
    def on_overview(self) -> None:
        self._run(self.memories.session.overview, self.overview_ready.emit)

    # -- imports from files the user picked ---------------------------------------------------
    @Slot(str)
    def on_import_chat(self, path: str) -> None:
        self._start_import(lambda: self.memories.import_chat(path, self.import_progress.emit))

    @Slot(str)
    def on_import_screenshots(self, folder: str) -> None:
        self._start_import(lambda: self.memories.import_screenshots(folder, self.import_progress.emit))

    def _start_import(self, work: Any) -> None:
        def done(summary: Any) -> None:
            self.import_done.emit(summary)
            self.on_overview()
            self.on_apps()

        imports.run_in_thread(work, done, self.import_failed.emit)
