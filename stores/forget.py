"""Forget a time range everywhere: observations, frame files, text and image vectors, and what was made of them."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from stores.forget_report import ForgetReport
from stores.frames import FRAMES_DIR, SUFFIX
from stores.image_vectors import ImageVectorIndex
from stores.memories import MemoryRepository
from stores.memory_types import OBSERVATION, observation_text
from stores.reply_context import replied_to, replies, rows_of
from stores.search_index import SearchIndex
from stores.timeutil import to_epoch

log = logging.getLogger(__name__)

CHUNK = 500
FOREVER = 1e18
MIN_QUOTED_LINE = 12  # a shorter line ("Menu", "OK") says nothing about what was forgotten
QUOTE_PROBE = 40  # a line's start: a summary quotes lines cut to a length


class RangeForgetter:
    """Finds and removes everything stored for a time range; the caller drains the vector outbox afterwards."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        memories: MemoryRepository,
        index: SearchIndex,
        data_dir: Path | None,
        image_index: Callable[[str, int], ImageVectorIndex],
    ) -> None:
        self._db = db
        self._memories = memories
        self._index = index
        self._data_dir = data_dir
        self._image_index = image_index

    def forget(self, since: float | None, until: float | None, dry_run: bool = False) -> ForgetReport:
        """Remove (or with ``dry_run`` only count) what was stored in [since, until] (epoch seconds)."""
        low, high = -FOREVER if since is None else since, FOREVER if until is None else until
        if high < low:
            raise ValueError("the end of the range is before its start")
        report = ForgetReport(low, high, dry_run=dry_run)
        doomed = self._observations(low, high, report)
        files = self._frame_files(low, high, doomed)
        report.frame_files = len(files)
        vectors = self._image_vectors(doomed)
        report.image_vectors = sum(len(ids) for ids in vectors.values())
        drop, trim = self._memories_touched(doomed)
        for kind, _ in drop:
            report.memories_deleted[kind] = report.memories_deleted.get(kind, 0) + 1
        for kind, _ in trim:
            report.memories_trimmed[kind] = report.memories_trimmed.get(kind, 0) + 1
        messages = self._chat_messages(low, high)
        report.chat_messages = len(messages)
        if dry_run or report.nothing:
            return report
        for (model, dim), ids in vectors.items():  # Chroma first: a failure here changes nothing in SQLite
            for chunk in _chunks(ids):
                self._image_index(model, dim).unindex(chunk)
        self._db.execute("PRAGMA secure_delete = ON")  # freed pages are zeroed, not left readable to the key holder
        try:
            with self._db.atomic():
                for kind, memory_id in drop:
                    self._memories.delete(kind, memory_id)
                    self._db.execute(
                        "DELETE FROM memory_history WHERE memory_type = ? AND memory_id = ?", [kind, memory_id]
                    )
                for (kind, memory_id), sources in trim.items():
                    self._memories.drop_sources(kind, memory_id, sources)
                self._delete_observations(doomed)
                self._delete_messages(messages)
        finally:
            self._db.execute("PRAGMA secure_delete = OFF")
        with contextlib.suppress(Exception):  # the WAL still holds the old pages until a checkpoint
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._unlink(files)  # after the commit; a crash in between leaves orphans, removed at the next open
        return report

    # -- what is in the range -------------------------------------------------------------------------
    def _observations(self, low: float, high: float, report: ForgetReport) -> list[str]:
        rows = self._db.execute(
            "SELECT id, kind FROM observation WHERE time_epoch >= ? AND time_epoch <= ?", [low, high]
        ).fetchall()
        for _, kind in rows:
            report.observations[kind] = report.observations.get(kind, 0) + 1
        return [r[0] for r in rows]

    def _frame_files(self, low: float, high: float, doomed: Sequence[str]) -> list[str]:
        """Frame files named by the range's observations, and any other frame file captured in the range."""
        named: set[str] = set()
        for chunk in _chunks(doomed):
            marks = ",".join("?" * len(chunk))
            named.update(
                r[0]
                for r in self._db.execute(
                    f"SELECT frame_file FROM observation WHERE id IN ({marks}) AND frame_file IS NOT NULL", chunk
                )
            )
        if self._data_dir is not None:
            root = self._data_dir / FRAMES_DIR
            for path in root.rglob("*" + SUFFIX) if root.exists() else ():
                head = path.name.split("-", 1)[0]
                if head.isdigit() and low * 1000 <= int(head) <= high * 1000:
                    named.add(path.relative_to(self._data_dir).as_posix())
        return sorted(p for p in named if self._data_dir is None or (self._data_dir / p).exists())

    def _image_vectors(self, doomed: Sequence[str]) -> dict[tuple[str, int], list[str]]:
        out: dict[tuple[str, int], list[str]] = {}
        if "frame_vector" not in self._db.table_names():
            return out
        for chunk in _chunks(doomed):
            marks = ",".join("?" * len(chunk))
            for obs_id, model, dim in self._db.execute(
                f"SELECT observation_id, model, dim FROM frame_vector WHERE observation_id IN ({marks})", chunk
            ):
                out.setdefault((model, int(dim)), []).append(obs_id)
        return out

    def _memories_touched(
        self, doomed: Sequence[str]
    ) -> tuple[list[tuple[str, str]], dict[tuple[str, str], list[str]]]:
        """(memories whose every source is in the range, {memory with other sources too: its sources in range})."""
        in_range: dict[tuple[str, str], list[str]] = {}
        for chunk in _chunks(doomed):
            marks = ",".join("?" * len(chunk))
            for kind, memory_id, obs_id in self._db.execute(
                f"SELECT memory_type, memory_id, observation_id FROM provenance WHERE observation_id IN ({marks})",
                chunk,
            ):
                in_range.setdefault((kind, memory_id), []).append(obs_id)
        drop, trim = [], {}
        for key, sources in in_range.items():
            total = self._db.execute(
                "SELECT count(*) FROM provenance WHERE memory_type = ? AND memory_id = ?", list(key)
            ).fetchone()[0]
            if total <= len(sources) or self._quotes(key, sources):
                drop.append(key)
            else:
                trim[key] = sources
        return drop, trim

    def _quotes(self, key: tuple[str, str], sources: Sequence[str]) -> bool:
        """True when the memory repeats a line of these observations word for word (an episode quoting them).

        Such a memory cannot keep its other sources: its text would still show what the user chose to forget.
        """
        record = self._memories.get(*key)
        said = _squeezed(" ".join(v for k, v in record.items() if isinstance(v, str) and k != "id"))
        marks = ",".join("?" * len(sources))
        for (text,) in self._db.execute(f"SELECT text FROM observation WHERE id IN ({marks})", list(sources)):
            for line in (text or "").splitlines():
                line = _squeezed(line)
                if len(line) >= MIN_QUOTED_LINE and line[:QUOTE_PROBE] in said:
                    return True
        return False

    def _chat_messages(self, low: float, high: float) -> list[int]:
        """Chat-thread messages written in the range (the threads' copies of questions and answers)."""
        if "chat_message" not in self._db.table_names():
            return []
        found = []
        for message_id, created_at in self._db.execute("SELECT id, created_at FROM chat_message"):
            when = to_epoch(created_at) if created_at else None
            if when is not None and low <= when <= high:
                found.append(int(message_id))
        return found

    # -- removing -----------------------------------------------------------------------------------
    def _delete_observations(self, doomed: Sequence[str]) -> None:
        """Delete them; the messages replying to them are indexed again without their words."""
        gone = set(doomed)
        replying = {
            later["id"]: later
            for chunk in _chunks(doomed)
            for row in rows_of(self._db, chunk)
            for later in replies(self._db, row)
            if later["id"] not in gone
        }
        for obs_id in doomed:
            self._index.unindex(OBSERVATION, obs_id)
        for chunk in _chunks(doomed):
            marks = ",".join("?" * len(chunk))
            self._db.execute(f"DELETE FROM provenance WHERE observation_id IN ({marks})", chunk)
            if "frame_vector" in self._db.table_names():
                self._db.execute(f"DELETE FROM frame_vector WHERE observation_id IN ({marks})", chunk)
            self._db.execute(f"DELETE FROM observation WHERE id IN ({marks})", chunk)
        for later in replying.values():
            self._index.set_context(OBSERVATION, later["id"], observation_text(later), replied_to(self._db, later))

    def _delete_messages(self, message_ids: Sequence[int]) -> None:
        """Delete the messages; a thread left without any message goes too."""
        threads: set[str] = set()
        for chunk in _chunks(message_ids):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT thread_id FROM chat_message WHERE id IN ({marks})", chunk)
            threads.update(r[0] for r in rows)
            self._db.execute(f"DELETE FROM chat_message WHERE id IN ({marks})", chunk)
        for thread_id in threads:
            self._db.execute(
                "DELETE FROM chat_thread WHERE id = ? AND NOT EXISTS (SELECT 1 FROM chat_message WHERE thread_id = ?)",
                [thread_id, thread_id],
            )

    def _unlink(self, rel_paths: Sequence[str]) -> None:
        if self._data_dir is None:
            return
        for rel in rel_paths:
            path = self._data_dir / rel
            path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                path.parent.rmdir()  # an emptied day folder


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def _chunks(items: Sequence[Any]) -> list[list[Any]]:
    return [list(items[i : i + CHUNK]) for i in range(0, len(items), CHUNK)]
