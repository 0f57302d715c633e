"""Turn sqlite cursors into dicts, the way sqlite-utils hands rows out."""

from __future__ import annotations

from collections.abc import Sequence
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
