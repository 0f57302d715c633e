"""The timeline strip: a zoomable window on one day, events as bars, frames as thumbnails and ticks with their time."""

from __future__ import annotations

import bisect

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.viewmodels import TYPE_COLORS, TimelineItem

DAY_S = 86400.0
MIN_SPAN_S = 120.0
MARGIN = 8
EVENT_TOP, EVENT_H = 24, 24
THUMB_TOP, THUMB_H, THUMB_W = 54, 54, 96
TICK_TOP, TICK_H = 112, 14
TIME_TOP = 130
STRIP_H = 150
TICK_STEPS = (60, 300, 600, 900, 1800, 3600, 3 * 3600, 6 * 3600)
NEAR_PX = THUMB_W / 2  # a click this close to a frame (its tick or its thumbnail) picks that frame


def clock(seconds: float, with_seconds: bool = False) -> str:
    """Seconds since midnight as HH:MM (or HH:MM:SS)."""
    s = int(max(0.0, min(DAY_S - 1, seconds)))
    text = f"{s // 3600:02d}:{s % 3600 // 60:02d}"
    return f"{text}:{s % 60:02d}" if with_seconds else text


def tick_step(span_s: float, width: float, min_px: float = 70.0) -> int:
    """The smallest axis step (from TICK_STEPS) whose ticks are at least ``min_px`` apart."""
    for step in TICK_STEPS:
        if step * width / span_s >= min_px:
            return step
    return TICK_STEPS[-1]


