"""What ranking needs to know about candidates: observation rows, provenance and thread neighbours."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlite_utils

from stores.memory_types import OBSERVATION
from stores.rows import fetch_dicts

Key = tuple[str, str]
NEIGHBOUR_GAP_S = 30 * 60  # a neighbour further away in time than this is another conversation or activity


def thread_of(row: dict[str, Any]) -> tuple[str, str, str | None]:
    """The column, value and kind that make a thread: a chat session, or the frames of one app."""
    if row.get("kind") == "frame":
        return "app", row.get("app") or "", "frame"
    return "session", row.get("session"), row.get("kind")


class SearchContext:
    """Reads candidate details in a few indexed queries; every row it reads is kept for building the hits."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def observations(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Full observation rows by id."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            out.update(
                {r["id"]: r for r in fetch_dicts(self._db, f"SELECT * FROM observation WHERE id IN ({marks})", chunk)}
            )
        return out

    def provenance(self, keys: Sequence[Key]) -> dict[Key, list[str]]:
        """The observation ids each memory was made from."""
        out: dict[Key, list[str]] = {}
        for kind, item_id in keys:
            if kind == OBSERVATION:
                continue
            rows = self._db.execute(
                "SELECT observation_id FROM provenance WHERE memory_type = ? AND memory_id = ?", [kind, item_id]
            ).fetchall()
            out[(kind, item_id)] = [r[0] for r in rows]
        return out

    def neighbours(self, row: dict[str, Any]) -> list[str]:
        """The observations just before and after ``row`` in its thread (same chat session, or same app)."""
        column, value, kind = thread_of(row)
        same = f"{column} IS NULL" if value is None else f"{column} = ?"
        params: list[Any] = [] if value is None else [value]
        found = []
        when = row["time_epoch"]
        for op, order, lo, hi in (
            ("<", "DESC", when - NEIGHBOUR_GAP_S, when),
            (">", "ASC", when, when + NEIGHBOUR_GAP_S),
        ):
            hit = self._db.execute(
                f"SELECT id FROM observation WHERE {same} AND kind = ? AND time_epoch {op} ? "
                f"AND time_epoch BETWEEN ? AND ? ORDER BY time_epoch {order} LIMIT 1",
                [*params, kind, when, lo, hi],
            ).fetchone()
            if hit is not None:
                found.append(hit[0])
        return found
