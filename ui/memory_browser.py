"""The memory browser: a searchable, sortable table per memory type (and observations) beside a detail pane."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.detail_pane import DetailPane
from ui.viewmodels import TYPE_LABELS, MemoryRow

TYPES = ("core", "episodic", "semantic", "procedural", "resource", "knowledge_vault", "observation")
COLUMNS = ("Memory", "When", "Updated")


class MemoryTable(QWidget):
    """One type's table with a filter box; rows carry their MemoryRow."""

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
        self.filter.setPlaceholderText(f"Filter {TYPE_LABELS[type_name].lower()}…")
        self.filter.setClearButtonEnabled(True)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        if type_name == "observation":
            self.view.hideColumn(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.view)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)

    def set_rows(self, rows: list[MemoryRow]) -> None:
        selected = self.current_id()
        self.model.removeRows(0, self.model.rowCount())
        for row in rows:
            items = [QStandardItem(row.title), QStandardItem(row.time), QStandardItem(row.updated)]
            items[0].setData(row, Qt.ItemDataRole.UserRole)
            items[0].setToolTip(row.title)
            self.model.appendRow(items)
        if selected:
            self.select_id(selected, emit=False)

    def rows(self) -> list[MemoryRow]:
        return [self.model.item(i, 0).data(Qt.ItemDataRole.UserRole) for i in range(self.model.rowCount())]

    def current_id(self) -> str:
        index = self.view.currentIndex()
        if not index.isValid():
            return ""
        row: MemoryRow = self.proxy.index(index.row(), 0).data(Qt.ItemDataRole.UserRole)
        return row.id if row else ""

    def selected_rows(self) -> list[MemoryRow]:
        indexes = self.view.selectionModel().selectedRows(0)
        return [i.data(Qt.ItemDataRole.UserRole) for i in indexes]

    def select_id(self, memory_id: str, emit: bool = True) -> bool:
        for i in range(self.proxy.rowCount()):
            row: MemoryRow = self.proxy.index(i, 0).data(Qt.ItemDataRole.UserRole)
            if row.id == memory_id:
                self.view.blockSignals(not emit)
                self.view.selectRow(i)
                self.view.blockSignals(False)
                return True
        return False

    def _on_current(self, current, _previous) -> None:
        if current.isValid():
            row: MemoryRow = self.proxy.index(current.row(), 0).data(Qt.ItemDataRole.UserRole)
            if row is not None:
                self.row_selected.emit(row.type, row.id)


class MemoryBrowser(QWidget):
    """Tabs of memories beside the detail pane; export and import buttons above them."""

    list_requested = Signal(str)
    open_requested = Signal(str, str)
    export_requested = Signal(str, object, bool)  # path, [(type, id)] or None for all, include vault secrets
    import_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.tables: dict[str, MemoryTable] = {}
        for type_name in TYPES:
            table = MemoryTable(type_name)
            self.tables[type_name] = table
            self.tabs.addTab(table, TYPE_LABELS[type_name])
            table.row_selected.connect(self.open_requested)
        self.detail = DetailPane()
        self.refresh_button = QPushButton("Refresh")
        self.export_selected_button = QPushButton("Export selected…")
        self.export_all_button = QPushButton("Export all…")
        self.import_button = QPushButton("Import…")
        self.with_secrets = QCheckBox("Include vault values in exports")
        self.with_secrets.setToolTip("Vault values are written in plain text to the export file when checked.")
        self.message = QLabel()
        self.message.setObjectName("browserMessage")
        self.message.setWordWrap(True)
        self._layout()
        self.tabs.currentChanged.connect(self._on_tab)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_selected_button.clicked.connect(lambda: self._on_export(selected=True))
        self.export_all_button.clicked.connect(lambda: self._on_export(selected=False))
        self.import_button.clicked.connect(self._on_import)

    def _layout(self) -> None:
        bar = QHBoxLayout()
        for button in (self.refresh_button, self.export_selected_button, self.export_all_button, self.import_button):
            bar.addWidget(button)
        bar.addWidget(self.with_secrets)
        bar.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 520])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

    @property
    def current_type(self) -> str:
        return TYPES[self.tabs.currentIndex()]

    def refresh(self) -> None:
        self.list_requested.emit(self.current_type)

    def show_type(self, type_name: str) -> None:
        self.tabs.setCurrentIndex(TYPES.index(type_name))

    def _on_tab(self, _index: int) -> None:
        self.refresh()

    # -- export / import ----------------------------------------------------------------------
    def ask_save_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Export memories", "memories.json", "JSON (*.json)")
        return path

    def ask_open_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Import memories", "", "JSON (*.json)")
        return path

    def _on_export(self, selected: bool) -> None:
        chosen = None
        if selected:
            chosen = [(r.type, r.id) for r in self.tables[self.current_type].selected_rows()]
            if not chosen:
                self.message.setText("Select one or more memories first.")
                return
        path = self.ask_save_path()
        if path:
            self.export_requested.emit(path, chosen, self.with_secrets.isChecked())

    def _on_import(self) -> None:
        path = self.ask_open_path()
        if path:
            self.import_requested.emit(path)

    # -- results ------------------------------------------------------------------------------
    @Slot(str, object)
    def on_listed(self, type_name: str, rows: list[MemoryRow]) -> None:
        self.tables[type_name].set_rows(rows)

    @Slot(str, str)
    def on_deleted(self, type_name: str, memory_id: str) -> None:
        if self.detail.detail is not None and self.detail.detail.id == memory_id:
            self.detail.show_detail(None)
        self.message.setText(f"Deleted the {TYPE_LABELS[type_name].lower()} memory.")

    @Slot(str)
    def on_message(self, text: str) -> None:
        self.message.setObjectName("browserMessage")
        self.message.setText(text)

    @Slot(str)
    def on_import_failed(self, text: str) -> None:
        self.message.setText(f"Import refused: {text}")

    @Slot(str)
    def on_imported(self, text: str) -> None:
        self.message.setText(text)
        self.refresh()

    def open_memory(self, type_name: str, memory_id: str) -> None:
        """Switch to the memory's tab and select it when listed (the detail is requested by the caller)."""
        self.show_type(type_name)
        self.tables[type_name].select_id(memory_id, emit=False)
