"""Hybrid retrieval: FTS5 BM25 and vector similarity fused by scaled scores, with context, time and recency."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from stores.memory_types import OBSERVATION
from stores.query_time import query_span
from stores.search_context import SearchContext
from stores.search_index import SearchIndex, passes
from stores.vectors import VectorHit, VectorIndex

log = logging.getLogger(__name__)

Key = tuple[str, str]
Scope = tuple[list[Key] | None, int]  # the filtered keys (None: too many to list) and how many pass the filters
_WORD = re.compile(r"\w+")


def scaled(scores: dict[Key, float]) -> dict[Key, float]:
    """Scores mapped to 0..1 within this result list: the best is 1, no match is 0."""
    if not scores:
        return {}
    high = max(scores.values())
    return {key: value / high if high > 1e-12 else 1.0 for key, value in scores.items()}


@dataclass(frozen=True)
class FusionWeights:
    """How much each signal counts in the fused score (text scaled to 0..1 per query, vector by its cosine)."""

    text: float = 1.0
    vector: float = 1.0
    recency: float = 0.02  # a tie-breaker: the newer of two equally good matches first
    max_vector_distance: float = 0.85  # cosine distance; farther neighbours are noise, not matches
    context: bool = True  # score raw observations with their memories and neighbours (below)
    source_prior: float = 1.0  # a memory's score added to the observations it was made from
    agreement: bool = True  # ... in proportion to how much each resembles the memory (provenance_agreement)
    neighbour: float = 0.5  # the best score next to an observation in its thread, added to it
    named: float = 0.3  # boost for observations whose speaker or app the query names (one name only)
    time: float = 0.5  # boost for items dated in, or mentioning, the time span the query names
    prior_memories: int = 20  # how many of the best memories lend their score to their observations
    expand: int = 20  # how many of the best observations pull in their thread neighbours


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

    def admits_row(self, row: dict) -> bool:
        """True when an observation row passes the filters."""
        return passes(OBSERVATION, row.get("time_epoch"), row.get("app"), self.types, self.since, self.until, self.app)


@dataclass(frozen=True)
class Nearest:
    """The vector side's neighbours, and whether they already passed the filters (else the caller checks them).

    An over-fetch that asked for fewer than it estimated it needs says how many it would ask for next (``more``).
    """

    hits: list[VectorHit]
    filtered: bool
    vector: Any = None  # the query's vector, for a second over-fetch
    more: int = 0


EXACT_SCOPE_MAX = 5000  # filtered sets up to this size are searched exactly among their own ids
OVERFETCH_FIRST = 10  # a first over-fetch asks for at most this many times the depth ...
OVERFETCH_MAX = 2000  # ... and a second one, only if the first did not fill a page, for up to this many


class HybridSearcher:
    """Runs the text and vector searches with the same filters, in parallel, and fuses their rankings."""

    def __init__(
        self,
        index: SearchIndex,
        vectors: VectorIndex | None,
        weights: FusionWeights | None = None,
        context: SearchContext | None = None,
    ):
        self._index = index
        self._vectors = vectors
        self._context = context
        self.weights = weights or FusionWeights()
        self._worker: ThreadPoolExecutor | None = None
        self._last_scope: tuple[object, Scope] | None = None  # (filters and change stamp, the scope worked out)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.shutdown(wait=False)
            self._worker = None

    def _vector_side(self, query: str, depth: int, filters: Filters, plan: Future[Scope]) -> Nearest:
        """Embed the query and find its nearest neighbours: exactly within the filters, or over-fetched without.

        ``plan`` (the filtered ids when they are few, and how many pass) is worked out on the caller's thread
        while the query is embedded here.
        """
        assert self._vectors is not None
        vector = self._vectors.embedder.embed([query])[0]
        scope, matching = plan.result()
        if not filters.any:
            return Nearest(self._vectors.query(vector, depth), filtered=True)
        if scope is not None:
            try:
                return Nearest(self._vectors.query_within(vector, depth, scope), filtered=True)
            except Exception:  # noqa: BLE001 - the vectors could not be read: over-fetching still finds most
                log.info("exact vector scope failed; over-fetching instead", exc_info=True)
        total = max(self._vectors.recent_count(), 1)
        wanted = min(OVERFETCH_MAX, total, int(depth * 1.5 * total / max(matching, 1)) + depth)
        first = min(wanted, OVERFETCH_FIRST * depth)  # HNSW's cost grows with how many it returns
        more = wanted if wanted > first else 0
        return Nearest(self._vectors.query(vector, first), filtered=False, vector=vector, more=more)

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
        depth = max(5 * k, 50)
        filters = Filters(types, since, until, app)
        pending: Future[Nearest] | None = None
        if self._vectors is not None and query.strip():
            plan: Future[Scope] = Future()
            self._worker = self._worker or ThreadPoolExecutor(max_workers=1, thread_name_prefix="vector-search")
            pending = self._worker.submit(self._vector_side, query, depth, filters, plan)
            try:
                plan.set_result(self._scope(filters))
            except BaseException as error:
                plan.set_exception(error)
                raise
        span = query_span(query) if since is None and until is None else None
        text_hits = self._index.search(query, depth, types, since, until, app)
        if span is not None:
            text_hits += self._index.search(query, depth, types, span[0], span[1], app)
        times = {(h.kind, h.item_id): h.time for h in text_hits}
        text = scaled({(h.kind, h.item_id): -h.bm25 for h in text_hits})  # BM25 is 0 for no match
        w = self.weights
        in_context = self._context is not None and w.context and (not types or OBSERVATION in types)
        rows: dict[str, dict] = {}
        cited: dict[Key, list[tuple[str, float | None]]] = {}
        if in_context and pending is not None and not pending.done():  # read while the query is still embedded
            rows, cited = self._prefetch(list(text))
        vector: dict[Key, float] = {}
        if pending is not None:
            limit = self.weights.max_vector_distance
            nearest = pending.result()
            near = {(h.kind, h.item_id): 1.0 - h.distance for h in nearest.hits if h.distance <= limit}
            if not nearest.filtered:  # over-fetched: keep the depth best that pass the filters, checked in SQLite
                passed = self._index.passing(list(near), types, since, until, app)
                # too few to fill a page, and farther neighbours may still be close enough: ask for more, once
                reached = bool(nearest.hits) and nearest.hits[-1].distance > limit
                if len(passed) < k and nearest.more and not reached:
                    assert self._vectors is not None and self._worker is not None
                    again = self._worker.submit(self._vectors.query, nearest.vector, nearest.more).result()
                    near = {(h.kind, h.item_id): 1.0 - h.distance for h in again if h.distance <= limit}
                    passed = self._index.passing(list(near), types, since, until, app)
                near = dict([item for item in near.items() if item[0] in passed][:depth])
            # cosine mapped from the cut-off (0) to identical (1), not scaled to this query's best: a query
            # nothing is close to (a rare code, a typo) gets weak vector scores, not a 1.0 equal to an exact match
            vector = {key: (value - (1.0 - limit)) / limit for key, value in near.items()}
            for key in self._index.awaiting_vectors([key for key in text if key not in vector]):
                vector[key] = text[key]  # not embedded yet (just written): its text match stands in, not a zero
        times.update(self._index.times([key for key in vector if key not in times]))
        own = {key: w.text * text.get(key, 0.0) + w.vector * vector.get(key, 0.0) for key in {*text, *vector}}
        own = {key: value for key, value in own.items() if key in times}
        scores = dict(own)
        if in_context:
            scores = self._context_scores(query, own, filters, times, rows, cited)
        if span is not None and w.time:
            inside = {key for key, t in times.items() if t is not None and span[0] <= t <= span[1]}
            inside |= self._index.mentioning([key for key in scores if key not in inside], *span)
            scores = {key: value * (1 + w.time) if key in inside else value for key, value in scores.items()}
        by_time = sorted(scores, key=lambda key: -(times.get(key) or 0.0))
        newest = tied_ranks([(key, times.get(key) or 0.0) for key in by_time])  # the same time, the same bonus
        for key in by_time:
            scores[key] += w.recency * (1 - (newest[key] - 1) / max(len(by_time), 1)) * 1e-3
        # equal evidence: the item that holds the query's own words first (a similar vector is not an exact match)
        # and then a fixed order, so the same search shows the same list every time (not the order of a set)
        ranked = sorted(scores, key=lambda key: (-scores[key], -text.get(key, 0.0), key))
        return [(key, scores[key]) for key in ranked[:k]]

    def _scope(self, filters: Filters) -> Scope:
        """The keys passing the filters when they are few enough to search exactly, and how many pass.

        The same filters asked again (the next query of a filtered session) reuse the last answer until the
        database changes.
        """
        if not filters.any:
            return None, 0
        args = (tuple(filters.types or ()), filters.since, filters.until, filters.app)
        stamp = self._index.change_stamp()
        asked = (args, stamp)
        if stamp is not None and self._last_scope is not None and self._last_scope[0] == asked:
            return self._last_scope[1]
        scope: Scope
        if self._index.count_matching(*args, limit=EXACT_SCOPE_MAX + 1) <= EXACT_SCOPE_MAX:
            keys = self._index.keys_matching(*args)
            scope = keys, len(keys)
        else:
            scope = None, self._index.count_matching(*args)
        self._last_scope = (asked, scope) if stamp is not None else None
        return scope

    def _prefetch(self, keys: list[Key]) -> tuple[dict[str, dict], dict[Key, list[tuple[str, float | None]]]]:
        """The rows of these observations and the sources (with rows) of these memories, read while the vector
        side still works: ranking reads them anyway, and the vector side only adds candidates."""
        assert self._context is not None
        cited = self._context.provenance([key for key in keys if key[0] != OBSERVATION])
        wanted = [key[1] for key in keys if key[0] == OBSERVATION] + [o for c in cited.values() for o, _ in c]
        return self._context.observations(wanted), cited

    def _context_scores(
        self,
        query: str,
        own: dict[Key, float],
        filters: Filters,
        times: dict[Key, float | None],
        rows: dict,
        read_sources: dict[Key, list[tuple[str, float | None]]],
    ) -> dict[Key, float]:
        """Observations scored with their memories (granularity per query) and thread neighbours.

        ``rows`` and ``read_sources`` hold what was already read (observation rows, memories' sources).
        """
        assert self._context is not None
        w = self.weights
        memories = sorted((key for key in own if key[0] != OBSERVATION), key=lambda key: (-own[key], key))
        lending = memories[: w.prior_memories]
        read_sources.update(self._context.provenance([key for key in lending if key not in read_sources]))
        sources = {key: read_sources[key] for key in lending}
        prior: dict[str, float] = {}
        for key, cited in sources.items():
            for obs_id, agreement in cited:
                lent = own[key] * self._lent_share(agreement)
                prior[obs_id] = max(prior.get(obs_id, 0.0), lent)
        obs_ids = list(dict.fromkeys([key[1] for key in own if key[0] == OBSERVATION] + list(prior)))
        rows.update(self._context.observations(obs_id for obs_id in obs_ids if obs_id not in rows))
        scores = {key: value for key, value in own.items() if key[0] != OBSERVATION}
        for obs_id in obs_ids:
            row = rows.get(obs_id)
            if row is not None and filters.admits_row(row):
                key = (OBSERVATION, obs_id)
                scores[key] = own.get(key, 0.0) + w.source_prior * prior.get(obs_id, 0.0)
                times[key] = row["time_epoch"]
        if w.neighbour:
            best = sorted((key for key in scores if key[0] == OBSERVATION), key=lambda key: (-scores[key], key))
            near: dict[str, float] = {}
            links = {key[1]: self._context.neighbours(rows[key[1]]) for key in best[: w.expand]}
            rows.update(self._context.observations(n for ns in links.values() for n in ns if n not in rows))
            for obs_id, neighbour_ids in links.items():
                for other in neighbour_ids:
                    near[other] = max(near.get(other, 0.0), scores[(OBSERVATION, obs_id)])
                    if (OBSERVATION, other) in scores:
                        near[obs_id] = max(near.get(obs_id, 0.0), scores[(OBSERVATION, other)])
            for obs_id, value in near.items():
                if filters.admits_row(rows[obs_id]):
                    key = (OBSERVATION, obs_id)
                    scores[key] = scores.get(key, 0.0) + w.neighbour * value
                    times[key] = rows[obs_id]["time_epoch"]
        if w.named:
            scores = self._named_boost(query, scores, rows)
        for key, cited in sources.items():  # a memory no better than its best raw observation is shown by it
            if any(own.get((OBSERVATION, o), 0.0) >= own[key] for o, _ in cited if (OBSERVATION, o) in scores):
                scores.pop(key, None)
        return scores

    def _lent_share(self, agreement: float | None) -> float:
        """How much of a memory's score a source gets: its cosine to the memory, mapped from the cut-off to 1.

        A source that does not resemble the fact (a small model citing its whole batch) gets little; one not
        measured yet (its vector still waiting) gets all, as before measuring existed.
        """
        if agreement is None or not self.weights.agreement:
            return 1.0
        limit = self.weights.max_vector_distance
        return min(1.0, max(0.0, (agreement - (1.0 - limit)) / limit))

    def _named_boost(self, query: str, scores: dict[Key, float], rows: dict) -> dict[Key, float]:
        """Boost observations by the one speaker or app the query names (none when it names several)."""
        words = set(_WORD.findall(query.lower()))
        names = {
            (field, str(rows[key[1]].get(field) or "").lower())
            for key in scores
            if key[0] == OBSERVATION
            for field in ("speaker", "app")
        }
        named = {(field, name) for field, name in names if name and set(_WORD.findall(name)) <= words}
        if len(named) != 1:
            return scores
        field, name = named.pop()
        boost = 1 + self.weights.named
        return {
            key: value * boost
            if key[0] == OBSERVATION and str(rows[key[1]].get(field) or "").lower() == name
            else value
            for key, value in scores.items()
        }
