"""The observation inbox: every frame or message, durable and pending until its memories are written."""

from __future__ import annotations

import json
import time as _time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from stores.errors import NotFoundError, ValidationError
from stores.memory_types import OBSERVATION, observation_text
from stores.reply_context import replied_to, replies
from stores.rows import fetch_dicts, fetch_one
from stores.search_index import SearchIndex
from stores.timeutil import normalize_iso, to_epoch, utcnow_iso

PENDING, DONE, PARKED = "pending", "done", "parked"
KINDS = ("chat", "frame", "chat_turn", "note")


@dataclass
class NewObservation:
    """What a capture, chat or import hands to the inbox."""

    kind: str
    source_id: str
    time: str
    text: str = ""
    speaker: str | None = None
    app: str | None = None
    title: str | None = None
    session: str | None = None
    monitor: int | None = None
    image_caption: str | None = None
    frame_file: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    content_hash: str | None = None


class ObservationInbox:
    """Add, read and settle observations; every write goes through the caller's ``db.atomic()``."""

    def __init__(self, db: sqlite_utils.Database, index: SearchIndex) -> None:
        self._db = db
        self._index = index

    def add(self, new: NewObservation) -> tuple[str, bool]:
        """Insert one observation; returns (id, created). An already-known source id adds nothing."""
        if new.kind not in KINDS:
            raise ValidationError(f"unknown observation kind {new.kind!r}")
        if not new.source_id:
            raise ValidationError("an observation needs a source id")
        existing = self._db.execute("SELECT id FROM observation WHERE source_id = ?", [new.source_id]).fetchone()
        if existing is None and new.content_hash:
            existing = self._db.execute(
                "SELECT id FROM observation WHERE content_hash = ? LIMIT 1", [new.content_hash]
            ).fetchone()
        if existing is not None:
            return existing[0], False
        row = {
            "id": uuid.uuid4().hex,
            "source_id": new.source_id,
            "kind": new.kind,
            "time": normalize_iso(new.time),
            "time_epoch": to_epoch(new.time),
            "speaker": new.speaker,
            "text": new.text,
            "app": new.app,
            "title": new.title,
            "session": new.session,
            "monitor": new.monitor,
            "image_caption": new.image_caption,
            "frame_file": new.frame_file,
            "status": PENDING,
            "attempts": 0,
            "created_at": utcnow_iso(),
            "meta": json.dumps(dict(new.meta)) if new.meta else None,
            "content_hash": new.content_hash,
        }
        self._db["observation"].insert(row)
        context = replied_to(self._db, row)
        self._index.index(OBSERVATION, row["id"], observation_text(row), row["time_epoch"], new.app, context)
        for later in replies(self._db, row):  # it arrived after messages that reply to it: they now do
            self._index.set_context(OBSERVATION, later["id"], observation_text(later), replied_to(self._db, later))
        return row["id"], True

    def add_many(self, items: Iterable[NewObservation]) -> tuple[list[str], int]:
        """Insert many in one transaction; returns (ids in input order, how many were new)."""
        ids, created = [], 0
        with self._db.atomic():
            for new in items:
                obs_id, was_new = self.add(new)
                ids.append(obs_id)
                created += was_new
        return ids, created

    def get(self, obs_id: str) -> dict[str, Any]:
        row = fetch_one(self._db, "SELECT * FROM observation WHERE id = ?", [obs_id])
        if row is None:
            raise NotFoundError(f"observation {obs_id} not found")
        return row

    def get_many(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        by_id = {r["id"]: r for r in fetch_dicts(self._db, f"SELECT * FROM observation WHERE id IN ({marks})", ids)}
        return [by_id[i] for i in ids if i in by_id]

    def has_content(self, content_hash: str) -> bool:
        """True when an observation was already made from a file with this content hash."""
        row = self._db.execute("SELECT 1 FROM observation WHERE content_hash = ? LIMIT 1", [content_hash]).fetchone()
        return row is not None

    def has_source(self, source_id: str) -> bool:
        """True when an observation already has this source id."""
        return self._db.execute("SELECT 1 FROM observation WHERE source_id = ?", [source_id]).fetchone() is not None

    def by_source_id(self, source_id: str) -> dict[str, Any]:
        row = fetch_one(self._db, "SELECT * FROM observation WHERE source_id = ?", [source_id])
        if row is None:
            raise NotFoundError(f"no observation with source id {source_id}")
        return row

    def pending(self, limit: int, now: float | None = None) -> list[dict[str, Any]]:
        """Up to ``limit`` pending observations that are due, oldest first."""
        now = _time.time() if now is None else now
        return fetch_dicts(
            self._db,
            "SELECT * FROM observation WHERE status = ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?) "
            "ORDER BY time_epoch, rowid LIMIT ?",
            [PENDING, now, limit],
        )

    def count_done(self, ids: Sequence[str]) -> int:
        """How many of these observations are already done."""
        unique = list(dict.fromkeys(ids))
        if not unique:
            return 0
        marks = ",".join("?" * len(unique))
        row = self._db.execute(
            f"SELECT count(*) FROM observation WHERE status = ? AND id IN ({marks})", [DONE, *unique]
        )
        return int(row.fetchone()[0])

    def mark_done(self, ids: Sequence[str]) -> None:
        """Mark observations done; call inside the transaction that writes their memories."""
        for obs_id in ids:
            self._db.execute(
                "UPDATE observation SET status = ?, last_error = NULL, next_attempt_at = NULL WHERE id = ?",
                [DONE, obs_id],
            )

    def record_failure(self, ids: Sequence[str], error: str, max_attempts: int, backoff_s: float) -> None:
        """Count a failed attempt: back off, or park as needing attention after ``max_attempts``."""
        now = _time.time()
        with self._db.atomic():
            for obs_id in ids:
                row = self._db.execute("SELECT attempts FROM observation WHERE id = ?", [obs_id]).fetchone()
                if row is None:
                    continue
                attempts = (row[0] or 0) + 1
                status = PARKED if attempts >= max_attempts else PENDING
                self._db.execute(
                    "UPDATE observation SET attempts = ?, status = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
                    [attempts, status, error[:2000], now + backoff_s * 2 ** (attempts - 1), obs_id],
                )

    def requeue_parked(self) -> int:
        """Put parked observations back in the queue (after the user fixed the cause)."""
        with self._db.atomic():
            cursor = self._db.execute(
                "UPDATE observation SET status = ?, attempts = 0, next_attempt_at = NULL WHERE status = ?",
                [PENDING, PARKED],
            )
        return cursor.rowcount

    def counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT status, count(*) FROM observation GROUP BY status").fetchall()
        counts = {PENDING: 0, DONE: 0, PARKED: 0}
        counts.update({status: n for status, n in rows})
        return counts
