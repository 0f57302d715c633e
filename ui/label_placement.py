"""Collision-free label placement: each label beside its point or hidden, never over another label or point."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF

GAP = 3.0
CELL = 64.0  # grid cell (pixels) for finding the rectangles near a candidate


@dataclass(frozen=True)
class Anchor:
    """A point to label (in pixels), the radius of its marker and the label's size."""

    x: float
    y: float
    radius: float
    width: float
    height: float


def candidates(a: Anchor) -> Iterator[QPointF]:
    """Top-left corners to try, best first: right, left, below, above, then shifted up or down on either side."""
    r, w, h = a.radius + GAP, a.width, a.height
    sides = ((r, -h / 2), (-r - w, -h / 2), (-w / 2, r), (-w / 2, -r - h))
    shifted = ((r, 0), (r, -h), (-r - w, 0), (-r - w, -h))
    for dx, dy in (*sides, *shifted):
        yield QPointF(dx, dy)


class _Grid:
    """Rectangles bucketed by grid cell, to test a new one only against its neighbours."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[QRectF]] = {}

    def _keys(self, rect: QRectF) -> Iterator[tuple[int, int]]:
        for i in range(int(rect.left() // CELL), int(rect.right() // CELL) + 1):
            for j in range(int(rect.top() // CELL), int(rect.bottom() // CELL) + 1):
                yield i, j

    def hits(self, rect: QRectF) -> bool:
        return any(other.intersects(rect) for key in self._keys(rect) for other in self.cells.get(key, ()))

    def add(self, rect: QRectF) -> None:
        for key in self._keys(rect):
            self.cells.setdefault(key, []).append(rect)


def place_labels(
    anchors: Sequence[Anchor], order: Sequence[int], bounds: QRectF | None = None, must: int | None = None
) -> list[QPointF | None]:
    """For each anchor the label's offset from its point, or None when every spot is taken.

    Anchors are placed in ``order`` (most important first); a label never overlaps another label or any
    anchor's marker, and stays inside ``bounds`` when given. The label of anchor ``must`` (the selection) is
    always shown: where markers crowd it, it may cover one, never another label.
    """
    markers, labels = _Grid(), _Grid()
    for a in anchors:
        markers.add(QRectF(a.x - a.radius, a.y - a.radius, 2 * a.radius, 2 * a.radius))
    out: list[QPointF | None] = [None] * len(anchors)
    for index in order:
        a = anchors[index]
        spots = [(o, QRectF(a.x + o.x(), a.y + o.y(), a.width, a.height)) for o in candidates(a)]
        inside = [(o, r) for o, r in spots if bounds is None or bounds.contains(r)]
        free = [(o, r) for o, r in inside if not labels.hits(r) and not markers.hits(r)]
        if not free and index == must:
            free = [(o, r) for o, r in inside or spots if not labels.hits(r)]
        if free:
            offset, rect = free[0]
            labels.add(rect)
            out[index] = offset
    return out
