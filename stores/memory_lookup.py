"""Exact-field lookups of memories (a resource by its URI, a fact by its name) for deduplication."""

from __future__ import annotations

import sqlite_utils

from stores.memory_types import MEMORY_TYPES, OBSERVATION, memory_type


def ids_with_field(db: sqlite_utils.Database, type_name: str, field: str, value: str, limit: int = 5) -> list[str]:
    """Ids of memories of ``type_name`` whose ``field`` equals ``value`` (newest first)."""
    mtype = memory_type(type_name)
    if field not in mtype.fields or field in mtype.list_fields or field == "secret_value":
        raise ValueError(f"{mtype.name} has no plain field {field!r}")
    rows = db.execute(
        f"SELECT id FROM {mtype.table} WHERE {field} = ? ORDER BY updated_at DESC LIMIT ?", [value, limit]
    ).fetchall()
    return [r[0] for r in rows]


def vault_entries(db: sqlite_utils.Database) -> list[tuple[str, str, str]]:
    """(id, sensitivity, caption) of every knowledge-vault entry (never the secret)."""
    rows = db.execute("SELECT id, coalesce(sensitivity, 'high'), caption FROM memory_knowledge_vault").fetchall()
    return [(r[0], r[1], r[2] or "") for r in rows]


def recent_done_texts(db: sqlite_utils.Database, before_epoch: float, limit: int = 50) -> list[str]:
    """Texts of the latest observations already memorized before a moment (for "is anything new?")."""
    rows = db.execute(
        "SELECT text FROM observation WHERE status = 'done' AND time_epoch <= ? ORDER BY time_epoch DESC LIMIT ?",
        [before_epoch, limit],
    ).fetchall()
    return [r[0] or "" for r in rows]


def kind_of(db: sqlite_utils.Database, item_id: str) -> str | None:
    """The memory type (or ``observation``) of the item with this id, or None when no such item exists."""
    for mtype in MEMORY_TYPES.values():
        if db.execute(f"SELECT 1 FROM {mtype.table} WHERE id = ?", [item_id]).fetchone() is not None:
            return mtype.name
    if db.execute("SELECT 1 FROM observation WHERE id = ?", [item_id]).fetchone() is not None:
        return OBSERVATION
    return None


def apps_between(db: sqlite_utils.Database, start: float, end: float) -> list[tuple[str | None, int]]:
    """(app, how many observations) kept in [start, end), busiest first."""
    rows = db.execute(
        "SELECT app, count(*) AS n FROM observation WHERE time_epoch >= ? AND time_epoch < ? "
        "GROUP BY app ORDER BY n DESC, app",
        [start, end],
    ).fetchall()
    return [(r[0], int(r[1])) for r in rows]
