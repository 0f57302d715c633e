"""The graph view: memories as coloured nodes, links for shared sources, names and time; pan, zoom, click to open."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.viewmodels import TYPE_COLORS, TYPE_LABELS, GraphData, GraphNode

EDGE_STYLES = {"source": ("#8b949e", Qt.PenStyle.SolidLine), "name": ("#3b82c4", Qt.PenStyle.DashLine)}
EDGE_STYLES["time"] = ("#d08a2e", Qt.PenStyle.DotLine)
RADIUS = 11.0


class NodeItem(QGraphicsEllipseItem):
    """One memory; remembers which it is so a click can open it."""

    def __init__(self, node: GraphNode) -> None:
        r = RADIUS * (1.5 if node.focused else 1.0)
        super().__init__(-r, -r, 2 * r, 2 * r)
        self.node = node
        self.setPos(node.x, node.y)
        self.setBrush(QBrush(QColor(TYPE_COLORS.get(node.type, "#999999"))))
        self.setPen(QPen(QColor("#1f2328") if node.focused else QColor("#ffffff"), 2.5 if node.focused else 1.2))
        self.setToolTip(f"{TYPE_LABELS.get(node.type, node.type)}: {node.label}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(2)


class ZoomView(QGraphicsView):
    """A QGraphicsView that zooms with the wheel and pans by dragging."""

    node_clicked = Signal(str, str)

    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__(scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)

    def wheelEvent(self, event: QWheelEvent) -> None:
        factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        self.scale(factor, factor)

    def mouseReleaseEvent(self, event) -> None:
        item = self.itemAt(event.position().toPoint())
        while item is not None and not isinstance(item, NodeItem):
            item = item.parentItem()
        super().mouseReleaseEvent(event)
        if isinstance(item, NodeItem) and event.button() == Qt.MouseButton.LeftButton:
            self.node_clicked.emit(item.node.type, item.node.id)


class GraphPanel(QWidget):
    """Asks for a graph (all, focused on ids, or on a search) and draws the laid-out result."""

    graph_requested = Signal(object, str)  # focus ids, search query
    node_clicked = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: GraphData | None = None
        self.requested = False
        self.nodes: list[NodeItem] = []
        self.scene = QGraphicsScene(self)
        self.view = ZoomView(self.scene)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Focus the graph on a search…")
        self.search.setClearButtonEnabled(True)
        self.all_button = QPushButton("Show all")
        self.fit_button = QPushButton("Fit")
        self.title = QLabel("")
        self.title.setObjectName("sectionTitle")
        self.legend = QLabel(self._legend())
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.all_button)
        bar.addWidget(self.fit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)
        self.search.returnPressed.connect(lambda: self.graph_requested.emit([], self.search.text().strip()))
        self.all_button.clicked.connect(lambda: self.graph_requested.emit([], ""))
        self.fit_button.clicked.connect(self.fit)
        self.view.node_clicked.connect(self.node_clicked)

    @staticmethod
    def _legend() -> str:
        dots = [
            f'<span style="color:{TYPE_COLORS[t]}">●</span> {TYPE_LABELS[t]}' for t in TYPE_COLORS if t != "observation"
        ]
        lines = "&nbsp;&nbsp; links: — shared source &nbsp; ‒ ‒ shared name &nbsp; ··· close in time"
        return "&nbsp;&nbsp;".join(dots) + lines

    def request(self, focus: list[str] | None = None, query: str = "") -> None:
        self.requested = True
        self.graph_requested.emit(focus or [], query)

    @Slot(object)
    def on_graph(self, data: GraphData) -> None:
        self.data = data
        self.scene.clear()
        self.nodes = [NodeItem(n) for n in data.nodes]
        for edge in data.edges:
            a, b = self.nodes[edge.a], self.nodes[edge.b]
            color, style = EDGE_STYLES.get(edge.kind, ("#999999", Qt.PenStyle.SolidLine))
            pen = QPen(QColor(color), 1.4, style)
            line = self.scene.addLine(a.x(), a.y(), b.x(), b.y(), pen)
            line.setZValue(1)
        for item in self.nodes:
            self.scene.addItem(item)
            if item.node.focused or len(self.nodes) <= 40:
                label = QGraphicsSimpleTextItem(item.node.label[:28], item)
                label.setBrush(QBrush(self.palette().text().color()))
                label.setPos(RADIUS + 3, -8)
        count = f"{len(data.nodes)} memories, {len(data.edges)} links"
        self.title.setText(f"{data.title} — {count}" if data.nodes else f"{data.title} — nothing to show yet")
        self.fit()

    def fit(self) -> None:
        rect = self.scene.itemsBoundingRect()
        if not rect.isEmpty():
            self.view.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
        else:
            self.view.fitInView(QRectF(-100, -100, 200, 200), Qt.AspectRatioMode.KeepAspectRatio)

    def node_item(self, memory_id: str) -> NodeItem | None:
        return next((n for n in self.nodes if n.node.id == memory_id), None)
