"""The main window: the unlock page, then tabs for chat, memories, graph, timeline, capture and settings."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QStackedWidget, QTabWidget, QWidget

from ui.capture_choice import CaptureChoicePage
from ui.capture_indicator import CaptureIndicator
from ui.capture_panel import CapturePanel
from ui.chat_panel import ChatPanel
from ui.forget_dialog import ForgetFlow
from ui.graph_view import GraphPanel
from ui.memory_browser import MemoryBrowser
from ui.settings_panel import SettingsPanel
from ui.timeline_view import TimelinePanel
from ui.unlock_page import UnlockPage

PAUSE_SHORTCUTS = ("Ctrl+Alt+P", "Ctrl+Shift+P")  # the first also works from anywhere where the platform allows
SEARCH_SHORTCUTS = ("Ctrl+K", "Ctrl+F")


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
        self.capture_choice = CaptureChoicePage()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.unlock)
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.capture_choice)
        self.setCentralWidget(self.stack)
        self.status_text = QLabel("")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.pause_shortcuts = [QShortcut(QKeySequence(keys), self) for keys in PAUSE_SHORTCUTS]
        for shortcut in self.pause_shortcuts:
            shortcut.activated.connect(self.toggle_pause_requested)
        self.search_shortcuts = [QShortcut(QKeySequence(keys), self) for keys in SEARCH_SHORTCUTS]
        for shortcut in self.search_shortcuts:
            shortcut.activated.connect(self.show_search)
        self.indicator = CaptureIndicator(self)
        self.forget = ForgetFlow(self)
        self.capture_choice.chosen.connect(lambda _: self.stack.setCurrentWidget(self.tabs))

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
        self.indicator.on_locked(False)
        self.status_text.setText("Memory unlocked.")

    @Slot(str, float)
    def ask_capture_choice(self, data_dir: str, interval_s: float) -> None:
        """First run: nothing is captured until the user answers this page."""
        self.capture_choice.set_context(data_dir, interval_s, self.capture_choice.global_shortcut)
        self.stack.setCurrentWidget(self.capture_choice)

    @Slot(str)
    def on_locked(self, reason: str) -> None:
        """The app locked itself: the lock page replaces everything until the user unlocks."""
        self.stack.setCurrentWidget(self.unlock)
        self.unlock.on_locked(reason)
        self.indicator.on_locked(True)
        self.status_text.setText(f"Locked {reason}.")

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

    @Slot()
    def show_search(self) -> None:
        """The search over everything, from anywhere in the window (Ctrl+K)."""
        if self.unlocked:
            self.tabs.setCurrentWidget(self.memories)
            self.memories.focus_search()

    @Slot(object)
    def show_graph(self, focus: list[str]) -> None:
        self.graph.request(list(focus))
        self.tabs.setCurrentWidget(self.graph)

    def show_window(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()
