"""The graph's scene items: a node per memory and its label, both drawn in the current theme's colours."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPalette, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ui.viewmodels import TYPE_COLORS, TYPE_LABELS, GraphNode

RADIUS = 11.0
PAD_X, PAD_Y = 5.0, 2.0


def is_dark(palette: QPalette) -> bool:
    """True when the palette's window colour is dark (the dark theme)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def node_tooltip(node: GraphNode) -> str:
    """The full text of a node, with its type and time, for hovering."""
    head = TYPE_LABELS.get(node.type, node.type) + (f" · {node.when}" if node.when else "")
    return f"{head}\n{node.text or node.label}"


class NodeItem(QGraphicsEllipseItem):
    """One memory; remembers which it is so a click can select it and a double click open it."""

    def __init__(self, node: GraphNode) -> None:
        self.radius = RADIUS * (1.5 if node.focused else 1.0)
        r = self.radius
        super().__init__(-r, -r, 2 * r, 2 * r)
        self.node = node
        self.selected = False
        self.setPos(node.x, node.y)
        self.setBrush(QBrush(QColor(TYPE_COLORS.get(node.type, "#999999"))))
        self.setToolTip(node_tooltip(node))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAcceptHoverEvents(True)
        self.setZValue(2)

    def restyle(self, palette: QPalette) -> None:
        """Outline in the background colour (a ring that separates nodes), strong when focused or selected."""
        if self.selected:
            self.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 4.0))
        elif self.node.focused:
            self.setPen(QPen(palette.color(QPalette.ColorRole.Text), 2.5))
        else:
            self.setPen(QPen(palette.color(QPalette.ColorRole.Base), 1.5))


class LabelItem(QGraphicsItem):
    """A node's short label on a background plate, the same size at every zoom; placed beside its node."""

    def __init__(self, node: NodeItem, font: QFont) -> None:
        super().__init__()
        self.node = node
        self.text = node.node.label
        self.font = font
        metrics = QFontMetricsF(font)
        self.size = (metrics.horizontalAdvance(self.text) + 2 * PAD_X, metrics.height() + 2 * PAD_Y)
        self.offset = QPointF(RADIUS, -self.size[1] / 2)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setToolTip(node.toolTip())
        self.setPos(node.pos())
        self.setZValue(3)

    def set_offset(self, offset: QPointF) -> None:
        self.prepareGeometryChange()
        self.offset = offset

    def boundingRect(self) -> QRectF:
        return QRectF(self.offset.x(), self.offset.y(), self.size[0], self.size[1])

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        palette = self.scene().palette() if self.scene() is not None else QPalette()
        plate = QColor(palette.color(QPalette.ColorRole.Base))
        plate.setAlpha(235)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1.0))
        painter.setBrush(plate)
        painter.drawRoundedRect(self.boundingRect(), 4.0, 4.0)
        painter.setFont(self.font)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(self.boundingRect(), Qt.AlignmentFlag.AlignCenter, self.text)
