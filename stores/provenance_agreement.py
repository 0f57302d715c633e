"""How much each source resembles the memory made from it: their vectors' cosine, kept in ``provenance``.

A small model cites the batch lines a fact came from, not only the lines that say it. Search lends a memory's
score to its sources in proportion to this agreement, so a generic fact does not lift unrelated turns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
import sqlite_utils

from stores.memory_types import OBSERVATION
from stores.rows import chunks, rows_by_kind
from stores.vector_cache import unit

Key = tuple[str, str]
Link = tuple[str, str, str]  # (memory_type, memory_id, observation_id)
VectorLookup = Callable[[list[Key]], dict[Key, np.ndarray]]


def links_touching(db: sqlite_utils.Database, keys: Iterable[Key]) -> list[Link]:
    """The provenance links with a memory or an observation among ``keys`` at one end."""
    keys = list(dict.fromkeys(keys))
    memories = [key for key in keys if key[0] != OBSERVATION]
    observations = [item_id for kind, item_id in keys if kind == OBSERVATION]
    found: dict[Link, None] = {}
    sql = "SELECT memory_id, observation_id FROM provenance WHERE memory_type = ? AND memory_id IN ({marks})"
    for kind, (memory_id, obs_id) in rows_by_kind(db, memories, sql):
        found[(kind, memory_id, obs_id)] = None
    for chunk in chunks(observations):
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT memory_type, memory_id, observation_id FROM provenance WHERE observation_id IN ({marks})"
        found.update(dict.fromkeys(tuple(row) for row in db.execute(sql, chunk)))
    return list(found)  # type: ignore[arg-type]


def measure(links: list[Link], known: Mapping[Key, np.ndarray], lookup: VectorLookup) -> list[tuple[float, Link]]:
    """The cosine of each link's two vectors (``known`` first, the rest looked up); links missing one are left out."""
    ends = {end for mtype, memory_id, obs_id in links for end in ((mtype, memory_id), (OBSERVATION, obs_id))}
    vectors = {key: unit(vector) for key, vector in known.items() if key in ends}
    missing = [key for key in ends if key not in vectors]
    vectors.update({key: unit(vector) for key, vector in lookup(missing).items()} if missing else {})
    out = []
    for memory_type, memory_id, obs_id in links:
        memory, source = vectors.get((memory_type, memory_id)), vectors.get((OBSERVATION, obs_id))
        if memory is not None and source is not None:
            out.append((float(memory @ source), (memory_type, memory_id, obs_id)))
    return out


def store(db: sqlite_utils.Database, measured: list[tuple[float, Link]]) -> None:
    """Write measured agreements (the caller holds the transaction)."""
    db.conn.executemany(
        "UPDATE provenance SET agreement = ? WHERE memory_type = ? AND memory_id = ? AND observation_id = ?",
        [(agreement, *link) for agreement, link in measured],
    )
