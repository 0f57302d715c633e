"""One search for everything: a field that searches every memory type and observation as you type, with filters."""

from __future__ import annotations

import html
import math
import re
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QModelIndex, QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPalette, QResizeEvent, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ui.theme import named
from ui.viewmodels import TYPE_COLORS, TYPE_LABELS, TYPE_NAMES, SearchQuery, SearchResult

DEBOUNCE_MS = 250
MIN_CHARS = 2
SPANS = (("Any time", 0), ("Today", -1), ("Last 7 days", 7), ("Last 30 days", 30), ("Last 12 months", 365))
ANY_APP = "Any app"
ROW_ROLE = Qt.ItemDataRole.UserRole


def since_for(days: int, now: datetime | None = None) -> str:
    """The ISO start of a time filter: local midnight today (-1), ``days`` ago, or '' for any time."""
    if days == 0:
        return ""
    now = now or datetime.now().astimezone()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0) if days < 0 else now - timedelta(days=days)
    return start.isoformat()


class SearchBar(QWidget):
    """The search field and its filters; asks (debounced) for a search of everything."""

    search_requested = Signal(object)  # SearchQuery
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QLineEdit()
        named(self.field, "globalSearch")
        self.field.setPlaceholderText("Search everything you have seen or said… (Ctrl+K)")
        self.field.setClearButtonEnabled(True)
        self.kind = QComboBox()
        self.kind.addItem("All kinds", "")
        for type_name, label in TYPE_LABELS.items():
            self.kind.addItem(label, type_name)
        self.when = QComboBox()
        for text, days in SPANS:
            self.when.addItem(text, days)
        self.app = QComboBox()
        self.app.setEditable(True)
        self.app.addItem(ANY_APP)
        self.app.setMinimumContentsLength(10)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field, 1)
        for widget in (self.kind, self.when, self.app):
            row.addWidget(widget)
        self.field.textChanged.connect(self._on_text)
        self.field.returnPressed.connect(self.search_now)
        self._timer.timeout.connect(self.search_now)
        for combo in (self.kind, self.when):
            combo.currentIndexChanged.connect(lambda _: self._on_text(self.field.text()))
        self.app.currentTextChanged.connect(lambda _: self._on_text(self.field.text()))

    def query(self) -> SearchQuery:
        app = self.app.currentText().strip()
        return SearchQuery(
            self.field.text().strip(),
            self.kind.currentData() or "",
            since_for(int(self.when.currentData() or 0)),
            "" if app in ("", ANY_APP) else app,
        )

    def set_apps(self, apps: list[str]) -> None:
        """The apps seen so far, offered in the app filter."""
        current = self.app.currentText()
        self.app.blockSignals(True)
        self.app.clear()
        self.app.addItems([ANY_APP, *apps])
        self.app.setCurrentText(current or ANY_APP)
        self.app.blockSignals(False)

    def _on_text(self, text: str) -> None:
        if len(text.strip()) < MIN_CHARS:
            self._timer.stop()
            if not text.strip():
                self.cleared.emit()
            return
        self._timer.start()

    def search_now(self) -> None:
        self._timer.stop()
        query = self.query()
        if len(query.text) >= MIN_CHARS:
            self.search_requested.emit(query)


