"""One memory type's table: rows that stay put (selection and scroll kept) when the list refreshes."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.theme import named
from ui.viewmodels import TYPE_LABELS, MemoryRow

COLUMNS = ("Memory", "When", "Updated")
ROW_ROLE = Qt.ItemDataRole.UserRole


class MemoryTable(QWidget):
    """One type's table with a quick filter over its loaded rows; rows carry their MemoryRow."""

    row_selected = Signal(str, str)

    def __init__(self, type_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.type_name = type_name
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(f"Quick filter: narrow the {TYPE_LABELS[type_name].lower()} rows below…")
        self.filter.setToolTip("Narrows this tab's loaded rows by their text; the search above searches everything.")
        self.filter.setClearButtonEnabled(True)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # newest first, until the user sorts otherwise
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        if type_name == "observation":
            self.view.hideColumn(2)
        self.empty = QLabel()
        named(self.empty, "emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self.loaded = False
        self.new_hint = QLabel()
        named(self.new_hint, "hint")
        self.new_hint.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.new_hint)
        layout.addWidget(self.stack)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)

    # -- rows ---------------------------------------------------------------------------------
    def set_rows(self, rows: list[MemoryRow], keep_order: bool = False) -> None:
        """Show ``rows``; the selection, the current row and what is under the pointer stay where they were.

        With ``keep_order`` (an automatic refresh) no listed row moves: changed rows change in place, new
        rows are added at the end until the next refresh the user asks for, which sorts them in.
        """
        self.loaded = True
        self.stack.setCurrentWidget(self.view if rows else self.empty)
        if [r.id for r in rows] == [r.id for r in self.rows()]:
            self._update_in_place(rows)
            return
        if keep_order and self.model.rowCount():
            self._merge(rows)
            return
        self.new_hint.hide()
        self.new_hint.setProperty("count", 0)
        self.proxy.setDynamicSortFilter(True)
        selected, current, anchor = self.selected_ids(), self.current_id(), self._anchor()
        selection = self.view.selectionModel()
        selection.blockSignals(True)
        self.model.removeRows(0, self.model.rowCount())
        for row in rows:
            self.model.appendRow(self._items(row))
        self._reselect(selected, current)
        selection.blockSignals(False)
        self._restore_anchor(anchor)

    @staticmethod
    def _items(row: MemoryRow) -> list[QStandardItem]:
        items = [QStandardItem(row.title), QStandardItem(row.time), QStandardItem(row.updated)]
        items[0].setData(row, ROW_ROLE)
        items[0].setToolTip(row.title)
        return items

    def _merge(self, rows: list[MemoryRow]) -> None:
        """Update rows where they are, drop the gone ones, add the new ones at the end (no re-sorting)."""
        self.proxy.setDynamicSortFilter(False)
        fresh = {r.id: r for r in rows}
        for i in reversed(range(self.model.rowCount())):
            old = self.model.item(i, 0).data(ROW_ROLE)
            if old.id not in fresh:
                self.model.removeRow(i)
            elif old != fresh[old.id]:
                for column, item in enumerate(self._items(fresh[old.id])):
                    self.model.item(i, column).setText(item.text())
                self.model.item(i, 0).setData(fresh[old.id], ROW_ROLE)
        listed = {r.id for r in self.rows()}
        added = [r for r in rows if r.id not in listed]
        for row in added:
            self.model.appendRow(self._items(row))
        if added:
            count = len(added) + int(self.new_hint.property("count") or 0)
            self.new_hint.setProperty("count", count)
            self.new_hint.setText(f"{count} new at the end of the list — Refresh to sort them in")
            self.new_hint.show()

    def _update_in_place(self, rows: list[MemoryRow]) -> None:
        for i, row in enumerate(rows):
            if self.model.item(i, 0).data(ROW_ROLE) != row:
                for column, item in enumerate(self._items(row)):
                    self.model.item(i, column).setText(item.text())
                self.model.item(i, 0).setData(row, ROW_ROLE)
                self.model.item(i, 0).setToolTip(row.title)

    def _anchor(self) -> tuple[str, int] | None:
        """The row at the top of the view and its pixel offset, to keep it there across a refresh."""
        index = self.view.indexAt(self.view.viewport().rect().topLeft())
        if not index.isValid():
            return None
        row = self.proxy.index(index.row(), 0).data(ROW_ROLE)
        return (row.id, self.view.visualRect(index).top()) if row is not None else None

    def _restore_anchor(self, anchor: tuple[str, int] | None) -> None:
        if anchor is None:
            return
        proxy_row = self._proxy_row(anchor[0])
        if proxy_row is None:
            return
        self.view.updateGeometries()  # the scroll range must cover the new rows before scrolling into them
        bar = self.view.verticalScrollBar()
        top = self.view.visualRect(self.proxy.index(proxy_row, 0)).top()
        bar.setValue(bar.value() + top - anchor[1])

    def _reselect(self, selected: list[str], current: str) -> None:
        selection = QItemSelection()
        for memory_id in selected:
            proxy_row = self._proxy_row(memory_id)
            if proxy_row is not None:
                left = self.proxy.index(proxy_row, 0)
                selection.select(left, self.proxy.index(proxy_row, len(COLUMNS) - 1))
        model = self.view.selectionModel()
        model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        proxy_row = self._proxy_row(current) if current else None
        if proxy_row is not None:
            model.setCurrentIndex(self.proxy.index(proxy_row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)

    def _proxy_row(self, memory_id: str) -> int | None:
        for i in range(self.proxy.rowCount()):
            row = self.proxy.index(i, 0).data(ROW_ROLE)
            if row is not None and row.id == memory_id:
                return i
        return None

    def rows(self) -> list[MemoryRow]:
        return [self.model.item(i, 0).data(ROW_ROLE) for i in range(self.model.rowCount())]

    def current_id(self) -> str:
        index = self.view.currentIndex()
        if not index.isValid():
            return ""
        row: MemoryRow = self.proxy.index(index.row(), 0).data(ROW_ROLE)
        return row.id if row else ""

    def selected_ids(self) -> list[str]:
        return [r.id for r in self.selected_rows() if r is not None]

    def selected_rows(self) -> list[MemoryRow]:
        indexes = self.view.selectionModel().selectedRows(0)
        return [i.data(ROW_ROLE) for i in indexes]

    def select_id(self, memory_id: str, emit: bool = True) -> bool:
        proxy_row = self._proxy_row(memory_id)
        if proxy_row is None:
            return False
        selection = self.view.selectionModel()
        selection.blockSignals(not emit)
        self.view.selectRow(proxy_row)
        selection.blockSignals(False)
        return True

    def set_empty_text(self, text: str) -> None:
        self.empty.setText(text)

    def _on_current(self, current, _previous) -> None:
        if current.isValid():
            row: MemoryRow = self.proxy.index(current.row(), 0).data(ROW_ROLE)
            if row is not None:
                self.row_selected.emit(row.type, row.id)
