"""The graph view: memories as coloured nodes linked by shared sources, names and time; explore, preview, open."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QShortcut,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.graph_items import LabelItem, NodeItem, is_dark
from ui.label_placement import Anchor, place_labels
from ui.text_fit import elide_words
from ui.theme import named
from ui.viewmodels import TYPE_COLORS, TYPE_LABELS, GraphData, GraphEdge

# (light, dark) colour and line style per link kind
EDGE_STYLES = {
    "source": (("#8b949e", "#7d8590"), Qt.PenStyle.SolidLine),
    "name": (("#3b82c4", "#6cb0f0"), Qt.PenStyle.DashLine),
    "time": (("#d08a2e", "#e0a24e"), Qt.PenStyle.DotLine),
}
CLICK_SLOP = 4
PREVIEW_CHARS = 260
DIMMED = 0.22
EMPTY_TEXT = (
    "Nothing to draw yet. Memories appear here as they are made: import a chat or screenshots "
    "(Memories ▸ Import), or let capture run for a while."
)


class ZoomView(QGraphicsView):
    """Zooms with the wheel, pans by dragging; a click (not a drag) selects, a double click opens."""

    clicked = Signal(object)  # NodeItem or None
    double_clicked = Signal(object)  # NodeItem
    view_changed = Signal()

    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__(scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self._pressed_at: QPointF | None = None
        self.horizontalScrollBar().valueChanged.connect(self.view_changed)
        self.verticalScrollBar().valueChanged.connect(self.view_changed)

    def node_at(self, point: QPointF) -> NodeItem | None:
        for item in self.items(point.toPoint()):
            if isinstance(item, NodeItem):
                return item
        return None

    def zoom(self, factor: float) -> None:
        self.scale(factor, factor)
        self.view_changed.emit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.view_changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._pressed_at = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        start, self._pressed_at = self._pressed_at, None
        if event.button() != Qt.MouseButton.LeftButton or start is None:
            return
        if (event.position() - start).manhattanLength() <= CLICK_SLOP:
            self.clicked.emit(self.node_at(event.position()))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        node = self.node_at(event.position())
        if node is not None and event.button() == Qt.MouseButton.LeftButton:
            self.double_clicked.emit(node)
            return
        super().mouseDoubleClickEvent(event)


class NodePreview(QFrame):
    """The selected memory: its type, time and full text, with Open and Expand neighbours."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "graphPreview")
        self.heading = QLabel()
        named(self.heading, "sectionTitle")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("Open")
        self.expand_button = QPushButton("Expand neighbours")
        self.expand_button.setToolTip("Add the memories linked to this one to the graph")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.expand_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.setFixedHeight(self.sizeHint().height() + self.fontMetrics().height() * 2)
        self.show_node(None, 0)

    def show_node(self, node: NodeItem | None, links: int) -> None:
        """Preview a node; with none, say how to pick one (the pane keeps its size, so the graph never jumps)."""
        for button in (self.open_button, self.expand_button):
            button.setEnabled(node is not None)
        if node is None:
            self.heading.setText("No memory selected")
            self.text.setText("Click a memory to preview it here; double-click opens it.")
            return
        n = node.node
        when = f" · {n.when}" if n.when else ""
        self.heading.setText(f"{TYPE_LABELS.get(n.type, n.type)}{when} · {links} link{'s' * (links != 1)}")
        self.text.setText(elide_words(n.text or n.label, PREVIEW_CHARS))


