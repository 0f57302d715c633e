"""The list of past conversations: reopen one, rename it in place, delete it with a moment to undo."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.text_fit import elide_words
from ui.theme import named
from ui.viewmodels import ThreadRow

UNDO_MS = 10000
TITLE_CHARS = 60
ID_ROLE = Qt.ItemDataRole.UserRole


class ThreadList(QWidget):
    """Conversations, newest first; the open one is selected."""

    open_requested = Signal(str)
    new_requested = Signal()
    rename_requested = Signal(str, str)
    delete_requested = Signal(str)
    restore_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current_id = ""
        self.deleted_id = ""
        self._filling = False
        self.new_button = QPushButton("New conversation")
        self.new_button.setToolTip("Start a new conversation; the others stay in this list.")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Conversations", "When"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel("No conversations yet: your questions and their answers are kept here.")
        named(self.empty, "hint")
        self.empty.setWordWrap(True)
        self.rename_button = QPushButton("Rename")
        self.delete_button = QPushButton("Delete")
        self.undo_bar, self.undo_label, self.undo_button = self._undo_bar()
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(UNDO_MS)
        self._layout()
        self.new_button.clicked.connect(self.new_requested)
        self.tree.itemClicked.connect(self._on_clicked)
        self.tree.itemChanged.connect(self._on_renamed)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.rename_button.clicked.connect(self.rename_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.undo_button.clicked.connect(self.undo_delete)
        self._undo_timer.timeout.connect(self.undo_bar.hide)
        self.mark_current("")

    def _undo_bar(self) -> tuple[QFrame, QLabel, QPushButton]:
        bar = QFrame()
        named(bar, "undoBar")
        label = QLabel()
        label.setWordWrap(True)
        button = QPushButton("Undo")
        row = QHBoxLayout(bar)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(label, 1)
        row.addWidget(button)
        bar.hide()
        return bar, label, button

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.new_button)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.undo_bar)
        layout.addLayout(buttons)

    # -- what the list shows ------------------------------------------------------------------
    @Slot(object)
    def on_threads(self, rows: list[ThreadRow]) -> None:
        """Show the conversations (newest first), keeping the open one selected."""
        self._filling = True
        self.tree.clear()
        for row in rows:
            item = QTreeWidgetItem([elide_words(row.title, TITLE_CHARS) or "(untitled)", row.when])
            item.setData(0, ID_ROLE, row.id)
            item.setToolTip(0, row.title)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.tree.addTopLevelItem(item)
        self._filling = False
        self.empty.setVisible(not rows)
        self.mark_current(self.current_id)

    def mark_current(self, thread_id: str) -> None:
        self.current_id = thread_id
        item = self.item(thread_id)
        self.tree.setCurrentItem(item) if item is not None else self.tree.clearSelection()
        self.rename_button.setEnabled(item is not None)
        self.delete_button.setEnabled(item is not None)

    def item(self, thread_id: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, ID_ROLE) == thread_id:
                return item
        return None

    def titles(self) -> list[str]:
        return [self.tree.topLevelItem(i).toolTip(0) for i in range(self.tree.topLevelItemCount())]

    # -- user actions -------------------------------------------------------------------------
    def _on_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        thread_id = item.data(0, ID_ROLE)
        if thread_id and thread_id != self.current_id:
            self.open_requested.emit(thread_id)

    def rename_current(self) -> None:
        item = self.item(self.current_id)
        if item is not None:
            self.tree.editItem(item, 0)

    def _on_renamed(self, item: QTreeWidgetItem, column: int) -> None:
        title = " ".join(item.text(0).split())
        if self._filling or column != 0 or not title or title == item.toolTip(0):
            return
        item.setToolTip(0, title)
        self.rename_requested.emit(item.data(0, ID_ROLE), title)

    def delete_current(self) -> None:
        self.delete(self.current_id)

    def delete(self, thread_id: str) -> None:
        """Take a conversation off the list and offer to undo for a few seconds."""
        item = self.item(thread_id)
        if item is None:
            return
        self.deleted_id = thread_id
        self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        self.undo_label.setText(f"Deleted “{elide_words(item.toolTip(0), 40)}”.")
        self.undo_bar.show()
        self._undo_timer.start()
        self.delete_requested.emit(self.deleted_id)

    def undo_delete(self) -> None:
        if self.deleted_id:
            self.restore_requested.emit(self.deleted_id)
            self.deleted_id = ""
        self.undo_bar.hide()

    def _menu(self, point: QPoint) -> None:
        item = self.tree.itemAt(point)
        if item is None:
            return
        thread_id = item.data(0, ID_ROLE)
        menu = QMenu(self)
        menu.addAction("Open", lambda: self.open_requested.emit(thread_id))
        menu.addAction("Rename", lambda: self.tree.editItem(item, 0))
        menu.addAction("Delete", lambda: self.delete(thread_id))
        menu.popup(self.tree.viewport().mapToGlobal(point))
