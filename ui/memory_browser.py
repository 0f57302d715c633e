"""The memory browser: one search over everything, a table per memory type (and observations), a detail pane."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.detail_pane import DetailPane
from ui.memory_table import MemoryTable
from ui.search_panel import SearchBar, SearchResults
from ui.viewmodels import TYPE_LABELS, ImportSummary, MemoryOverview, MemoryRow, SearchQuery, SearchResult

TYPES = ("core", "episodic", "semantic", "procedural", "resource", "knowledge_vault", "observation")
NEEDS_MODEL = {"core", "semantic", "procedural", "knowledge_vault"}
NOTHING_YET = (
    "Nothing here yet. Import a chat or a folder of screenshots (buttons above), or let capture run "
    "(Capture tab): what you see and say becomes memories."
)
NEEDS_MODEL_TEXT = (
    "{label} memories are written by a language model, and none is configured: without one, mirix-app "
    "keeps what needs no model (events, resources and everything seen or said). Set one up in Settings ▸ "
    "Language model; what you saw meanwhile is memorized then."
)
MODEL_WORKING = "No {label} memories yet: your language model writes them as it memorizes what you see and say."


class MemoryBrowser(QWidget):
    """The search field and the type tabs beside the detail pane; import and export buttons above them."""

    list_requested = Signal(str)
    open_requested = Signal(str, str)
    export_requested = Signal(str, object, bool)  # path, [(type, id)] or None for all, include vault secrets
    import_requested = Signal(str)  # a file exported by mirix-app
    import_chat_requested = Signal(str)  # a JSONL file of chat messages
    import_frames_requested = Signal(str)  # a folder of screenshots
    search_requested = Signal(object)  # SearchQuery

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._quiet: set[str] = set()
        self.search = SearchBar()
        self.results = SearchResults()
        self.tabs = QTabWidget()
        self.tables: dict[str, MemoryTable] = {}
        for type_name in TYPES:
            table = MemoryTable(type_name)
            table.set_empty_text(NOTHING_YET)
            self.tables[type_name] = table
            self.tabs.addTab(table, TYPE_LABELS[type_name])
            table.row_selected.connect(self.open_requested)
        self.left = QStackedWidget()
        self.left.addWidget(self.tabs)
        self.left.addWidget(self.results)
        self.detail = DetailPane()
        self.refresh_button = QPushButton("Refresh")
        self.import_chat_button = QPushButton("Import chat…")
        self.import_chat_button.setToolTip("Chat messages from a JSONL file: one {id, time, speaker, text} per line")
        self.import_frames_button = QPushButton("Import screenshots…")
        self.import_frames_button.setToolTip("A folder of screenshots (PNG, JPEG, WebP), read like captured frames")
        self.export_selected_button = QPushButton("Export selected…")
        self.export_all_button = QPushButton("Export all…")
        self.import_button = QPushButton("Restore an export…")
        self.import_button.setToolTip("Memories from a file made by Export (mirix-app's own JSON format)")
        self.with_secrets = QCheckBox("Include vault values in exports")
        self.with_secrets.setToolTip("Vault values are written in plain text to the export file when checked.")
        self.message = QLabel()
        self.message.setObjectName("browserMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setMaximumHeight(14)
        self.progress.hide()
        self._layout()
        self._connect()

    def _layout(self) -> None:
        bar = QHBoxLayout()
        for button in (
            self.refresh_button,
            self.import_chat_button,
            self.import_frames_button,
            self.export_selected_button,
            self.export_all_button,
            self.import_button,
        ):
            bar.addWidget(button)
        bar.addWidget(self.with_secrets)
        bar.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(self.left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 520])
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(splitter, 1)

    def _connect(self) -> None:
        self.tabs.currentChanged.connect(self._on_tab)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_selected_button.clicked.connect(lambda: self._on_export(selected=True))
        self.export_all_button.clicked.connect(lambda: self._on_export(selected=False))
        self.import_button.clicked.connect(self._on_import)
        self.import_chat_button.clicked.connect(self._on_import_chat)
        self.import_frames_button.clicked.connect(self._on_import_frames)
        self.search.search_requested.connect(self._on_search)
        self.search.cleared.connect(lambda: self.left.setCurrentWidget(self.tabs))
        self.results.open_requested.connect(self.open_requested)

    @property
    def current_type(self) -> str:
        return TYPES[self.tabs.currentIndex()]

    def refresh(self) -> None:
        self.list_requested.emit(self.current_type)

    def refresh_quietly(self) -> None:
        """An automatic refresh (after memorizing): rows the user sees do not move, new ones are added below."""
        self._quiet.add(self.current_type)
        self.list_requested.emit(self.current_type)

    def show_type(self, type_name: str) -> None:
        self.left.setCurrentWidget(self.tabs)
        self.tabs.setCurrentIndex(TYPES.index(type_name))

    def _on_tab(self, _index: int) -> None:
        self.refresh()

    def focus_search(self) -> None:
        self.search.field.setFocus()
        self.search.field.selectAll()

    # -- search -------------------------------------------------------------------------------
    def _on_search(self, query: SearchQuery) -> None:
        self.results.searching(query)
        self.left.setCurrentWidget(self.results)
        self.search_requested.emit(query)

    @Slot(object, object)
    def on_search_results(self, query: SearchQuery, results: list[SearchResult]) -> None:
        self.results.on_results(query, results)

    # -- export / import ----------------------------------------------------------------------
    def ask_save_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Export memories", "memories.json", "JSON (*.json)")
        return path

    def ask_open_path(self) -> str:
        title = "Restore memories exported from mirix-app"
        path, _ = QFileDialog.getOpenFileName(self, title, "", "mirix-app export (*.json)")
        return path

    def ask_chat_path(self) -> str:
        title = "Import chat messages (one JSON object per line)"
        path, _ = QFileDialog.getOpenFileName(self, title, "", "Chat messages (*.jsonl *.json);;All files (*)")
        return path

    def ask_frames_dir(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Import a folder of screenshots")

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

    def _on_import_chat(self) -> None:
        path = self.ask_chat_path()
        if path:
            self._importing(f"Importing chat messages from {path}…")
            self.import_chat_requested.emit(path)

    def _on_import_frames(self) -> None:
        path = self.ask_frames_dir()
        if path:
            self._importing(f"Importing screenshots from {path}…")
            self.import_frames_requested.emit(path)

    def _importing(self, text: str) -> None:
        self.message.setText(text)
        self.progress.setRange(0, 0)
        self.progress.show()
        for button in (self.import_chat_button, self.import_frames_button):
            button.setEnabled(False)

    @Slot(str, int, int)
    def on_import_progress(self, text: str, done: int, total: int) -> None:
        self.message.setText(text)
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)

    @Slot(object)
    def on_import_done(self, summary: ImportSummary) -> None:
        """Say what was added and what was skipped and why."""
        self.progress.hide()
        for button in (self.import_chat_button, self.import_frames_button):
            button.setEnabled(True)
        lines = [summary.headline, *(f"• {reason}" for reason in summary.skipped[:8])]
        if len(summary.skipped) > 8:
            lines.append(f"• … and {len(summary.skipped) - 8} more")
        self.message.setText("\n".join(lines))
        self.refresh()

    # -- results ------------------------------------------------------------------------------
    @Slot(str, object)
    def on_listed(self, type_name: str, rows: list[MemoryRow]) -> None:
        quiet = type_name in self._quiet
        self._quiet.discard(type_name)
        self.tables[type_name].set_rows(rows, keep_order=quiet)

    @Slot(object)
    def on_overview(self, overview: MemoryOverview) -> None:
        """Empty tabs say what fills them, and which need a language model."""
        for type_name, table in self.tables.items():
            label = TYPE_LABELS[type_name]
            text = NOTHING_YET
            if type_name in NEEDS_MODEL:
                needs = (MODEL_WORKING if overview.model else NEEDS_MODEL_TEXT).format(label=label)
                text = f"{NOTHING_YET}\n\n{needs}" if overview.empty and not overview.model else needs
            table.set_empty_text(text)

    @Slot(str, str)
    def on_deleted(self, type_name: str, memory_id: str) -> None:
        if self.detail.detail is not None and self.detail.detail.id == memory_id:
            self.detail.show_detail(None)
        self.message.setText(f"Deleted the {TYPE_LABELS[type_name].lower()} memory.")

    @Slot(str)
    def on_message(self, text: str) -> None:
        self.message.setText(text)

    @Slot(str)
    def on_import_failed(self, text: str) -> None:
        self.progress.hide()
        for button in (self.import_chat_button, self.import_frames_button):
            button.setEnabled(True)
        self.message.setText(f"Import refused: {text}")

    @Slot(str)
    def on_imported(self, text: str) -> None:
        self.message.setText(text)
        self.refresh()

    def open_memory(self, type_name: str, memory_id: str) -> None:
        """Switch to the memory's tab and select it when listed (the detail is requested by the caller)."""
        self.show_type(type_name)
        self.tables[type_name].select_id(memory_id, emit=False)
