"""Drain the vector outbox into Chroma: SQLite commits first, vectors follow, a crash is repaired on reopen."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import sqlite_utils

from stores import provenance_agreement as agreement
from stores.vectors import VectorIndex

log = logging.getLogger(__name__)

TextLookup = Callable[[str, str], tuple[str, float | None, str | None] | None]


class VectorSync:
    """Apply queued upserts and deletes to the vector index, oldest first, in batches."""

    def __init__(self, db: sqlite_utils.Database, vectors: VectorIndex, lookup: TextLookup) -> None:
        self._db = db
        self._vectors = vectors
        self._lookup = lookup

    def pending(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM vector_outbox").fetchone()[0])

    def drain(self, batch_size: int = 256, progress: Callable[[int, int], None] | None = None) -> int:
        """Apply every queued change; returns how many outbox rows were settled."""
        total, done = self.pending(), 0
        while True:
            rows = self._db.execute(
                "SELECT seq, kind, item_id, op FROM vector_outbox ORDER BY seq LIMIT ?", [batch_size]
            ).fetchall()
            if not rows:
                return done
            measured = self._apply(rows)
            with self._db.atomic():
                agreement.store(self._db, measured)
                self._db.execute("DELETE FROM vector_outbox WHERE seq <= ?", [rows[-1][0]])
            done += len(rows)
            if progress:
                progress(done, total)

    def _apply(self, rows: list[tuple[int, str, str, str]]) -> list[tuple[float, agreement.Link]]:
        """Push the batch to Chroma; returns the provenance agreements of what was embedded (or asked to measure)."""
        last_op: dict[tuple[str, str], str] = {}
        for _seq, kind, item_id, op in rows:
            if op != "measure" or (kind, item_id) not in last_op:  # measuring never undoes an upsert or delete
                last_op[(kind, item_id)] = op
        deletes = [key for key, op in last_op.items() if op == "delete"]
        upserts = []
        for key, op in last_op.items():
            if op != "upsert":
                continue
            found = self._lookup(*key)
            if found is None:
                deletes.append(key)
            else:
                upserts.append((key, found))
        embedded: dict[tuple[str, str], np.ndarray] = {}
        if upserts:
            texts = [text for _, (text, _, _) in upserts]
            vectors = self._vectors.embedder.embed(texts)
            self._vectors.upsert(
                [(k[0], k[1], vec, t, app) for (k, (_, t, app)), vec in zip(upserts, vectors, strict=True)]
            )
            embedded = {key: vec for (key, _), vec in zip(upserts, vectors, strict=True)}
        self._vectors.delete(deletes)
        touched = [*embedded, *(key for key, op in last_op.items() if op == "measure")]
        links = agreement.links_touching(self._db, touched)
        return agreement.measure(links, embedded, self._vectors.vectors_of) if links else []
