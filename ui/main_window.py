"""The main window: the unlock page, then tabs for chat, memories, graph, timeline, capture and settings."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QStackedWidget, QTabWidget, QWidget

from ui.capture_panel import CapturePanel
from ui.chat_panel import ChatPanel
from ui.graph_view import GraphPanel
from ui.memory_browser import MemoryBrowser
from ui.settings_panel import SettingsPanel
from ui.timeline_view import TimelinePanel
from ui.unlock_page import UnlockPage

PAUSE_SHORTCUT = "Ctrl+Shift+P"


class MainWindow(QMainWindow):
    """Holds the screens; knows nothing of stores or agents, only its widgets' signals and slots."""

    first_shown = Signal()
    toggle_pause_requested = Signal()
    closing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("mirix-app")
        self.resize(1280, 820)
        self._shown = False
        self.unlock = UnlockPage()
        self.chat = ChatPanel()
        self.memories = MemoryBrowser()
        self.graph = GraphPanel()
        self.timeline = TimelinePanel()
        self.capture = CapturePanel()
        self.settings = SettingsPanel()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for widget, title in (
            (self.chat, "Chat"),
            (self.memories, "Memories"),
            (self.graph, "Graph"),
            (self.timeline, "Timeline"),
            (self.capture, "Capture"),
            (self.settings, "Settings"),
        ):
            self.tabs.addTab(widget, title)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.unlock)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)
        self.status_text = QLabel("")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.pause_shortcut = QShortcut(QKeySequence(PAUSE_SHORTCUT), self)
        self.pause_shortcut.activated.connect(self.toggle_pause_requested)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            self.first_shown.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)

    @property
    def unlocked(self) -> bool:
        return self.stack.currentWidget() is self.tabs

    # -- slots --------------------------------------------------------------------------------
    @Slot()
    def on_unlocked(self) -> None:
        self.stack.setCurrentWidget(self.tabs)
        self.status_text.setText("Memory unlocked.")

    @Slot(str, int, int)
    def on_progress(self, text: str, done: int, total: int) -> None:
        self.status_text.setText(text)
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setVisible(done < total)

    @Slot(str)
    def on_models_ready(self, mode: str) -> None:
        words = "with your language model" if mode == "llm" else "offline (no language model: answers list memories)"
        self.status_text.setText(f"Ready — answering {words}.")
        self.progress.hide()

    @Slot(str)
    def on_message(self, text: str) -> None:
        self.status_text.setText(text)

    @Slot(str)
    def on_error(self, text: str) -> None:
        self.status_text.setText(f"⚠ {text}")

    @Slot(str, str)
    def show_memory(self, type_name: str, memory_id: str) -> None:
        """Open a memory in the browser (from a citation, a graph node or the timeline)."""
        self.tabs.setCurrentWidget(self.memories)
        self.memories.open_memory(type_name, memory_id)

    @Slot(object)
    def show_graph(self, focus: list[str]) -> None:
        self.graph.request(list(focus))
        self.tabs.setCurrentWidget(self.graph)

    def show_window(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()
