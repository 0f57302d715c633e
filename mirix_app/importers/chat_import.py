"""A chat JSONL import's bookkeeping: batches, lines that differ from what is stored, and when to give up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mirix_app.importers.chat_jsonl import ChatLine, LineError
from stores.errors import UserFacingError

if TYPE_CHECKING:
    from stores.memory_store import MemoryStore

IMPORT_BATCH = 500
GIVE_UP_AFTER = 20  # this many unreadable lines before any good one: not a chat file
KEPT_REASONS = 1000

Report = Callable[[int, str], None]


class ChatImport:
    """Collects good lines in batches for the store and records every line that is not imported, and why."""

    def __init__(self, path: Path, report: Report | None = None) -> None:
        self.path = path
        self.report = report
        self.batch: list[ChatLine] = []
        self.new = self.present = self.differ = self.failed = self.seen = 0
        self.skipped: list[tuple[int, str]] = []  # (line, reason), the first KEPT_REASONS
        self._texts: dict[str, str] = {}  # message id -> text, for ids repeated inside this file

    def take(self, item: ChatLine | LineError) -> bool:
        """Note one line; True when a full batch waits for ``flush``."""
        if isinstance(item, LineError):
            self._bad(item.line, item.reason)
            return False
        message = item.message
        earlier = self._texts.get(message.source_id)
        if earlier is not None and earlier != message.text:
            self.differ += 1
            self._skip(item.line, f"message id {message.source_id!r} appears earlier with different text; not imported")
            return False
        self._texts[message.source_id] = message.text
        self.batch.append(item)
        self.seen += 1
        return len(self.batch) >= IMPORT_BATCH

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
                self._skip(
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
        self._skip(line, reason)
        if self.failed >= GIVE_UP_AFTER and self.seen == 0:
            raise UserFacingError(
                f"{self.path} does not look like a chat JSONL file: its first {self.failed} lines could not be read "
                '(expected one {"id", "time", "speaker", "text"} object per line). Nothing was imported.'
            )

    def _skip(self, line: int, reason: str) -> None:
        if len(self.skipped) < KEPT_REASONS:
            self.skipped.append((line, reason))
        if self.report is not None:
            self.report(line, reason)

    def summary(self) -> str:
        """One line: what was imported and what was not."""
        return (
            f"imported {self.new} new message(s), {self.present} already present, "
            f"{self.differ} differ from the stored message with the same id (not imported), "
            f"{self.failed} line(s) failed"
        )
