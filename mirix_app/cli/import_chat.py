"""import-chat's bookkeeping: batches, lines that differ from what is stored, and when to give up on a file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mirix_app.cli import output
from mirix_app.cli.chat_jsonl import ChatLine, LineError
from stores.errors import UserFacingError

if TYPE_CHECKING:
    from stores.memory_store import MemoryStore

IMPORT_BATCH = 500
SHOWN_ERRORS = 20  # bad lines reported one by one; after that only counted


class ChatImport:
    """Feeds good lines to the store in batches and reports every line that is not imported, and why."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.batch: list[ChatLine] = []
        self.new = self.present = self.differ = self.failed = self.seen = 0
        self._texts: dict[str, str] = {}  # message id -> text, for ids repeated inside this file

    def take(self, store: MemoryStore, item: ChatLine | LineError) -> None:
        if isinstance(item, LineError):
            self._bad(item.line, item.reason)
            return
        message = item.message
        earlier = self._texts.get(message.source_id)
        if earlier is not None and earlier != message.text:
            self.differ += 1
            self._report(
                item.line, f"message id {message.source_id!r} appears earlier with different text; not imported"
            )
            return
        self._texts[message.source_id] = message.text
        self.batch.append(item)
        self.seen += 1
        if len(self.batch) >= IMPORT_BATCH:
            self.flush(store)
            output.err(f"  {self.seen} messages read...")

    def flush(self, store: MemoryStore) -> None:
        """Add the batch; a message whose id is stored with other text is reported, never silently dropped."""
        if not self.batch:
            return
        stored = store.observation_texts_by_source([i.message.source_id for i in self.batch])
        fresh = []
        for item in self.batch:
            known = stored.get(item.message.source_id)
            if known is None:
                fresh.append(item.message)
            elif known == item.message.text:
                self.present += 1
            else:
                self.differ += 1
                self._report(
                    item.line,
                    f"message id {item.message.source_id!r} is stored with different text; "
                    "not imported (give the changed message a new id)",
                )
        created = store.observations.add_many(fresh)[1]
        self.new += created
        self.present += len(fresh) - created  # the same message twice in this file
        self.batch.clear()

    def _bad(self, line: int, reason: str) -> None:
        self.failed += 1
        self._report(line, reason)
        if self.failed >= SHOWN_ERRORS and self.seen == 0:
            raise UserFacingError(
                f"{self.path} does not look like a chat JSONL file: its first {self.failed} lines could not be read "
                '(expected one {"id", "time", "speaker", "text"} object per line). Nothing was imported.'
            )

    def _report(self, line: int, reason: str) -> None:
        shown = self.failed + self.differ
        if shown <= SHOWN_ERRORS:
            output.err(f"{self.path}:{line}: skipped: {reason}")
        elif shown == SHOWN_ERRORS + 1:
            output.err(f"{self.path}: more lines skipped; only the count is reported from here on")
