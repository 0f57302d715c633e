"""Hybrid retrieval: FTS5 BM25, vector similarity and recency, fused by weighted reciprocal-rank fusion."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from stores.search_index import SearchIndex
from stores.vectors import VectorHit, VectorIndex

log = logging.getLogger(__name__)

Key = tuple[str, str]
RRF_K = 60


@dataclass(frozen=True)
class FusionWeights:
    """How much each ranking counts in the fused score."""

    text: float = 1.0
    vector: float = 1.0
    recency: float = 0.2
    max_vector_distance: float = 0.85  # cosine distance; farther neighbours are noise, not matches


def tied_ranks(scored: Sequence[tuple[Key, float]], tolerance: float = 1e-9) -> dict[Key, int]:
    """1-based ranks of items already sorted best first; equal scores share a rank."""
    ranks: dict[Key, int] = {}
    previous: float | None = None
    rank = 0
    for position, (key, score) in enumerate(scored, start=1):
        if previous is None or abs(score - previous) > tolerance:
            rank = position
        previous = score
        ranks.setdefault(key, rank)
    return ranks


def rrf_fuse(rankings: Sequence[tuple[dict[Key, int], float]], k0: int = RRF_K) -> dict[Key, float]:
    """Weighted reciprocal-rank fusion: sum of weight / (k0 + rank) over the rankings an item is in."""
    scores: dict[Key, float] = {}
    for ranks, weight in rankings:
        for key, rank in ranks.items():
            scores[key] = scores.get(key, 0.0) + weight / (k0 + rank)
    return scores


@dataclass(frozen=True)
class Filters:
    """The filters a search applies to every ranking."""

    types: Sequence[str] | None = None
    since: float | None = None
    until: float | None = None
    app: str | None = None

    @property
    def any(self) -> bool:
        return bool(self.types or self.since is not None or self.until is not None or self.app)

    def admits(self, meta: dict) -> bool:
        """True when a vector's metadata (type, time, app) passes the filters."""
        time = meta.get("time") or 0.0
        return (
            (not self.types or meta.get("type") in self.types)
            and (self.since is None or time >= self.since)
            and (self.until is None or time <= self.until)
            and (not self.app or meta.get("app") == self.app)
        )


EXACT_SCOPE_MAX = 5000  # filtered sets up to this size are searched exactly among their own ids
OVERFETCH_MAX = 2000


class HybridSearcher:
    """Runs the text and vector searches with the same filters, in parallel, and fuses their rankings."""

    def __init__(self, index: SearchIndex, vectors: VectorIndex | None, weights: FusionWeights | None = None):
        self._index = index
        self._vectors = vectors
        self.weights = weights or FusionWeights()
        self._worker: ThreadPoolExecutor | None = None

    def close(self) -> None:
        if self._worker is not None:
            self._worker.shutdown(wait=False)
            self._worker = None

    def _vector_side(
        self, query: str, depth: int, filters: Filters, scope: list[Key] | None, matching: int
    ) -> list[VectorHit]:
        """Embed the query and find its nearest neighbours that pass the filters."""
        assert self._vectors is not None
        vector = self._vectors.embedder.embed([query])[0]
        if not filters.any:
            return self._vectors.query(vector, depth)
        if scope is not None:
            try:
                return self._vectors.query(vector, min(depth, len(scope)), within=scope)
            except Exception:  # noqa: BLE001 - an id still waiting in the outbox: fall back to over-fetching
                log.info("exact vector scope failed; over-fetching instead", exc_info=True)
        total = max(self._vectors.count(), 1)
        wanted = int(depth * 1.5 * total / max(matching, 1)) + depth
        hits = self._vectors.query_unfiltered(vector, min(OVERFETCH_MAX, total, wanted))
        return [hit for hit, meta in hits if filters.admits(meta)][:depth]

    def search(
        self,
        query: str,
        k: int = 10,
        types: Sequence[str] | None = None,
        since: float | None = None,
        until: float | None = None,
        app: str | None = None,
    ) -> list[tuple[Key, float]]:
        """The k best (kind, item_id) keys with their fused scores, best first."""
        depth = max(3 * k, 30)
        filters = Filters(types, since, until, app)
        pending: Future[list[VectorHit]] | None = None
        if self._vectors is not None and query.strip():
            scope, matching = None, 0
            if filters.any:
                matching = self._index.count_matching(types, since, until, app)
                if matching <= EXACT_SCOPE_MAX:
                    scope = self._index.keys_matching(types, since, until, app)
            self._worker = self._worker or ThreadPoolExecutor(max_workers=1, thread_name_prefix="vector-search")
            pending = self._worker.submit(self._vector_side, query, depth, filters, scope, matching)
        text_hits = self._index.search(query, depth, types, since, until, app)
        text_rank = tied_ranks([((h.kind, h.item_id), h.bm25) for h in text_hits], tolerance=1e-6)
        times = {(h.kind, h.item_id): h.time for h in text_hits}
        vector_rank: dict[Key, int] = {}
        if pending is not None:
            vector_hits = pending.result()
            limit = self.weights.max_vector_distance
            close = [((h.kind, h.item_id), h.distance) for h in vector_hits if h.distance <= limit]
            vector_rank = tied_ranks(close, tolerance=1e-5)
        times.update(self._index.times([key for key in vector_rank if key not in times]))
        candidates = [key for key in dict.fromkeys([*text_rank, *vector_rank]) if key in times]
        by_time = sorted(((key, -(times.get(key) or 0.0)) for key in candidates), key=lambda kv: kv[1])
        scores = rrf_fuse(
            [
                (text_rank, self.weights.text),
                (vector_rank, self.weights.vector),
                (tied_ranks(by_time), self.weights.recency),
            ]
        )
        ranked = sorted((key for key in candidates), key=lambda key: scores[key], reverse=True)
        return [(key, scores[key]) for key in ranked[:k]]
