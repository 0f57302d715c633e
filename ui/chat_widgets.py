"""The chat's drawn pieces: message bubbles, citation chips and a link button, painted from the palette.

Painted rather than styled with style sheets, so a theme change is only a palette change (see ``ui.theme``).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from ui.flow_layout import FlowLayout
from ui.theme import DANGER, named

WORKING = "Searching your memory…"
USER_INDENT, ANSWER_INDENT = 120, 60


class MessageBubble(QFrame):
    """One message: its text and, for answers, a row of citation chips (and a busy bar while it is worked on)."""

    def __init__(self, role: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = role
        self.failed = False
        self.setObjectName("userBubble" if role == "user" else "answerBubble")
        left, right = (USER_INDENT, 0) if role == "user" else (0, ANSWER_INDENT)
        self.setContentsMargins(left, 0, right, 0)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.hide()
        self.chips = FlowLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.label)
        layout.addWidget(self.busy)
        layout.addLayout(self.chips)
        self.chip_buttons: list[QPushButton] = []

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        fill = palette.color(QPalette.ColorRole.AlternateBase if self.role == "user" else QPalette.ColorRole.Base)
        border = QColor(DANGER) if self.failed else palette.color(QPalette.ColorRole.Mid)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(border, 1.0) if self.role != "user" or self.failed else Qt.PenStyle.NoPen)
        p.setBrush(fill)
        p.drawRoundedRect(QRectF(self.contentsRect()).adjusted(0.5, 0.5, -0.5, -0.5), 10, 10)
        p.end()

    @property
    def working(self) -> bool:
        return not self.busy.isHidden()

    def set_working(self, on: bool) -> None:
        self.busy.setVisible(on)
        if on:
            self.label.setText(WORKING)
        named(self.label, "hint" if on else "")

    def set_failed(self, message: str) -> None:
        self.set_working(False)
        self.failed = True
        self.setObjectName("errorBubble")
        self.label.setText(message)
        self.update()

    def append(self, token: str) -> None:
        if self.working:
            self.set_working(False)
            self.label.setText("")
        self.label.setText(self.label.text() + token)


class Chip(QPushButton):
    """A citation chip: a rounded outline in the accent colour, filled while hovered."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName("citationChip")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        return QSize(metrics.horizontalAdvance(self.text()) + 22, metrics.height() + 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        hovered = self.underMouse()
        accent = palette.color(QPalette.ColorRole.Highlight)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(accent, 1.0))
        p.setBrush(accent if hovered else palette.color(QPalette.ColorRole.Base))
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        role = QPalette.ColorRole.HighlightedText if hovered else QPalette.ColorRole.Text
        p.setPen(palette.color(role))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.text())
        p.end()


class LinkButton(QPushButton):
    """A button that reads like a link (underlined, in the link colour)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName("linkButton")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        font = self.font()
        font.setUnderline(True)
        self.setFont(font)

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        return QSize(metrics.horizontalAdvance(self.text()) + 12, metrics.height() + 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setPen(self.palette().color(QPalette.ColorRole.Link))
        p.setFont(self.font())
        p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.text())
        p.end()
