"""The timeline: a day's events and frames to scrub and zoom (a day down to minutes); click to see a frame."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
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
from ui.theme import named
from ui.timeline_strip import DAY_S, THUMB_H, DayStrip, clock
from ui.viewmodels import MemoryRow, TimelineDay, TimelineItem

FRAME_WIDTH = 640
ZOOMS = (
    ("Whole day", DAY_S),
    ("6 hours", 6 * 3600.0),
    ("2 hours", 2 * 3600.0),
    ("1 hour", 3600.0),
    ("15 minutes", 900.0),
    ("5 minutes", 300.0),
)
OPEN_SPAN_S = 3 * 3600.0  # the window shown at "now" when the timeline opens
MAX_THUMBS = 40
NO_FRAME = "Click a frame (thumbnail or tick) or use ← → to step through frames; wheel zooms, Shift+wheel pans."
EMPTY_DAY = (
    "Nothing was recorded on this day. Capture keeps frames while it runs (Capture tab); imported screenshots "
    "(Memories ▸ Import) appear on the day they were taken."
)


def seconds_now() -> float:
    now = datetime.now()
    return now.hour * 3600 + now.minute * 60 + now.second


class TimelinePanel(QWidget):
    """Pick a day, zoom and scrub through it, click an event (opens the memory) or a frame (shows it)."""

    day_requested = Signal(str)
    frame_requested = Signal(str)
    produced_requested = Signal(str)
    memory_requested = Signal(str, str)
    thumbnails_requested = Signal(object)  # frame observation ids
    forget_requested = Signal(str, str, str)  # since, until (ISO-8601, local offset), label

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day: TimelineDay | None = None
        self.wanted_frame = ""
        self._asked_thumbs: set[str] = set()
        self._placed_day = ""
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("ddd d MMM yyyy")
        self.prev_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.now_button = QPushButton("Now")
        self.now_button.setToolTip("Today, at the current time")
        self.zoom_box = QComboBox()
        for text, span in ZOOMS:
            self.zoom_box.addItem(text, span)
        self.zoom_box.setPlaceholderText("Custom")  # shown after zooming with the wheel
        self.range_label = QLabel()
        named(self.range_label, "hint")
        self.summary = QLabel()
        self.strip = DayStrip()
        self.selection = RangeSelection(self.strip, self.strip.seconds_at, self.strip._x)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, int(DAY_S) - 1)
        self.at_label = QLabel("00:00:00")
        self.frame = QLabel(NO_FRAME)
        self.frame.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.frame.setWordWrap(True)
        self.frame.setMinimumHeight(240)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.produced = QListWidget()
        self.produced.setWordWrap(True)
        self._thumb_timer = QTimer(self)
        self._thumb_timer.setSingleShot(True)
        self._thumb_timer.setInterval(120)
        self._layout()
        self._connect()

    def _layout(self) -> None:
        bar = QHBoxLayout()
        for widget in (self.prev_button, self.date, self.next_button, self.now_button, QLabel("Zoom:"), self.zoom_box):
            bar.addWidget(widget)
        bar.addWidget(self.range_label)
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

    def _connect(self) -> None:
        self.prev_button.clicked.connect(lambda: self.date.setDate(self.date.date().addDays(-1)))
        self.next_button.clicked.connect(lambda: self.date.setDate(self.date.date().addDays(1)))
        self.now_button.clicked.connect(self.go_now)
        self.date.dateChanged.connect(lambda _: self.request())
        self.zoom_box.activated.connect(lambda i: self.strip.zoom_to(self.zoom_box.itemData(i)))
        self.slider.valueChanged.connect(self._on_scrub)
        self.slider.sliderReleased.connect(self._on_scrub_done)
        self.strip.item_clicked.connect(self._on_item)
        self.strip.window_changed.connect(self._on_window)
        self.strip.window_changed.connect(self.selection.overlay.update)  # the selected range follows zoom and pan
        self.selection.forget_requested.connect(self._on_forget_range)
        self._thumb_timer.timeout.connect(self._ask_thumbnails)
        self.produced.itemClicked.connect(self._on_produced_clicked)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.strip.setFocus()

    # -- the day and the window ---------------------------------------------------------------
    def request(self) -> None:
        self.day_requested.emit(self.date.date().toString("yyyy-MM-dd"))

    def go_now(self) -> None:
        """Today, the cursor at the current time, the last few hours in view."""
        self._placed_day = ""
        if self.date.date() != QDate.currentDate():
            self.date.setDate(QDate.currentDate())  # asks for the day; placed when it arrives
        elif self.day is not None:
            self._place(self.day)

    def zoom_to(self, span_s: float, around_s: float | None = None) -> None:
        self.strip.zoom_to(span_s, around_s)

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
        if day.day != self._placed_day:
            self._placed_day = day.day
            self._place(day)
        if not day.items:
            self.frame.setText(EMPTY_DAY)
        elif not self.wanted_frame:
            self.frame.setText(NO_FRAME)
        self._on_window()

    def _place(self, day: TimelineDay) -> None:
        """Today opens at now (the last few hours in view); another day shows all of its activity."""
        if day.day == QDate.currentDate().toString("yyyy-MM-dd"):
            now = seconds_now()
            self._set_cursor(now)
            self.strip.set_window(now - OPEN_SPAN_S * 0.8, OPEN_SPAN_S)
        elif day.items:
            first = min(i.start_s for i in day.items)
            last = max(i.end_s for i in day.items)
            span = max(3600.0, (last - first) * 1.1)
            self._set_cursor(first)
            self.strip.set_window((first + last) / 2 - span / 2, span)
        else:
            self.strip.set_window(0, DAY_S)

    def _on_window(self) -> None:
        s = self.strip
        self.range_label.setText(f"{clock(s.start_s)}–{clock(s.start_s + s.span_s)}")
        spans = [self.zoom_box.itemData(i) for i in range(self.zoom_box.count())]
        self.zoom_box.setCurrentIndex(spans.index(s.span_s) if s.span_s in spans else -1)
        self._thumb_timer.start()

    def _ask_thumbnails(self) -> None:
        wanted = [f.id for f in self.strip.thumbnail_frames() if f.id not in self._asked_thumbs][:MAX_THUMBS]
        if wanted:
            self._asked_thumbs.update(wanted)
            self.thumbnails_requested.emit(wanted)

    @Slot(object)
    def on_thumbnails(self, images: dict[str, bytes]) -> None:
        for frame_id, data in images.items():
            pixmap = QPixmap()
            if pixmap.loadFromData(data):
                self.strip.set_thumbnail(
                    frame_id, pixmap.scaledToHeight(THUMB_H, Qt.TransformationMode.SmoothTransformation)
                )

    # -- scrubbing and choosing ---------------------------------------------------------------
    def _set_cursor(self, seconds: float) -> None:
        self.strip.set_cursor(seconds)
        self.slider.blockSignals(True)
        self.slider.setValue(int(seconds))
        self.slider.blockSignals(False)
        self.at_label.setText(clock(seconds, with_seconds=True))

    def _on_scrub(self, value: int) -> None:
        self.strip.set_cursor(value)
        self.strip.reveal(value)
        self.at_label.setText(clock(value, with_seconds=True))

    def _on_scrub_done(self) -> None:
        item = self.strip.item_at(self.slider.value(), frames_first=True)
        if item is not None:
            self.strip.choose(item)

    def _on_item(self, item: TimelineItem) -> None:
        self._set_cursor(item.start_s)
        self.caption.setText(f"{clock(item.start_s, with_seconds=True)} · {item.label}")
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
