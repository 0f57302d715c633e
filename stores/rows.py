"""Turn sqlite cursors into dicts, the way sqlite-utils hands rows out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlite_utils


def fetch_dicts(db: sqlite_utils.Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Run ``sql`` and return every row as a dict keyed by column name."""
    cursor = db.execute(sql, list(params))
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def fetch_one(db: sqlite_utils.Database, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
    """The first row of ``sql`` as a dict, or None."""
    rows = fetch_dicts(db, sql, params)
    return rows[0] if rows else None


CHUNK = 500  # ids per IN (...) query


def chunks(ids: Sequence[str]) -> list[list[str]]:
    """``ids`` in slices small enough for one ``IN (...)`` query."""
    return [list(ids[start : start + CHUNK]) for start in range(0, len(ids), CHUNK)]


def ids_by_kind(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """(kind, item_id) keys grouped by kind, so each query can use a (kind, item_id) index."""
    grouped: dict[str, list[str]] = {}
    for kind, item_id in dict.fromkeys(keys):
        grouped.setdefault(kind, []).append(item_id)
    return grouped


def rows_by_kind(
    db: sqlite_utils.Database, keys: Iterable[tuple[str, str]], sql: str, extra: Sequence[Any] = ()
) -> Iterator[tuple[str, Any]]:
    """(kind, row) of ``sql`` run per kind: its parameters are the kind, then the ``{marks}`` ids, then ``extra``."""
    for kind, ids in ids_by_kind(keys).items():
        for chunk in chunks(ids):
            for row in db.execute(sql.format(marks=",".join("?" * len(chunk))), [kind, *chunk, *extra]):
                yield kind, row
