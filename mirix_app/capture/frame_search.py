"""Text-to-image search over stored frames: the query's CLIP text vector against the frames' image vectors."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from mirix_app.capture.image_embedder import ImageEmbedder
from stores.image_vectors import ImageVectorIndex
from stores.memory_store import MemoryStore
from stores.timeutil import to_epoch


@dataclass
class FrameHit:
    """A frame that matches a description: its observation, time, window and encrypted file."""

    observation_id: str
    distance: float
    time: str
    app: str | None
    title: str | None
    frame_file: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def search_frames(
    store: MemoryStore,
    index: ImageVectorIndex,
    embedder: ImageEmbedder,
    query: str,
    k: int = 10,
    since: str | None = None,
    until: str | None = None,
    app: str | None = None,
) -> list[FrameHit]:
    """Frames that look like ``query`` ("the screenshot with the red chart"); needs configured CLIP weights."""
    if not embedder.available:
        raise RuntimeError(f"image search is {embedder.status}")
    vector = embedder.embed_texts([query])[0]
    hits = index.query(vector, k, to_epoch(since), to_epoch(until), app)
    rows = {r["id"]: r for r in store.observations.get_many([h.observation_id for h in hits])}
    out = []
    for hit in hits:
        row = rows.get(hit.observation_id)
        if row is not None:
            out.append(
                FrameHit(hit.observation_id, hit.distance, row["time"], row["app"], row["title"], row["frame_file"])
            )
    return out
