"""Finds the episode an earlier batch left open for a run (chat session or window), so the next batch extends it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agents.offline_memorizer import MAX_GAP_S, MAX_SEGMENT, EarlierSegment, Segment, episode, run_fields, run_key
from agents.redact import Redactor
from stores.errors import NotFoundError
from stores.memory_store import MemoryStore
from stores.timeutil import parse_time


def earlier_segments(store: MemoryStore, redactor: Redactor) -> EarlierSegment:
    """``earlier(obs)``: the open segment of obs's run from an earlier batch, or None.

    An episode counts as that segment only when it is exactly what the segmenter writes for its sources (not
    a model's episode, not one the user edited), is not full, and its last line is within the gap of ``obs``.
    """

    def earlier(obs: Mapping[str, Any]) -> Segment | None:
        when = parse_time(obs["time"]).timestamp()
        previous = store.latest_memorized_like(run_fields(obs), when - MAX_GAP_S, when)
        if previous is None:
            return None
        for mtype, memory_id in store.memories_from_observation(previous["id"]):
            if mtype == "episodic":
                found = _segment_of(store, memory_id, run_key(obs), redactor)
                if found is not None and found.items[-1]["id"] == previous["id"]:
                    return found
        return None

    return earlier


def _segment_of(store: MemoryStore, memory_id: str, key: tuple[str, ...], redactor: Redactor) -> Segment | None:
    try:
        memory = store.get("episodic", memory_id)
    except NotFoundError:
        return None
    sources = memory["sources"]
    if not sources or len(sources) >= MAX_SEGMENT:
        return None
    items = store.observations.get_many(sources)
    if len(items) != len(sources) or any(run_key(o) != key for o in items):
        return None
    segment = Segment(key, list(items), memory_id=memory_id, known=len(items))
    expected = episode(segment, redactor)
    same = all((memory.get(f) or "") == (expected.get(f) or "") for f in ("summary", "details", "occurred_at"))
    return segment if same else None