class GraphPanel(QWidget):
    """Asks for a graph (all, focused on ids, or on a search) and draws it; click previews, double click opens."""

    graph_requested = Signal(object, str)  # focus ids, search query
    open_requested = Signal(str, str)  # type, id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: GraphData | None = None
        self.requested = False
        self.focus: list[str] = []
        self.nodes: list[NodeItem] = []
        self.labels: list[LabelItem] = []
        self.edges: list[tuple[GraphEdge, QGraphicsLineItem]] = []
        self.selected: NodeItem | None = None
        self._stale = False
        self.scene = QGraphicsScene(self)
        self.view = ZoomView(self.scene)
        self.empty = QLabel(EMPTY_TEXT)
        named(self.empty, "emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self.preview = NodePreview()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Focus the graph on a search…")
        self.search.setClearButtonEnabled(True)
        self.all_button = QPushButton("Show all")
        self.fit_button = QPushButton("Zoom to fit")
        self.fit_button.setToolTip("Show the whole graph (F)")
        self.title = QLabel("")
        named(self.title, "sectionTitle")
        self.legend = QLabel(self._legend())
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self._place_timer = QTimer(self)
        self._place_timer.setSingleShot(True)
        self._place_timer.setInterval(30)
        self._layout()
        self._connect()

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.all_button)
        bar.addWidget(self.fit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.preview)
        layout.addWidget(self.legend)

    def _connect(self) -> None:
        self.search.returnPressed.connect(lambda: self.request([], self.search.text().strip()))
        self.all_button.clicked.connect(lambda: self.request([], ""))
        self.fit_button.clicked.connect(self.fit)
        self.view.clicked.connect(self.select)
        self.view.double_clicked.connect(self._open)
        self.view.view_changed.connect(self._place_timer.start)
        self._place_timer.timeout.connect(self.place_labels)
        self.preview.open_button.clicked.connect(lambda: self._open(self.selected))
        self.preview.expand_button.clicked.connect(self.expand_selected)
        keys = {
            "F": self.fit,
            "Ctrl+0": self.fit,
            "Escape": lambda: self.select(None),
            "Return": lambda: self._open(self.selected),
            "+": lambda: self.view.zoom(1.25),
            "-": lambda: self.view.zoom(0.8),
        }
        for key, slot in keys.items():
            shortcut = QShortcut(QKeySequence(key), self.view, activated=slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    @staticmethod
    def _legend() -> str:
        dots = [
            f'<span style="color:{TYPE_COLORS[t]}">●</span> {TYPE_LABELS[t]}' for t in TYPE_COLORS if t != "observation"
        ]
        lines = "&nbsp;&nbsp; links: — shared source &nbsp; ‒ ‒ shared name &nbsp; ··· close in time"
        hint = "&nbsp;&nbsp; · click to preview, double-click to open, wheel to zoom"
        return "&nbsp;&nbsp;".join(dots) + lines + hint

    # -- requests -----------------------------------------------------------------------------
    def request(self, focus: list[str] | None = None, query: str = "") -> None:
        self.requested = True
        self.focus = list(focus or [])
        self.graph_requested.emit(self.focus, query)

    def expand_selected(self) -> None:
        """Add the selected memory to the focus: the graph then shows its neighbours too."""
        if self.selected is not None:
            node_id = self.selected.node.id
            base = self.focus or [n.node.id for n in self.nodes if n.node.focused]
            self.request([*dict.fromkeys([*base, node_id])])

    def _open(self, item: NodeItem | None) -> None:
        if item is not None:
            self.open_requested.emit(item.node.type, item.node.id)

    # -- drawing ------------------------------------------------------------------------------
    @Slot(object)
    def on_graph(self, data: GraphData) -> None:
        """Draw a laid-out graph now, or when the graph is next shown (no scene work for a hidden tab)."""
        self.data = data
        if self.isVisible():
            self._draw(data)
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.data is not None:
            self._draw(self.data)

    def _draw(self, data: GraphData) -> None:
        self._stale = False
        self.selected = None
        self.preview.show_node(None, 0)
        self.scene.clear()
        self.nodes = [NodeItem(n) for n in data.nodes]
        self.edges = []
        for edge in data.edges:
            a, b = self.nodes[edge.a], self.nodes[edge.b]
            line = self.scene.addLine(a.x(), a.y(), b.x(), b.y())
            line.setZValue(1)
            self.edges.append((edge, line))
        font = self.font()
        for item in self.nodes:
            self.scene.addItem(item)
        self.labels = [LabelItem(item, font) for item in self.nodes]
        for label in self.labels:
            self.scene.addItem(label)
        self._restyle()
        count = f"{len(data.nodes)} memories, {len(data.edges)} links"
        self.title.setText(f"{data.title} — {count}" if data.nodes else data.title)
        self.empty.setText(EMPTY_TEXT if "Search" not in data.title else f"No memory matches this search. {EMPTY_TEXT}")
        self.stack.setCurrentWidget(self.view if data.nodes else self.empty)
        self.fit()

    def _restyle(self) -> None:
        """Colours for the current theme: node rings, link colours, dimming around the selection."""
        palette = self.palette()
        dark = is_dark(palette)
        near = self._neighbours(self.selected)
        for item in self.nodes:
            item.selected = item is self.selected
            item.restyle(palette)
            item.setOpacity(1.0 if self.selected is None or item.node.id in near else DIMMED)
        for edge, line in self.edges:
            colors, style = EDGE_STYLES.get(edge.kind, (("#999999", "#999999"), Qt.PenStyle.SolidLine))
            touching = self.selected is not None and self.selected in (self.nodes[edge.a], self.nodes[edge.b])
            color = palette.color(QPalette.ColorRole.Highlight) if touching else QColor(colors[dark])
            line.setPen(QPen(color, 2.6 if touching else 1.4, style))
            line.setOpacity(1.0 if self.selected is None or touching else DIMMED)
        for label in self.labels:
            label.setOpacity(label.node.opacity())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.nodes:
            self._restyle()

    def _neighbours(self, item: NodeItem | None) -> set[str]:
        if item is None:
            return set()
        index = self.nodes.index(item)
        near = {item.node.id}
        for edge, _ in self.edges:
            if index in (edge.a, edge.b):
                near.add(self.nodes[edge.b if edge.a == index else edge.a].node.id)
        return near

    def place_labels(self) -> None:
        """Show the labels that fit without overlapping any other label or node, most important first."""
        if not self.labels:
            return
        transform = self.view.viewportTransform()
        scale = transform.m11()
        anchors = []
        for label in self.labels:
            point = transform.map(label.node.pos())
            anchors.append(Anchor(point.x(), point.y(), label.node.radius * scale, *label.size))
        near = self._neighbours(self.selected)
        degree = [0] * len(self.nodes)
        for edge, _ in self.edges:
            degree[edge.a] += 1
            degree[edge.b] += 1

        def rank(i: int) -> tuple:
            node = self.nodes[i]
            return (node is not self.selected, node.node.id not in near, not node.node.focused, -degree[i], i)

        order = sorted(range(len(self.labels)), key=rank)
        bounds = QRectF(self.view.viewport().rect())
        must = self.nodes.index(self.selected) if self.selected is not None else None
        for label, offset in zip(self.labels, place_labels(anchors, order, bounds, must), strict=True):
            label.setVisible(offset is not None)
            if offset is not None:
                label.set_offset(offset)

    def fit(self) -> None:
        """Zoom so that every node is in view, with room for the labels at the edges."""
        rect = QRectF(-100, -100, 200, 200)
        for item in self.nodes:
            rect = rect.united(item.sceneBoundingRect())
        pad = max(rect.width(), rect.height()) * 0.08
        self.view.fitInView(rect.adjusted(-pad, -pad / 2, pad, pad / 2), Qt.AspectRatioMode.KeepAspectRatio)
        self.place_labels()

    # -- selection ----------------------------------------------------------------------------
    @Slot(object)
    def select(self, item: NodeItem | None, reveal: bool = False) -> None:
        """Select a node (preview it, light up its links and neighbours), or clear the selection."""
        self.selected = item
        self._restyle()
        self.preview.show_node(item, len(self._neighbours(item)) - 1 if item else 0)
        if item is not None and reveal:
            self.view.ensureVisible(item, 80, 80)
        self.place_labels()

    def select_id(self, memory_id: str) -> None:
        self.select(self.node_item(memory_id), reveal=True)

    def node_item(self, memory_id: str) -> NodeItem | None:
        return next((n for n in self.nodes if n.node.id == memory_id), None)

    def visible_labels(self) -> list[LabelItem]:
        return [label for label in self.labels if label.isVisible()]

    def label_rect(self, label: LabelItem) -> QRectF:
        """Where a label is drawn on screen (viewport pixels)."""
        return label.deviceTransform(self.view.viewportTransform()).mapRect(label.boundingRect())
