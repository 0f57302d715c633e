"""The chat screen: messages with streamed answers and citation chips, a screen toggle, clear conversation."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.flow_layout import FlowLayout
from ui.viewmodels import TYPE_NAMES, ChatReply, Citation


class MessageBubble(QFrame):
    """One message: its text and, for answers, a row of citation chips."""

    def __init__(self, role: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userBubble" if role == "user" else "answerBubble")
        self.role = role
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chips = FlowLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addLayout(self.chips)
        self.chip_buttons: list[QPushButton] = []

    def append(self, token: str) -> None:
        self.label.setText(self.label.text() + token)


class ChatPanel(QWidget):
    """Ask questions of the memory; answers stream in and cite memories as clickable chips."""

    send_requested = Signal(str, int)  # question, minutes of screen to include (0 = none)
    clear_requested = Signal()
    citation_clicked = Signal(str, str)  # type, id
    graph_requested = Signal(object)  # memory ids behind an answer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bubbles: list[MessageBubble] = []
        self._streaming: MessageBubble | None = None
        self.list_widget = QWidget()
        self.list_layout = QVBoxLayout(self.list_widget)
        self.list_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.list_widget)
        self.empty = QLabel("Ask anything about what you have seen or said — answers cite the memories they use.")
        self.empty.setObjectName("hint")
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
        self.clear_button = QPushButton("Clear conversation")
        self.clear_button.setToolTip("Start a new conversation; your memories are kept.")
        self._layout()
        self.input.returnPressed.connect(self._on_send)
        self.send_button.clicked.connect(self._on_send)
        self.clear_button.clicked.connect(self._on_clear)

    def _layout(self) -> None:
        options = QHBoxLayout()
        options.addWidget(self.include_screen)
        options.addWidget(self.minutes)
        options.addStretch(1)
        options.addWidget(self.clear_button)
        entry = QHBoxLayout()
        entry.addWidget(self.input, 1)
        entry.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(options)
        layout.addLayout(entry)

    # -- user actions -------------------------------------------------------------------------
    def _on_send(self) -> None:
        question = self.input.text().strip()
        if not question or self._streaming is not None:
            return
        self.input.clear()
        self._add("user", question)
        self._streaming = self._add("assistant", "")
        self._streaming.label.setText("")
        self.send_button.setEnabled(False)
        minutes = self.minutes.value() if self.include_screen.isChecked() else 0
        self.send_requested.emit(question, minutes)

    def _on_clear(self) -> None:
        for bubble in self.bubbles:
            bubble.setParent(None)
            bubble.deleteLater()
        self.bubbles.clear()
        self._streaming = None
        self.send_button.setEnabled(True)
        self.empty.show()
        self.clear_requested.emit()

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
    @Slot(str)
    def on_token(self, token: str) -> None:
        if self._streaming is not None:
            self._streaming.append(token)
            self._scroll_down()

    @Slot(object)
    def on_reply(self, reply: ChatReply) -> None:
        bubble = self._streaming or self._add("assistant", "")
        self._streaming = None
        bubble.label.setText(reply.text)
        for citation in reply.citations:
            bubble.chips.addWidget(self._chip(bubble, citation))
        if reply.citations:
            graph = QPushButton("Show in graph")
            graph.setObjectName("linkButton")
            ids = [c.id for c in reply.citations]
            graph.clicked.connect(lambda: self.graph_requested.emit(ids))
            bubble.chips.addWidget(graph)
        if reply.mode == "offline":
            bubble.setToolTip("Answered offline: these are the memories found, without a language model.")
        self.send_button.setEnabled(True)
        self._scroll_down()

    def _chip(self, bubble: MessageBubble, citation: Citation) -> QPushButton:
        label = f"[{citation.n}] {TYPE_NAMES.get(citation.type, citation.type)}"
        chip = QPushButton(label)
        chip.setObjectName("citationChip")
        chip.setToolTip(citation.text)
        chip.setCursor(Qt.CursorShape.PointingHandCursor)
        chip.clicked.connect(lambda: self.citation_clicked.emit(citation.type, citation.id))
        bubble.chip_buttons.append(chip)
        return chip

    @Slot(str)
    def on_failed(self, message: str) -> None:
        bubble = self._streaming or self._add("assistant", "")
        self._streaming = None
        bubble.label.setText(f"Could not answer: {message}")
        bubble.setObjectName("errorBubble")
        self.send_button.setEnabled(True)
