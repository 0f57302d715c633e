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

    def list(self, limit: int = 50) -> list[dict[str, Any]]:
        return fetch_dicts(self._db, "SELECT * FROM chat_thread ORDER BY updated_at DESC LIMIT ?", [limit])
