"""The timeline: one day's episodic events and kept frames on a strip to scrub; click to see the frame."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from PySide6.QtCore import QDate, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.forget_dialog import range_label
from ui.range_select import RangeSelection
from ui.viewmodels import TYPE_COLORS, MemoryRow, TimelineDay, TimelineItem

DAY_S = 86400
FRAME_WIDTH = 640


class DayStrip(QWidget):
    """24 hours left to right: events as bars, frames as ticks, the scrub position as a line."""

    item_clicked = Signal(object)  # TimelineItem

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[TimelineItem] = []
        self.cursor_s = 0.0
        self.setMinimumHeight(96)

    def set_items(self, items: list[TimelineItem]) -> None:
        self.items = items
        self.update()

    def set_cursor(self, seconds: float) -> None:
        self.cursor_s = seconds
        self.update()

    def _x(self, seconds: float) -> float:
        return 8 + (self.width() - 16) * seconds / DAY_S

    def seconds_at(self, x: float) -> float:
        """The time of day (seconds) under an x position: the inverse of ``_x``."""
        return (x - 8) / max(1, self.width() - 16) * DAY_S

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().text().color()
        p.setPen(QPen(self.palette().mid().color(), 1))
        for hour in range(0, 25, 3):
            x = self._x(hour * 3600)
            p.drawLine(int(x), 20, int(x), self.height() - 4)
            p.setPen(text)
            p.drawText(int(x) + 3, 14, f"{hour:02d}:00")
            p.setPen(QPen(self.palette().mid().color(), 1))
        for item in self.items:
            if item.kind == "event":
                rect = QRectF(self._x(item.start_s), 28, max(4.0, self._x(item.end_s) - self._x(item.start_s)), 30)
                p.fillRect(rect, QColor(TYPE_COLORS["episodic"]))
            else:
                p.setPen(QPen(QColor(TYPE_COLORS["resource"]), 2))
                x = self._x(item.start_s)
                p.drawLine(int(x), 66, int(x), 88)
        p.setPen(QPen(QColor("#c9534f"), 2))
        x = self._x(self.cursor_s)
        p.drawLine(int(x), 20, int(x), self.height())
        p.end()

    def item_at(self, seconds: float, frames_first: bool = False) -> TimelineItem | None:
        """The item nearest to a time of day (frames preferred on the lower half of the strip)."""
        kinds = ("frame", "event") if frames_first else ("event", "frame")
        for kind in kinds:
            candidates = [i for i in self.items if i.kind == kind]
            if kind == "event":
                inside = [i for i in candidates if i.start_s <= seconds <= i.end_s]
                if inside:
                    return inside[0]
                continue
            if candidates:
                best = min(candidates, key=lambda i: abs(i.start_s - seconds))
                if abs(best.start_s - seconds) < 1800:
                    return best
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        seconds = (event.position().x() - 8) / max(1, self.width() - 16) * DAY_S
        item = self.item_at(seconds, frames_first=event.position().y() > 62)
        self.set_cursor(max(0.0, min(DAY_S, seconds)))
        if item is not None:
            self.item_clicked.emit(item)


class TimelinePanel(QWidget):
    """Pick a day, scrub through it, click an event (opens the memory) or a frame (shows it and what came of it)."""

    day_requested = Signal(str)
    frame_requested = Signal(str)
    produced_requested = Signal(str)
    memory_requested = Signal(str, str)
    forget_requested = Signal(str, str, str)  # since, until (ISO-8601, local offset), label

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day: TimelineDay | None = None
        self.wanted_frame = ""
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("ddd d MMM yyyy")
        self.prev_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.summary = QLabel()
        self.strip = DayStrip()
        self.selection = RangeSelection(self.strip, self.strip.seconds_at, self.strip._x)
        self.selection.forget_requested.connect(self._on_forget_range)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, DAY_S - 1)
        self.at_label = QLabel("00:00")
        self.frame = QLabel("Click a frame tick (lower row) or scrub to see what was on screen.")
        self.frame.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.frame.setWordWrap(True)
        self.frame.setMinimumHeight(240)
        self.caption = QLabel()
        self.produced = QListWidget()
        self.produced.setWordWrap(True)
        self._layout()
        self.prev_button.clicked.connect(lambda: self.date.setDate(self.date.date().addDays(-1)))
        self.next_button.clicked.connect(lambda: self.date.setDate(self.date.date().addDays(1)))
        self.date.dateChanged.connect(lambda _: self.request())
        self.slider.valueChanged.connect(self._on_scrub)
        self.slider.sliderReleased.connect(self._on_scrub_done)
        self.strip.item_clicked.connect(self._on_item)
        self.produced.itemClicked.connect(self._on_produced_clicked)

    def _layout(self) -> None:
        bar = QHBoxLayout()
        for widget in (self.prev_button, self.date, self.next_button):
            bar.addWidget(widget)
        bar.addWidget(self.summary, 1)
        scrub = QHBoxLayout()
        scrub.addWidget(self.slider, 1)
        scrub.addWidget(self.at_label)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.frame, 1)
        column.addWidget(self.caption)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel("Memories made from it"))
        column.addWidget(self.produced)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([760, 380])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.strip)
        layout.addLayout(scrub)
        layout.addWidget(split, 1)

    def request(self) -> None:
        self.day_requested.emit(self.date.date().toString("yyyy-MM-dd"))

    def _on_forget_range(self, start_s: float, end_s: float) -> None:
        midnight = datetime.combine(self.date.date().toPython(), time()).astimezone()
        since, until = midnight + timedelta(seconds=start_s), midnight + timedelta(seconds=end_s, microseconds=999999)
        self.forget_requested.emit(since.isoformat(), until.isoformat(), range_label(since, until))

    @Slot(object)
    def on_day(self, day: TimelineDay) -> None:
        if self.day is None or self.day.day != day.day:
            self.selection.clear()
        self.day = day
        self.strip.set_items(day.items)
        events = sum(1 for i in day.items if i.kind == "event")
        frames = len(day.items) - events
        self.summary.setText(f"  {events} event(s), {frames} frame(s)")

    def _on_scrub(self, value: int) -> None:
        self.strip.set_cursor(value)
        self.at_label.setText(f"{value // 3600:02d}:{value % 3600 // 60:02d}")

    def _on_scrub_done(self) -> None:
        item = self.strip.item_at(self.slider.value(), frames_first=True)
        if item is not None:
            self._on_item(item)

    def _on_item(self, item: TimelineItem) -> None:
        self.caption.setText(item.label)
        if item.kind == "frame":
            self.wanted_frame = item.id
            self.frame_requested.emit(item.id)
            self.produced_requested.emit(item.id)
        else:
            self.memory_requested.emit("episodic", item.id)

    @Slot(str, bytes)
    def on_frame(self, observation_id: str, image: bytes) -> None:
        pixmap = QPixmap()
        if observation_id == self.wanted_frame and pixmap.loadFromData(image):
            self.frame.setPixmap(pixmap.scaledToWidth(FRAME_WIDTH, Qt.TransformationMode.SmoothTransformation))

    @Slot(str, object)
    def on_produced(self, observation_id: str, rows: list[MemoryRow]) -> None:
        self.produced.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.type}: {row.title}")
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.produced.addItem(item)
        if not rows:
            self.produced.addItem("(not memorized yet)")

    def _on_produced_clicked(self, item: QListWidgetItem) -> None:
        row = item.data(Qt.ItemDataRole.UserRole)
        if row is not None:
            self.memory_requested.emit(row.type, row.id)
