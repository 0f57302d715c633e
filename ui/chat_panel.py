"""The chat screen: past conversations beside the open one; answers stream in with chips naming source and time."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.chat_threads import ThreadList
from ui.chat_widgets import Chip, LinkButton, MessageBubble
from ui.theme import named
from ui.viewmodels import TYPE_NAMES, ChatReply, ChatThreadView, Citation, MemoryOverview

ASK_HINT = "Ask anything about what you have seen or said — answers cite the memories they use."
EMPTY_MEMORY_HINT = (
    "Your memory is empty so far. Import a chat or a folder of screenshots (Memories ▸ Import), or let capture "
    "run (Capture tab) — then ask about what you saw or said."
)


class ChatPanel(QWidget):
    """Ask questions of the memory; answers stream in and cite memories as clickable chips."""

    send_requested = Signal(str, int)  # question, minutes of screen to include (0 = none)
    clear_requested = Signal()  # a new conversation
    citation_clicked = Signal(str, str)  # type, id
    graph_requested = Signal(object)  # memory ids behind an answer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bubbles: list[MessageBubble] = []
        self._streaming: MessageBubble | None = None
        self.threads = ThreadList()
        self.list_widget = QWidget()
        self.list_layout = QVBoxLayout(self.list_widget)
        self.list_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.list_widget)
        self.empty = QLabel(ASK_HINT)
        named(self.empty, "emptyState")
        self.empty.setWordWrap(True)
        self.list_layout.insertWidget(0, self.empty)
        self.input = QLineEdit()
        self.input.setPlaceholderText("Ask your memory… (Enter to send)")
        self.send_button = QPushButton("Send")
        self.send_button.setDefault(True)
        self.include_screen = QCheckBox("Include my screen from the last")
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 120)
        self.minutes.setValue(5)
        self.minutes.setSuffix(" min")
        self.clear_button = self.threads.new_button
        self._layout()
        self.input.returnPressed.connect(self._on_send)
        self.send_button.clicked.connect(self._on_send)
        self.clear_button.clicked.connect(self._on_clear)
        self.threads.delete_requested.connect(self._on_thread_deleted)

    def _layout(self) -> None:
        options = QHBoxLayout()
        options.addWidget(self.include_screen)
        options.addWidget(self.minutes)
        options.addStretch(1)
        entry = QHBoxLayout()
        entry.addWidget(self.input, 1)
        entry.addWidget(self.send_button)
        talk = QWidget()
        column = QVBoxLayout(talk)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.scroll, 1)
        column.addLayout(options)
        column.addLayout(entry)
        split = QSplitter()
        split.addWidget(self.threads)
        split.addWidget(talk)
        split.setStretchFactor(1, 1)
        split.setSizes([280, 1000])
        layout = QVBoxLayout(self)
        layout.addWidget(split)

    @property
    def thread_id(self) -> str:
        return self.threads.current_id

    # -- user actions -------------------------------------------------------------------------
    def _on_send(self) -> None:
        question = self.input.text().strip()
        if not question or self._streaming is not None:
            return
        self.input.clear()
        self._add("user", question)
        self._streaming = self._add("assistant", "")
        self._streaming.set_working(True)
        self.send_button.setEnabled(False)
        minutes = self.minutes.value() if self.include_screen.isChecked() else 0
        self.send_requested.emit(question, minutes)

    def _clear_view(self) -> None:
        for bubble in self.bubbles:
            bubble.setParent(None)
            bubble.deleteLater()
        self.bubbles.clear()
        self._streaming = None
        self.send_button.setEnabled(True)
        self.empty.show()

    def _on_clear(self) -> None:
        self._clear_view()
        self.threads.mark_current("")
        self.clear_requested.emit()
        self.input.setFocus()

    def _on_thread_deleted(self, thread_id: str) -> None:
        if thread_id == self.thread_id or not self.thread_id:
            self._on_clear()

    def _add(self, role: str, text: str) -> MessageBubble:
        self.empty.hide()
        bubble = MessageBubble(role, text)
        self.list_layout.insertWidget(self.list_layout.count() - 1, bubble)
        self.bubbles.append(bubble)
        QTimer.singleShot(0, self._scroll_down)
        return bubble

    def _scroll_down(self) -> None:
        bar = self.scroll.verticalScrollBar()
        bar.setValue(bar.maximum())

    # -- results ------------------------------------------------------------------------------
    @Slot(object)
    def on_overview(self, overview: MemoryOverview) -> None:
        """Say what to do next when the memory is empty."""
        self.empty.setText(EMPTY_MEMORY_HINT if overview.empty else ASK_HINT)

    @Slot(str)
    def on_token(self, token: str) -> None:
        if self._streaming is not None:
            self._streaming.append(token)
            self._scroll_down()

    @Slot(object)
    def on_reply(self, reply: ChatReply) -> None:
        bubble = self._streaming or self._add("assistant", "")
        self._streaming = None
        self._show_answer(bubble, reply.text, reply.citations, reply.mode)
        self.threads.mark_current(reply.thread_id)
        self.send_button.setEnabled(True)
        self._scroll_down()

    def _show_answer(self, bubble: MessageBubble, text: str, citations: list[Citation], mode: str) -> None:
        bubble.set_working(False)
        bubble.label.setText(text)
        for citation in citations:
            bubble.chips.addWidget(self._chip(bubble, citation))
        if citations:
            graph = LinkButton("Show in graph")
            ids = [c.id for c in citations]
            graph.clicked.connect(lambda: self.graph_requested.emit(ids))
            bubble.chips.addWidget(graph)
        if mode == "offline":
            bubble.setToolTip("Answered offline: these are the memories found, without a language model.")

    @Slot(object)
    def on_thread(self, thread: ChatThreadView) -> None:
        """Show a reopened conversation, its answers with their chips."""
        self._clear_view()
        for message in thread.messages:
            bubble = self._add(message.role, message.text)
            if message.role == "assistant":
                self._show_answer(bubble, message.text, message.citations, "")
        self.threads.mark_current(thread.id)

    def _chip(self, bubble: MessageBubble, citation: Citation) -> QPushButton:
        kind = TYPE_NAMES.get(citation.type, citation.type)
        chip = Chip(f"[{citation.n}] {citation.label or kind}")
        chip.setToolTip(f"{kind}: {citation.text}")
        chip.clicked.connect(lambda: self.citation_clicked.emit(citation.type, citation.id))
        bubble.chip_buttons.append(chip)
        return chip

    @Slot(str)
    def on_failed(self, message: str) -> None:
        bubble = self._streaming or self._add("assistant", "")
        self._streaming = None
        bubble.set_failed(f"Could not answer: {message}")
        self.send_button.setEnabled(True)
