"""Chat threads and their messages, kept in the encrypted database so conversations survive restarts."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

import sqlite_utils

from stores.errors import NotFoundError
from stores.rows import fetch_dicts, fetch_one
from stores.timeutil import utcnow_iso


class ChatThreads:
    """Create threads, append messages (with their citations) and read them back."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def create(self, title: str = "") -> str:
        thread_id = uuid.uuid4().hex
        now = utcnow_iso()
        with self._db.atomic():
            self._db["chat_thread"].insert(
                {"id": thread_id, "title": title[:200], "created_at": now, "updated_at": now}
            )
        return thread_id

    def get(self, thread_id: str) -> dict[str, Any]:
        row = fetch_one(self._db, "SELECT * FROM chat_thread WHERE id = ?", [thread_id])
        if row is None:
            raise NotFoundError(f"chat thread {thread_id} not found")
        return row

    def add_message(
        self, thread_id: str, role: str, content: str, citations: Sequence[dict[str, Any]] = ()
    ) -> dict[str, Any]:
        self.get(thread_id)
        now = utcnow_iso()
        row = {
            "thread_id": thread_id,
            "role": role,
            "content": content,
            "citations": json.dumps(list(citations)),
            "created_at": now,
        }
        with self._db.atomic():
            self._db["chat_message"].insert(row)
            self._db["chat_thread"].update(thread_id, {"updated_at": now})
        return row

    def messages(self, thread_id: str, limit: int | None = None) -> list[dict[str, Any]]:
        """Messages of a thread, oldest first (the last ``limit`` when given)."""
        rows = fetch_dicts(
            self._db,
            "SELECT * FROM chat_message WHERE thread_id = ? ORDER BY id DESC LIMIT ?",
            [thread_id, -1 if limit is None else limit],
        )
        for row in rows:
            row["citations"] = json.loads(row["citations"] or "[]")
        return rows[::-1]

    def list(self, limit: int = 200) -> list[dict[str, Any]]:
        """Conversations not deleted, the most recently active first."""
        return fetch_dicts(
            self._db,
            "SELECT * FROM chat_thread WHERE deleted_at IS NULL ORDER BY updated_at DESC LIMIT ?",
            [limit],
        )

    def rename(self, thread_id: str, title: str) -> None:
        self.get(thread_id)
        with self._db.atomic():
            self._db["chat_thread"].update(thread_id, {"title": " ".join(title.split())[:200]})

    def mark_opened(self, thread_id: str) -> None:
        """Remember that the user opened this conversation (the last one opened is restored at start)."""
        self.get(thread_id)
        with self._db.atomic():
            self._db["chat_thread"].update(thread_id, {"opened_at": utcnow_iso()})

    def last_opened(self) -> str | None:
        """The conversation the user had open last (opened or added to), if any is left."""
        row = self._db.execute(
            "SELECT id FROM chat_thread WHERE deleted_at IS NULL "
            "ORDER BY max(coalesce(opened_at, ''), updated_at) DESC LIMIT 1"
        ).fetchone()
        return row[0] if row is not None else None

    def delete(self, thread_id: str) -> None:
        """Hide a conversation; ``restore`` brings it back until ``purge_deleted`` removes it for good."""
        self.get(thread_id)
        with self._db.atomic():
            self._db["chat_thread"].update(thread_id, {"deleted_at": utcnow_iso()})

    def restore(self, thread_id: str) -> None:
        self.get(thread_id)
        with self._db.atomic():
            self._db["chat_thread"].update(thread_id, {"deleted_at": None})

    def purge_deleted(self, before: str | None = None) -> int:
        """Erase the conversations deleted before ``before`` (ISO time; all deleted ones when None)."""
        rows = self._db.execute(
            "SELECT id FROM chat_thread WHERE deleted_at IS NOT NULL AND deleted_at < ?", [before or "9999"]
        ).fetchall()
        ids = [r[0] for r in rows]
        with self._db.atomic():
            for thread_id in ids:
                self._db.execute("DELETE FROM chat_message WHERE thread_id = ?", [thread_id])
                self._db.execute("DELETE FROM chat_thread WHERE id = ?", [thread_id])
        return len(ids)
