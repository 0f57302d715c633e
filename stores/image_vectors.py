"""Image vectors of frames: kept in SQLite (truth) and mirrored to their own Chroma collection for search."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlite_utils

from stores.vectors import _where

log = logging.getLogger(__name__)

FRAME = "frame"


@dataclass(frozen=True)
class ImageHit:
    """One frame near a query vector: its observation id and cosine distance."""

    observation_id: str
    distance: float


class ImageVectorIndex:
    """Frame image vectors (ids = observation ids; metadata type/time/app only), one collection per model."""

    def __init__(self, db: sqlite_utils.Database, client: Any, model: str, dim: int) -> None:
        self._db = db
        self.model = model
        self.dim = int(dim)
        name = f"mirix-frames-{model.lower()}-{self.dim}".replace("_", "-").replace("/", "-")
        self._collection = client.get_or_create_collection(
            name=name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )

    def record(self, observation_id: str, vector: np.ndarray, time_epoch: float | None, app: str | None) -> None:
        """Write the vector row (call inside the transaction that adds the observation); ``sync`` indexes it."""
        vec = np.asarray(vector, dtype=np.float32).reshape(-1)
        if vec.shape[0] != self.dim:
            raise ValueError(f"expected a {self.dim}-d image vector, got {vec.shape[0]}")
        self._db["frame_vector"].upsert(
            {
                "observation_id": observation_id,
                "model": self.model,
                "dim": self.dim,
                "vector": vec.tobytes(),
                "time_epoch": time_epoch,
                "app": app,
                "indexed": 0,
            },
            pk="observation_id",
        )

    def sync(self, batch: int = 256) -> int:
        """Push not-yet-indexed vectors of this model to Chroma; returns how many were pushed."""
        pushed = 0
        while True:
            rows = self._db.execute(
                "SELECT observation_id, vector, time_epoch, app FROM frame_vector "
                "WHERE indexed = 0 AND model = ? AND dim = ? LIMIT ?",
                [self.model, self.dim, batch],
            ).fetchall()
            if not rows:
                return pushed
            self._collection.upsert(
                ids=[r[0] for r in rows],
                embeddings=[np.frombuffer(r[1], dtype=np.float32) for r in rows],
                metadatas=[{"type": FRAME, "time": r[2] or 0.0, "app": r[3] or ""} for r in rows],
            )
            with self._db.atomic():
                for r in rows:
                    self._db.execute("UPDATE frame_vector SET indexed = 1 WHERE observation_id = ?", [r[0]])
            pushed += len(rows)

    def pending(self) -> int:
        row = self._db.execute("SELECT count(*) FROM frame_vector WHERE indexed = 0").fetchone()
        return int(row[0])

    def count(self) -> int:
        return int(self._collection.count())

    def query(
        self,
        vector: np.ndarray,
        k: int = 10,
        since: float | None = None,
        until: float | None = None,
        app: str | None = None,
    ) -> list[ImageHit]:
        """The k frames nearest to ``vector`` (e.g. a CLIP text vector), optionally filtered."""
        if self.count() == 0:
            return []
        result = self._collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32).reshape(-1)],
            n_results=k,
            where=_where(None, since, until, app),
            include=["distances"],
        )
        return [ImageHit(i, float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def unindex(self, observation_ids: Sequence[str]) -> None:
        """Remove vectors from the Chroma collection only (the caller deletes the rows in its transaction)."""
        if observation_ids:
            self._collection.delete(ids=list(observation_ids))

    def delete(self, observation_ids: Sequence[str]) -> None:
        if observation_ids:
            self._collection.delete(ids=list(observation_ids))
            with self._db.atomic():
                for obs_id in observation_ids:
                    self._db.execute("DELETE FROM frame_vector WHERE observation_id = ?", [obs_id])
