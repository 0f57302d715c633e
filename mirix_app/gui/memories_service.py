"""The memories area: browse, search, open, edit, delete, history, sources, reveal, export and import."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mirix_app import factories
from mirix_app.gui import imports, memory_views, search_build, transfer
from mirix_app.gui.session import Session
from stores.memory_types import OBSERVATION
from ui.viewmodels import (
    HistoryEntry,
    ImportSummary,
    MemoryDetail,
    MemoryRow,
    SearchQuery,
    SearchResult,
    SourceItem,
)

LIST_LIMIT = 500
SEARCH_K = 30


@dataclass
class MemoriesService:
    """The memory browser's and the detail pane's requests, run on the engine thread."""

    session: Session

    def list_memories(self, type_name: str) -> list[MemoryRow]:
        store = self.session.open_store()
        if type_name == OBSERVATION:
            records = store.recent_observations(LIST_LIMIT)
        else:
            records = store.memories.list_recent(type_name, LIST_LIMIT)
        return [memory_views.memory_row(type_name, r) for r in records]

    def search_rows(self, query: str) -> list[MemoryRow]:
        store = self.session.open_store()
        return [memory_views.memory_row(h.type, store.get(h.type, h.id)) for h in store.search(query, k=30)]

    def search(self, query: SearchQuery) -> list[SearchResult]:
        """The hybrid search over every memory type and observation, with the query's filters."""
        store = self.session.open_store()
        hits = store.search(
            query.text,
            types=[query.type] if query.type else None,
            k=SEARCH_K,
            since=query.since or None,
            app=query.app or None,
        )
        return [search_build.search_result(h, store.get(h.type, h.id), query.text) for h in hits]

    def known_apps(self) -> list[str]:
        return self.session.open_store().known_apps()

    # -- imports: on their own thread, every store call an engine job ---------------------------
    def import_chat(self, path: str, progress: imports.Progress) -> ImportSummary:
        """A chat JSONL file, through the same core as ``mirix-app import-chat``."""
        return imports.import_chat(Path(path), self.session.open_store(), self.session.submit, progress)

    def import_screenshots(self, folder: str, progress: imports.Progress) -> ImportSummary:
        """A folder of screenshots, through a capture pipeline of its own (OCR on this thread)."""
        s = self.session
        store = s.open_store()
        pipeline = s.submit(lambda: factories.build_capture_pipeline(store, s.settings, submit=s.submit))
        return imports.import_screenshots(Path(folder), pipeline, progress)

    def open_memory(self, type_name: str, memory_id: str) -> MemoryDetail:
        return memory_views.memory_detail(type_name, self.session.open_store().get(type_name, memory_id))

    def save_memory(self, type_name: str, memory_id: str, edited: dict[str, str]) -> MemoryDetail:
        changes = memory_views.changes_from_form(type_name, edited)
        if changes:
            self.session.open_store().update(type_name, memory_id, changes)
        return self.open_memory(type_name, memory_id)

    def delete_memory(self, type_name: str, memory_id: str) -> None:
        self.session.open_store().delete(type_name, memory_id)

    def history(self, type_name: str, memory_id: str) -> list[HistoryEntry]:
        rows = self.session.open_store().history(type_name, memory_id)
        return [memory_views.history_entry(type_name, r) for r in reversed(rows)]

    def sources(self, type_name: str, memory_id: str) -> list[SourceItem]:
        store = self.session.open_store()
        if type_name == OBSERVATION:
            return [memory_views.source_item(store.observations.get(memory_id))]
        record = store.get(type_name, memory_id)
        return [memory_views.source_item(o) for o in store.observations.get_many(record["sources"])]

    def reveal(self, memory_id: str, passphrase: str = "") -> str:
        """A vault value, only after re-authentication: the passphrase typed again, or the keyring asked again."""
        self.session.check_key(passphrase)
        return self.session.open_store().reveal(memory_id)

    def export(self, path: str, selection: Sequence[tuple[str, str]] | None, with_secrets: bool) -> int:
        chosen = [(t, i) for t, i in selection if t != OBSERVATION] if selection is not None else None
        return transfer.export_memories(self.session.open_store(), Path(path), chosen, with_secrets)

    def import_file(self, path: str) -> str:
        added, present, no_secret = transfer.import_memories(self.session.open_store(), Path(path))
        note = f"; {no_secret} vault entr{'y' if no_secret == 1 else 'ies'} skipped (exported without the secret)"
        return f"Imported {added} memor{'y' if added == 1 else 'ies'}, {present} already present" + (
            note if no_secret else ""
        )
