"""Select a time range on the timeline's day strip by dragging; right-click offers to forget it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QMenu, QWidget

DAY_S = 86400
DRAG_PX = 4  # a press that moves less than this is a click (it opens the item under it)


def clock(seconds: float) -> str:
    seconds = int(max(0, min(DAY_S - 1, seconds)))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


class _Overlay(QWidget):
    """Paints the selected range over the strip; mouse events pass through to the strip."""

    def __init__(self, strip: QWidget, selection: RangeSelection) -> None:
        super().__init__(strip)
        self.selection = selection
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.resize(strip.size())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        span = self.selection.span
        if span is None:
            return
        x0, x1 = (self.selection.x_of(s) for s in span)
        p = QPainter(self)
        color = QColor("#c9534f")
        p.setPen(QPen(color, 1))
        color.setAlpha(60)
        p.fillRect(QRectF(x0, 20, max(2.0, x1 - x0), self.height() - 22), color)
        p.drawText(int(x0) + 4, self.height() - 6, f"{clock(span[0])}–{clock(span[1])}")
        p.end()


class RangeSelection(QObject):
    """Drag across a strip (left button) to select [start, end] seconds of the day; its menu asks to forget."""

    forget_requested = Signal(float, float)  # seconds since local midnight

    def __init__(self, strip: QWidget, seconds_at: Callable[[float], float], x_of: Callable[[float], float]) -> None:
        super().__init__(strip)
        self.strip = strip
        self.seconds_at, self.x_of = seconds_at, x_of
        self.span: tuple[float, float] | None = None
        self._press: QPoint | None = None
        self._dragging = False
        self.overlay = _Overlay(strip, self)
        strip.installEventFilter(self)

    def select(self, start_s: float, end_s: float) -> None:
        low, high = sorted((max(0.0, start_s), min(float(DAY_S - 1), end_s)))
        self.span = (low, high)
        self.overlay.update()

    def clear(self) -> None:
        self.span = None
        self.overlay.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.Resize:
            self.overlay.resize(self.strip.size())
        elif kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            if event.button() == Qt.MouseButton.LeftButton:
                self._press, self._dragging = event.position().toPoint(), False
        elif kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent) and self._press is not None:
            if self._dragging or abs(event.position().x() - self._press.x()) >= DRAG_PX:
                self._dragging = True
                self.select(self.seconds_at(self._press.x()), self.seconds_at(event.position().x()))
                return True
        elif kind == QEvent.Type.MouseButtonRelease and self._press is not None:
            dragged, self._press, self._dragging = self._dragging, None, False
            return dragged  # a drag selects; it does not also open the item under the mouse
        elif kind == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            self.menu(event.pos()).popup(event.globalPos())
            return True
        return False

    def menu(self, at: QPoint) -> QMenu:
        """The strip's context menu: forget the selection (or the hour around the click), or the whole day."""
        menu = QMenu(self.strip)
        span = self.span
        if span is None or not span[0] <= self.seconds_at(at.x()) <= span[1]:
            hour = int(self.seconds_at(at.x()) // 3600) * 3600
            span = (float(hour), float(hour + 3599))
        start, end = span
        menu.addAction(f"Forget {clock(start)}–{clock(end)}…", lambda: self.forget_requested.emit(start, end))
        menu.addAction("Forget this whole day…", lambda: self.forget_requested.emit(0.0, float(DAY_S - 1)))
        if self.span is not None:
            menu.addAction("Clear the selection", self.clear)
        return menu
