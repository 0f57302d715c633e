"""The memory graph: nodes per memory, edges for shared sources, shared names and time adjacency, laid out."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from stores.memory_types import MEMORY_TYPES
from stores.timeutil import to_epoch
from ui.text_fit import elide_words
from ui.viewmodels import GraphData, GraphEdge, GraphNode

NAME = re.compile(r"\b[A-Z][a-zA-Z0-9]{2,}\b")
STOP = {"The", "This", "That", "And", "For", "With", "From", "User", "Here", "What", "When", "Opened", "Read"}
MAX_NAME_FANOUT = 6  # a name shared by more memories than this links nothing (it is a hub, not a clue)
TIME_GAP_S = 2 * 3600
LABEL_CHARS = 34  # a node's label, cut at a word boundary (the full text is its tooltip and preview)
TEXT_CHARS = 400
BASE_SCALE = 420.0  # half the width of the laid-out graph for up to BASE_NODES nodes; more nodes get more room
BASE_NODES = 40


def names_of(text: str) -> set[str]:
    """Capitalised words that look like names of people, places, projects."""
    return {n.lower() for n in NAME.findall(text) if n not in STOP}


def graph_edges(records: Sequence[Mapping[str, Any]]) -> list[GraphEdge]:
    """Edges between records (each has type, id, sources, text, time): shared source, shared name, adjacent in time."""
    seen: set[tuple[int, int]] = set()
    edges: list[GraphEdge] = []

    def link(a: int, b: int, kind: str) -> None:
        key = (min(a, b), max(a, b))
        if a != b and key not in seen:
            seen.add(key)
            edges.append(GraphEdge(key[0], key[1], kind))

    for kind, groups in (("source", _groups(records, "sources")), ("name", _groups(records, "names"))):
        for members in groups.values():
            if kind == "name" and len(members) > MAX_NAME_FANOUT:
                continue
            for a, b in combinations(members, 2):
                link(a, b, kind)
    timed = sorted((r["epoch"], i) for i, r in enumerate(records) if r.get("epoch") and r["type"] == "episodic")
    for (t1, a), (t2, b) in zip(timed, timed[1:], strict=False):
        if t2 - t1 <= TIME_GAP_S:
            link(a, b, "time")
    return edges


def _groups(records: Sequence[Mapping[str, Any]], key: str) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        for value in record.get(key) or ():
            groups[value].append(i)
    return groups


def spring_layout(
    n: int, edges: Iterable[tuple[int, int]], iterations: int = 200, seed: int = 7, spread: float = 1.8
) -> np.ndarray:
    """Fruchterman-Reingold positions in [-1, 1]² (numpy; runs off the GUI thread)."""
    if n == 0:
        return np.zeros((0, 2))
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1, 1, (n, 2))
    pairs = np.array(list(edges), dtype=int).reshape(-1, 2)
    k = spread / np.sqrt(n)
    temperature = 0.3
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=-1), 1e-3)
        disp = (delta / dist[..., None] * (k * k / dist)[..., None]).sum(axis=1)
        if len(pairs):
            d = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            length = np.maximum(np.linalg.norm(d, axis=1), 1e-3)
            pull = d * (length / k)[:, None]
            np.add.at(disp, pairs[:, 0], -pull)
            np.add.at(disp, pairs[:, 1], pull)
        disp -= pos * np.linalg.norm(pos, axis=1, keepdims=True) * n * k * 0.3  # gravity keeps loners close
        norm = np.maximum(np.linalg.norm(disp, axis=1), 1e-9)
        pos += disp / norm[:, None] * np.minimum(norm, temperature)[:, None]
        temperature *= 0.97
    span = np.abs(pos).max() or 1.0
    return pos / span


def node_records(records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The fields the graph needs from full memory records."""
    out = []
    for record in records:
        mtype = MEMORY_TYPES[record["type"]]
        text = mtype.display(record)
        when = record.get(mtype.time_field) if mtype.time_field else None
        out.append(
            {
                "type": record["type"],
                "id": record["id"],
                "label": text,
                "when": str(when or "")[:16].replace("T", " "),
                "sources": list(record.get("sources") or []),
                "names": names_of(text if record["type"] != "knowledge_vault" else record.get("caption", "")),
                "epoch": to_epoch(when) if when else None,
            }
        )
    return out


def layout_scale(n: int) -> float:
    """Half-width of the layout: constant area per node, so labels keep room as the graph grows."""
    return BASE_SCALE * max(1.0, float(np.sqrt(n / BASE_NODES)))


def build_graph(
    records: Sequence[Mapping[str, Any]], focus: Sequence[str] = (), title: str = "", scale: float | None = None
) -> GraphData:
    """Lay out the records; with ``focus`` ids, keep only those and their direct neighbours."""
    nodes = node_records(records)
    edges = graph_edges(nodes)
    if focus:
        wanted = {i for i, n in enumerate(nodes) if n["id"] in set(focus)}
        keep = wanted | {e.b for e in edges if e.a in wanted} | {e.a for e in edges if e.b in wanted}
        index = {old: new for new, old in enumerate(sorted(keep))}
        nodes = [nodes[i] for i in sorted(keep)]
        edges = [GraphEdge(index[e.a], index[e.b], e.kind) for e in edges if e.a in index and e.b in index]
    pos = spring_layout(len(nodes), [(e.a, e.b) for e in edges]) * (scale or layout_scale(len(nodes)))
    focused = set(focus)
    out = [
        GraphNode(
            n["type"],
            n["id"],
            elide_words(n["label"], LABEL_CHARS),
            float(x),
            float(y),
            n["id"] in focused,
            text=elide_words(n["label"], TEXT_CHARS),
            when=n["when"],
        )
        for n, (x, y) in zip(nodes, pos, strict=True)
    ]
    return GraphData(out, edges, title)
