"""The explore area: the memory graph, the timeline of a day, a frame's image and what came of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mirix_app.gui import graph_build, memory_views, timeline_build
from mirix_app.gui.session import Session
from stores.errors import UserFacingError
from stores.frames import FrameStore
from stores.memory_types import MEMORY_TYPES
from ui.viewmodels import GraphData, MemoryRow, TimelineDay

GRAPH_PER_TYPE = 60


@dataclass
class ExploreService:
    """The graph's and the timeline's requests, run on the engine thread."""

    session: Session

    def graph(self, focus: Sequence[str] = (), query: str = "") -> GraphData:
        store = self.session.open_store()
        title = "All memories"
        if query:
            focus = [h.id for h in store.search(query, types=list(MEMORY_TYPES), k=15)]
            title = f"Search: {query}"
        elif focus:
            title = "Memories behind the answer"
        records = [r for t in MEMORY_TYPES for r in store.memories.list_recent(t, GRAPH_PER_TYPE)]
        return graph_build.build_graph(records, focus, title)

    def timeline(self, day: str) -> TimelineDay:
        return timeline_build.build_day(self.session.open_store(), day)

    def frame_image(self, observation_id: str) -> bytes:
        """The decrypted image of an observation's frame, in memory only."""
        store = self.session.open_store()
        obs = store.observations.get(observation_id)
        if not obs.get("frame_file"):
            raise UserFacingError("This observation has no stored frame (a message, or the frame was deleted).")
        assert store.data_dir is not None
        return FrameStore(store.data_dir, store.frame_key, 0).read(obs["frame_file"])

    def memories_from(self, observation_id: str) -> list[MemoryRow]:
        """The memories made from one observation (the timeline's "what came of this frame")."""
        store = self.session.open_store()
        return [memory_views.memory_row(t, store.get(t, i)) for t, i in store.memories_from_observation(observation_id)]

    def thumbnails(self, observation_ids: Sequence[str]) -> dict[str, bytes]:
        """Small images of frames for the timeline strip (decrypted and scaled in memory)."""
        return timeline_build.thumbnails(self.session.open_store(), list(observation_ids))