class ResultDelegate(QStyledItemDelegate):
    """Paints a result row (rich text: marked matches, a snippet, where and when) only when it is on screen."""

    PAD = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._docs: dict[tuple[str, str, int, bool], QTextDocument] = {}

    def _doc(self, result: SearchResult, option: QStyleOptionViewItem, width: int, selected: bool) -> QTextDocument:
        key = (result.type, result.id, width, selected)
        doc = self._docs.get(key)
        if doc is None:
            if len(self._docs) > 400:
                self._docs.clear()
            palette = option.palette
            color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
            doc = QTextDocument()
            doc.setDefaultFont(option.font)
            doc.setDefaultStyleSheet(f"body {{ color: {color.name()}; }}")
            doc.setHtml(f"<body>{result_html(result)}</body>")
            doc.setTextWidth(max(100, width - 2 * self.PAD))
            self._docs[key] = doc
        return doc

    def forget(self) -> None:
        """New results or a new theme: lay the rows out again."""
        self._docs.clear()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        """The row's height from font metrics (cheap for every row; only rows on screen are laid out in full)."""
        result: SearchResult = index.data(ROW_ROLE)
        width = self.parent().viewport().width() if self.parent() is not None else option.rect.width()
        room = max(100, width - 2 * self.PAD)
        bold = QFont(option.font)
        bold.setBold(True)
        lines = _lines(QFontMetricsF(bold), plain(result.title_html), room)
        lines += _lines(QFontMetricsF(option.font), plain(result.snippet_html), room) if result.snippet_html else 0
        height = lines * QFontMetricsF(option.font).lineSpacing() + QFontMetricsF(option.font).lineSpacing()
        return QSize(width, int(height) + 2 * self.PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        if selected:
            painter.fillRect(option.rect, option.palette.color(QPalette.ColorRole.Highlight))
        doc = self._doc(index.data(ROW_ROLE), option, option.rect.width(), selected)
        painter.translate(option.rect.left() + self.PAD, option.rect.top() + self.PAD / 2)
        doc.drawContents(painter, QRectF(0, 0, option.rect.width(), option.rect.height()))
        painter.restore()


def plain(html_text: str) -> str:
    """The text of a bit of HTML (marks removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def _lines(metrics: QFontMetricsF, text: str, room: float) -> int:
    """About how many wrapped lines ``text`` takes in ``room`` pixels (average glyphs, room for word breaks)."""
    return max(1, math.ceil(len(text) * metrics.averageCharWidth() * 1.12 / room))


def result_html(r: SearchResult) -> str:
    """A result as rich text: its title, the snippet where it matched, then kind, where and when."""
    color = TYPE_COLORS.get(r.type, "#888888")
    kind = f'<span style="color:{color}">●</span> {TYPE_NAMES.get(r.type, r.type)}'
    where = " · ".join(p for p in (r.origin, r.when) if p)
    meaning = " · <i>related by meaning</i>" if r.by_meaning else ""
    snippet = f"<br>{r.snippet_html}" if r.snippet_html else ""
    return f"<b>{r.title_html}</b>{snippet}<br><small>{kind} · {where}{meaning}</small>"


class SearchResults(QWidget):
    """The hits of the last search: matches highlighted, where and when each was seen; a click opens one."""

    open_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.query: SearchQuery | None = None
        self.results: list[SearchResult] = []
        self.status = QLabel()
        named(self.status, "hint")
        self.list = QListWidget()
        self.list.setObjectName("searchResults")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.delegate = ResultDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)
        self.list.currentItemChanged.connect(self._on_current)
        self.list.itemClicked.connect(lambda item: self._on_current(item, None))

    def searching(self, query: SearchQuery) -> None:
        self.query = query
        self.status.setText(f"Searching for “{query.text}”…")

    @Slot(object, object)
    def on_results(self, query: SearchQuery, results: list[SearchResult]) -> None:
        """Show the hits of ``query`` (results of an older query than the one shown are ignored)."""
        if self.query is not None and query != self.query:
            return
        self.query, self.results = query, results
        self.list.blockSignals(True)
        self.delegate.forget()
        self.list.clear()
        for result in results:
            item = QListWidgetItem()
            item.setData(ROW_ROLE, result)
            item.setToolTip(TYPE_NAMES.get(result.type, result.type))
            self.list.addItem(item)
        self.list.blockSignals(False)
        count = len(results)
        self.status.setText(
            f"{count} result{'s' * (count != 1)} for “{query.text}” across all memories and observations"
            if results
            else f"No memory matches “{query.text}”. Try other words, or widen the kind, time or app filter."
        )

    def _on_current(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is not None:
            result: SearchResult = item.data(ROW_ROLE)
            self.open_requested.emit(result.type, result.id)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.delegate.forget()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.delegate.forget()
        self.list.doItemsLayout()
