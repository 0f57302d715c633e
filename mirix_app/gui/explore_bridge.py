"""The explore area's bridge: graph, timeline, a frame's image and the memories made from it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot

from mirix_app.gui.explore_service import ExploreService
from mirix_app.gui.jobs import AreaBridge, JobRunner


class ExploreBridge(AreaBridge):
    """Graph and timeline requests; ``frame_ready`` serves both the timeline and the detail pane."""

    graph_ready = Signal(object)  # GraphData
    timeline_ready = Signal(object)  # TimelineDay
    frame_ready = Signal(str, bytes)
    produced_ready = Signal(str, object)
    thumbnails_ready = Signal(object)  # {observation id: image bytes}

    def __init__(self, runner: JobRunner, explore: ExploreService) -> None:
        super().__init__(runner)
        self.explore = explore

    @Slot(object, str)
    def on_graph(self, focus: Any, query: str) -> None:
        self._run(lambda: self.explore.graph(list(focus or []), query), self.graph_ready.emit)

    @Slot(str)
    def on_timeline(self, day: str) -> None:
        self._run(lambda: self.explore.timeline(day), self.timeline_ready.emit)

    @Slot(str)
    def on_frame(self, observation_id: str) -> None:
        self._run(lambda: self.explore.frame_image(observation_id), lambda b: self.frame_ready.emit(observation_id, b))

    @Slot(str)
    def on_produced(self, observation_id: str) -> None:
        self._run(
            lambda: self.explore.memories_from(observation_id),
            lambda rows: self.produced_ready.emit(observation_id, rows),
        )

    @Slot(object)
    def on_thumbnails(self, observation_ids: Any) -> None:
        self._run(lambda: self.explore.thumbnails(list(observation_ids)), self.thumbnails_ready.emit)
