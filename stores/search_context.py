"""What ranking needs to know about candidates: observation rows, provenance and thread neighbours."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlite_utils

from stores.memory_types import OBSERVATION
from stores.rows import chunks, fetch_dicts, rows_by_kind

Key = tuple[str, str]
NEIGHBOUR_GAP_S = 30 * 60  # a neighbour further away in time than this is another conversation or activity
RANKING_COLUMNS = "id, kind, session, app, speaker, time_epoch"


def thread_of(row: Mapping[str, Any]) -> tuple[str, Any, Any]:
    """The column, value and kind that make a thread: a chat session, or the frames of one app."""
    if row.get("kind") == "frame":
        return "app", row.get("app") or "", "frame"
    return "session", row.get("session"), row.get("kind")


class SearchContext:
    """Reads candidate details in a few indexed queries; every row it reads is kept for building the hits."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def observations(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The ranking columns of observation rows by id (not their text: only the hits shown need that)."""
        out: dict[str, dict[str, Any]] = {}
        for chunk in chunks(list(dict.fromkeys(ids))):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {RANKING_COLUMNS} FROM observation WHERE id IN ({marks})"
            out.update({r["id"]: r for r in fetch_dicts(self._db, sql, chunk)})
        return out

    def provenance(self, keys: Sequence[Key]) -> dict[Key, list[tuple[str, float | None]]]:
        """The observation ids each memory was made from, with how much each resembles it (None: not measured)."""
        wanted = [key for key in keys if key[0] != OBSERVATION]
        out: dict[Key, list[tuple[str, float | None]]] = {key: [] for key in wanted}
        sql = (
            "SELECT memory_id, observation_id, agreement FROM provenance "
            "WHERE memory_type = ? AND memory_id IN ({marks})"
        )
        for kind, (item_id, obs_id, agreement) in rows_by_kind(self._db, wanted, sql):
            out[(kind, item_id)].append((obs_id, agreement))
        return out

    def neighbours(self, row: dict[str, Any]) -> list[str]:
        """The observations just before and after ``row`` in its thread (same chat session, or same app)."""
        return [r["id"] for before in (True, False) for r in adjacent(self._db, row, before, 1)]


def adjacent(
    db: sqlite_utils.Database, row: Mapping[str, Any], before: bool, limit: int, columns: str = "id"
) -> list[dict[str, Any]]:
    """Up to ``limit`` observations just before (or after) ``row`` in its thread, within the gap, nearest first."""
    column, value, kind = thread_of(row)
    same = f"{column} IS NULL" if value is None else f"{column} = ?"
    params: list[Any] = [] if value is None else [value]
    when = row["time_epoch"]
    gap = NEIGHBOUR_GAP_S
    op, order, lo, hi = ("<", "DESC", when - gap, when) if before else (">", "ASC", when, when + gap)
    return fetch_dicts(
        db,
        f"SELECT {columns} FROM observation WHERE {same} AND kind = ? AND time_epoch {op} ? "
        f"AND time_epoch BETWEEN ? AND ? ORDER BY time_epoch {order} LIMIT {int(limit)}",
        [*params, kind, when, lo, hi],
    )