class DayStrip(QWidget):
    """One day, of which a window [start_s, start_s + span_s) is shown; wheel zooms, Shift+wheel pans, ←/→ step."""

    item_clicked = Signal(object)  # TimelineItem
    window_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[TimelineItem] = []
        self.frames: list[TimelineItem] = []
        self.thumbs: dict[str, QPixmap] = {}
        self.cursor_s = 0.0
        self.start_s, self.span_s = 0.0, DAY_S
        self.selected_id = ""
        self.setMinimumHeight(STRIP_H)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- model --------------------------------------------------------------------------------
    def set_items(self, items: list[TimelineItem]) -> None:
        self.items = items
        self.frames = sorted((i for i in items if i.kind == "frame"), key=lambda i: i.start_s)
        self.update()

    def set_cursor(self, seconds: float) -> None:
        self.cursor_s = max(0.0, min(DAY_S, seconds))
        self.update()

    def set_thumbnail(self, frame_id: str, pixmap: QPixmap) -> None:
        self.thumbs[frame_id] = pixmap
        self.update()

    # -- the window ---------------------------------------------------------------------------
    def set_window(self, start_s: float, span_s: float) -> None:
        """Show ``span_s`` seconds from ``start_s``, kept inside the day."""
        span = max(MIN_SPAN_S, min(DAY_S, span_s))
        start = max(0.0, min(DAY_S - span, start_s))
        if (start, span) != (self.start_s, self.span_s):
            self.start_s, self.span_s = start, span
            self.update()
            self.window_changed.emit()

    def zoom_to(self, span_s: float, around_s: float | None = None) -> None:
        """Show ``span_s`` seconds centred on ``around_s`` (the cursor when not given)."""
        centre = self.cursor_s if around_s is None else around_s
        self.set_window(centre - span_s / 2, span_s)

    def zoom(self, factor: float, around_s: float) -> None:
        """Zoom by ``factor`` (>1 zooms in) keeping ``around_s`` under the same pixel."""
        span = max(MIN_SPAN_S, min(DAY_S, self.span_s / factor))
        share = (around_s - self.start_s) / self.span_s
        self.set_window(around_s - share * span, span)

    def reveal(self, seconds: float) -> None:
        """Pan so that ``seconds`` is in view (no change when it already is)."""
        if not self.start_s <= seconds <= self.start_s + self.span_s:
            self.set_window(seconds - self.span_s / 2, self.span_s)

    def in_view(self) -> list[TimelineItem]:
        """The frames inside the shown window, oldest first."""
        lo = bisect.bisect_left([f.start_s for f in self.frames], self.start_s)
        return [f for f in self.frames[lo:] if f.start_s <= self.start_s + self.span_s]

    def _x(self, seconds: float) -> float:
        return MARGIN + (self.width() - 2 * MARGIN) * (seconds - self.start_s) / self.span_s

    def seconds_at(self, x: float) -> float:
        return self.start_s + (x - MARGIN) / max(1, self.width() - 2 * MARGIN) * self.span_s

    def thumbnail_frames(self) -> list[TimelineItem]:
        """The frames in view that get a thumbnail: left to right, each one clear of the previous."""
        out: list[TimelineItem] = []
        right = -1e9
        for frame in self.in_view():
            x = self._x(frame.start_s)
            if x - THUMB_W / 2 >= right + 4:
                out.append(frame)
                right = x + THUMB_W / 2
        return out

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_axis(p)
        self._paint_events(p)
        self._paint_frames(p)
        p.setPen(QPen(QColor("#c9534f"), 2))
        x = self._x(self.cursor_s)
        p.drawLine(int(x), 18, int(x), TICK_TOP + TICK_H)  # above the frame times, which stay readable
        p.end()

    def _paint_axis(self, p: QPainter) -> None:
        text, grid = self.palette().text().color(), self.palette().mid().color()
        label_w = QFontMetrics(self.font()).horizontalAdvance("00:00") + 4
        step = tick_step(self.span_s, self.width() - 2 * MARGIN)
        first = int(self.start_s // step + 1) * step if self.start_s % step else int(self.start_s)
        for t in range(first, int(self.start_s + self.span_s) + 1, step):
            x = int(self._x(t))
            p.setPen(QPen(grid, 1))
            p.drawLine(x, 18, x, self.height() - 2)
            if x + label_w <= self.width():
                p.setPen(text)
                p.drawText(x + 3, 13, clock(t))

    def _paint_events(self, p: QPainter) -> None:
        color = QColor(TYPE_COLORS["episodic"])
        for item in self.items:
            if item.kind == "event" and item.end_s >= self.start_s and item.start_s <= self.start_s + self.span_s:
                left, right = self._x(item.start_s), self._x(item.end_s)
                p.fillRect(QRectF(left, EVENT_TOP, max(4.0, right - left), EVENT_H), color)

    def _paint_frames(self, p: QPainter) -> None:
        accent = QColor(TYPE_COLORS["resource"])
        shown = self.in_view()
        for frame in shown:
            x = int(self._x(frame.start_s))
            p.setPen(QPen(self.palette().highlight().color() if frame.id == self.selected_id else accent, 2))
            p.drawLine(x, TICK_TOP, x, TICK_TOP + TICK_H)
        for frame in self.thumbnail_frames():
            rect = QRectF(self._x(frame.start_s) - THUMB_W / 2, THUMB_TOP, THUMB_W, THUMB_H)
            pixmap = self.thumbs.get(frame.id)
            if pixmap is not None and not pixmap.isNull():
                p.drawPixmap(rect, pixmap, QRectF(pixmap.rect()))
            else:
                p.fillRect(rect, self.palette().mid().color())
            selected = frame.id == self.selected_id
            p.setPen(QPen(self.palette().highlight().color() if selected else accent, 2 if selected else 1))
            p.drawRect(rect)
        self._paint_frame_times(p, shown)

    def _paint_frame_times(self, p: QPainter, shown: list[TimelineItem]) -> None:
        metrics = QFontMetrics(self.font())
        with_seconds = self.span_s <= 2 * 3600
        width = metrics.horizontalAdvance("00:00:00" if with_seconds else "00:00") + 6
        p.setPen(self.palette().text().color())
        right = -1e9
        for frame in shown:
            x = self._x(frame.start_s)
            if x - width / 2 >= right:
                p.drawText(QRectF(x - width / 2, TIME_TOP, width, 16), Qt.AlignmentFlag.AlignCenter,
                           clock(frame.start_s, with_seconds))  # fmt: skip
                right = x + width / 2

    # -- input --------------------------------------------------------------------------------
    def item_at(self, seconds: float, frames_first: bool = False) -> TimelineItem | None:
        """The event under a time, or the frame nearest to it (within a few pixels); frames first when asked."""
        near_s = NEAR_PX * self.span_s / max(1, self.width() - 2 * MARGIN)
        frame = min(self.frames, key=lambda f: abs(f.start_s - seconds), default=None)
        if frame is not None and abs(frame.start_s - seconds) > near_s:
            frame = None
        event = next((i for i in self.items if i.kind == "event" and i.start_s <= seconds <= i.end_s), None)
        return (frame or event) if frames_first else (event or frame)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        seconds = self.seconds_at(event.position().x())
        item = self.item_at(seconds, frames_first=event.position().y() > EVENT_TOP + EVENT_H + 2)
        self.set_cursor(seconds)
        if item is not None:
            self.choose(item)

    def choose(self, item: TimelineItem) -> None:
        """Select an item: the cursor moves to it, it is brought into view and announced."""
        if item.kind == "frame":
            self.selected_id = item.id
        self.set_cursor(item.start_s)
        self.reveal(item.start_s)
        self.item_clicked.emit(item)

    def step(self, direction: int) -> None:
        """Select the next (1) or previous (-1) frame from the cursor."""
        times = [f.start_s for f in self.frames]
        if direction > 0:
            index = bisect.bisect_right(times, self.cursor_s + 1e-6)
        else:
            index = bisect.bisect_left(times, self.cursor_s - 1e-6) - 1
        if 0 <= index < len(self.frames):
            self.choose(self.frames[index])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.step(1 if key == Qt.Key.Key_Right else -1)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Minus):
            self.zoom(2.0 if key != Qt.Key.Key_Minus else 0.5, self.cursor_s)
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier or event.angleDelta().x():
            self.set_window(self.start_s - delta / 120 * self.span_s / 8, self.span_s)
        else:
            self.zoom(1.25 if delta > 0 else 0.8, self.seconds_at(event.position().x()))
