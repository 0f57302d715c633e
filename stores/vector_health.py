"""The vector index is derived from SQLite: check it on open, and rebuild it from SQLite when it is broken."""

from __future__ import annotations

import contextlib
import logging
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import sqlite_utils

from stores.timeutil import utcnow_iso
from stores.vectors import VectorIndex

log = logging.getLogger(__name__)


def index_problem(db: sqlite_utils.Database, vectors: VectorIndex) -> str | None:
    """Why the index cannot be trusted (unreadable, or missing items the outbox does not explain), else None."""
    try:
        count = vectors.count()
        if count:
            vectors.query(np.ones(vectors.embedder.dim, dtype=np.float32), 1)
    except Exception as error:  # noqa: BLE001 - any Chroma failure means: rebuild from SQLite
        return f"unreadable ({type(error).__name__}: {str(error)[:200]})"
    docs = int(db.execute("SELECT count(*) FROM search_doc").fetchone()[0])
    outbox = "SELECT count(DISTINCT kind || ':' || item_id) FROM vector_outbox WHERE op <> 'measure'"
    waiting = int(db.execute(outbox).fetchone()[0])  # 'measure' rows are items that have their vector
    if count < docs - waiting:
        return f"inconsistent ({count} vectors for {docs} indexed items, {waiting} waiting)"
    return None


def requeue_everything(db: sqlite_utils.Database) -> int:
    """Queue every indexed item (and every frame image vector) for indexing again; returns how many items."""
    with db.atomic():
        db.execute("DELETE FROM vector_outbox")
        db.execute(
            "INSERT INTO vector_outbox (kind, item_id, op, created_at) "
            "SELECT kind, item_id, 'upsert', ? FROM search_doc ORDER BY doc_id",
            [utcnow_iso()],
        )
        if "frame_vector" in db.table_names():
            db.execute("UPDATE frame_vector SET indexed = 0")
    return int(db.execute("SELECT count(*) FROM vector_outbox").fetchone()[0])


def wipe_local_index(path: Path, client: Any) -> None:
    """Close the embedded client and move its folder out of the way (deleted once the new one works)."""
    if client is not None and hasattr(client, "close"):
        with contextlib.suppress(Exception):
            client.close()
    if path.exists():
        broken = path.with_name(f"{path.name}.broken-{int(time.time())}")
        path.rename(broken)
        shutil.rmtree(broken, ignore_errors=True)
