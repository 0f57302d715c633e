"""The lines a chat message replies to, indexed beside it: "How was the trip?" lets "We hiked all day" be found."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlite_utils

from stores.memory_types import observation_text
from stores.rows import fetch_dicts
from stores.search_context import adjacent

REPLIED_LINES = 2  # the messages just before one in its chat session (within its thread gap) it may be answering
_COLUMNS = "id, kind, session, speaker, text, image_caption, time_epoch"


def _in_a_chat(row: Mapping[str, Any]) -> bool:
    """Messages of a chat session have replies; screen frames (and messages without a session) do not."""
    return row.get("kind") != "frame" and row.get("session") is not None and row.get("time_epoch") is not None


def _around(db: sqlite_utils.Database, row: Mapping[str, Any], before: bool) -> list[dict[str, Any]]:
    """Up to REPLIED_LINES messages of the same session just before (or after) ``row``, nearest first."""
    return adjacent(db, row, before, REPLIED_LINES, _COLUMNS) if _in_a_chat(row) else []


def replied_to(db: sqlite_utils.Database, row: Mapping[str, Any]) -> str:
    """The text of the messages ``row`` may be answering (empty for a frame or the first message)."""
    return "\n".join(observation_text(earlier) for earlier in _around(db, row, before=True))


def replies(db: sqlite_utils.Database, row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The messages just after ``row`` whose context holds it: re-indexed when it arrives late or is forgotten."""
    return _around(db, row, before=False)


def rows_of(db: sqlite_utils.Database, ids: Sequence[str]) -> list[dict[str, Any]]:
    """What computing a context needs of these observations."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return fetch_dicts(db, f"SELECT {_COLUMNS} FROM observation WHERE id IN ({marks})", list(ids))
