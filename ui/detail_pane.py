"""The detail pane of the memory browser: fields to edit, delete with confirmation, history, sources, vault reveal."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QHideEvent, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.theme import named
from ui.viewmodels import TYPE_LABELS, FieldValue, HistoryEntry, MemoryDetail, SourceItem

MASK = "••••••••"
FRAME_WIDTH = 460
REVEAL_SECONDS = 30  # a revealed vault value is masked again after this long


class DetailPane(QWidget):
    """Shows one memory; its signals ask for saving, deleting, history, sources, a frame or a vault value."""

    save_requested = Signal(str, str, object)  # type, id, {field: text} of edited fields
    delete_requested = Signal(str, str)
    history_requested = Signal(str, str)
    sources_requested = Signal(str, str)
    reveal_requested = Signal(str, str)  # memory id, the passphrase typed again ("" where the keyring re-checks)
    frame_requested = Signal(str)  # observation id
    secret_shown = Signal(str, bool)  # "vault value" / "passphrase field" appears or goes: capture must not record it

    def __init__(self, parent: QWidget | None = None, rehide_timer: QTimer | None = None) -> None:
        super().__init__(parent)
        self.detail: MemoryDetail | None = None
        self.reauth_with_passphrase = True  # False where the key is in the OS keyring (it re-checks instead)
        self.rehide_timer = rehide_timer or QTimer(self)
        self.rehide_timer.setSingleShot(True)
        self.rehide_timer.setInterval(REVEAL_SECONDS * 1000)
        self.rehide_timer.timeout.connect(self._mask)
        self.editors: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.original: dict[str, str] = {}
        self.revealed_id = ""
        self.wanted_frame = ""
        self.title = QLabel("Select a memory to see it here.")
        named(self.title, "detailTitle")
        self.title.setWordWrap(True)
        self.meta = QLabel()
        named(self.meta, "hint")
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.save_button = QPushButton("Save changes")
        self.delete_button = QPushButton("Delete…")
        self.history_button = QPushButton("History")
        self.why_button = QPushButton("Why do you believe this?")
        self.reveal_button = QPushButton("Reveal value")
        self.confirm_bar = self._confirm_bar()
        self.reauth_bar = self._reauth_bar()
        self.history_list = QListWidget()
        self.sources_list = QListWidget()
        self.sources_list.setWordWrap(True)
        self.sources_list.setMaximumHeight(150)
        self.history_list.setWordWrap(True)
        self.history_list.setMaximumHeight(180)
        self.frame = QLabel()
        self.frame.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.section = QLabel()
        named(self.section, "sectionTitle")
        self._layout()
        self.save_button.clicked.connect(self._on_save)
        self.delete_button.clicked.connect(self.confirm_bar.show)
        self.history_button.clicked.connect(self._on_history)
        self.why_button.clicked.connect(self._on_why)
        self.reveal_button.clicked.connect(self._on_reveal)
        self.sources_list.itemClicked.connect(self._on_source_clicked)
        self.show_detail(None)

    def _confirm_bar(self) -> QFrame:
        bar = QFrame()
        named(bar, "confirmBar")
        self.confirm_label = QLabel("Delete this memory? It disappears from search and chat; its history is kept.")
        self.confirm_label.setWordWrap(True)
        self.confirm_delete = QPushButton("Delete")
        named(self.confirm_delete, "dangerButton")
        self.cancel_delete = QPushButton("Cancel")
        row = QHBoxLayout(bar)
        row.addWidget(self.confirm_label, 1)
        row.addWidget(self.cancel_delete)
        row.addWidget(self.confirm_delete)
        self.confirm_delete.clicked.connect(self._on_confirm_delete)
        self.cancel_delete.clicked.connect(bar.hide)
        bar.hide()
        return bar

    def _reauth_bar(self) -> QFrame:
        bar = QFrame()
        named(bar, "confirmBar")
        self.reauth_label = QLabel("Type your passphrase again to reveal this value (shown for 30 seconds).")
        self.reauth_label.setWordWrap(True)
        self.reauth_input = QLineEdit()
        self.reauth_input.setEchoMode(QLineEdit.EchoMode.Password)
        self.reauth_input.setPlaceholderText("passphrase")
        self.reauth_go = QPushButton("Reveal")
        self.reauth_cancel = QPushButton("Cancel")
        self.reauth_error = QLabel()
        named(self.reauth_error, "unlockStatus")
        self.reauth_error.hide()
        column = QVBoxLayout(bar)
        column.addWidget(self.reauth_label)
        row = QHBoxLayout()
        row.addWidget(self.reauth_input, 1)
        row.addWidget(self.reauth_cancel)
        row.addWidget(self.reauth_go)
        column.addLayout(row)
        column.addWidget(self.reauth_error)
        self.reauth_go.clicked.connect(self._on_reauth)
        self.reauth_input.returnPressed.connect(self._on_reauth)
        self.reauth_cancel.clicked.connect(self._close_reauth)
        bar.hide()
        return bar

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.save_button, self.reveal_button, self.history_button, self.why_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addWidget(self.form_host)
        layout.addLayout(buttons)
        layout.addWidget(self.confirm_bar)
        layout.addWidget(self.reauth_bar)
        layout.addWidget(self.section)
        layout.addWidget(self.history_list)
        layout.addWidget(self.sources_list)
        layout.addWidget(self.frame)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # -- showing ------------------------------------------------------------------------------
    @Slot(object)
    def show_detail(self, detail: MemoryDetail | None) -> None:
        same = detail is not None and self.detail is not None and detail.id == self.detail.id
        self._mask()
        self._close_reauth()
        self.detail = detail
        self._clear_form()
        self.confirm_bar.hide()
        if not same:
            for widget in (self.history_list, self.sources_list, self.frame, self.section):
                widget.hide()
        editable = detail is not None and detail.type != "observation"
        for button in (self.save_button, self.delete_button, self.history_button):
            button.setVisible(editable)
        self.why_button.setVisible(detail is not None)
        self.why_button.setText("Why do you believe this?" if editable else "Show the source")
        self.reveal_button.setVisible(detail is not None and any(f.secret for f in detail.fields))
        self.reveal_button.setText("Reveal value")
        if detail is None:
            self.title.setText("Select a memory to see it here.")
            self.meta.setText("")
            return
        self.title.setText(detail.title)
        kind = TYPE_LABELS.get(detail.type, detail.type)
        version = f" · version {detail.version}" if detail.version else ""
        sources = f" · {detail.source_count} source(s)" if detail.type != "observation" else ""
        self.meta.setText(f"{kind}{version}{sources} · id {detail.id[:12]}")
        for value in detail.fields:
            self._add_field(value)
        if detail.has_frame and not same:
            self._want_frame(detail.frame_ref)

    def _clear_form(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors.clear()
        self.original.clear()

    def _add_field(self, value: FieldValue) -> None:
        text = MASK if value.secret else value.value
        if value.multiline:
            editor: QLineEdit | QPlainTextEdit = QPlainTextEdit(text)
            editor.setFixedHeight(90 if len(text) > 80 or "\n" in text else 56)
        else:
            editor = QLineEdit(text)
        editor.setReadOnly(not value.editable)
        editor.setObjectName(f"field_{value.name}")
        if value.secret:
            editor.setReadOnly(True)
            editor.setToolTip("Masked. Press Reveal to show it, or type a new value after revealing.")
        self.editors[value.name] = editor
        self.original[value.name] = text
        self.form.addRow(value.name.replace("_", " "), editor)

    @staticmethod
    def _text(editor: QLineEdit | QPlainTextEdit) -> str:
        return editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()

    def set_field(self, name: str, text: str) -> None:
        editor = self.editors[name]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(text)
        else:
            editor.setText(text)

    # -- actions ------------------------------------------------------------------------------
    def _on_save(self) -> None:
        if self.detail is None:
            return
        edited = {n: self._text(e) for n, e in self.editors.items() if self._text(e) != self.original.get(n)}
        edited = {n: t for n, t in edited.items() if not (n == "secret_value" and t == MASK)}
        if edited:
            self.save_requested.emit(self.detail.type, self.detail.id, edited)

    def _on_confirm_delete(self) -> None:
        self.confirm_bar.hide()
        if self.detail is not None:
            self.delete_requested.emit(self.detail.type, self.detail.id)

    def _on_history(self) -> None:
        if self.detail is not None:
            self.history_requested.emit(self.detail.type, self.detail.id)

    def _on_why(self) -> None:
        if self.detail is not None:
            self.sources_requested.emit(self.detail.type, self.detail.id)

    def _on_reveal(self) -> None:
        if self.detail is None:
            return
        if self.revealed_id == self.detail.id:
            self._mask()
            return
        self.reauth_error.hide()
        if not self.reauth_with_passphrase:
            self.reauth_label.setText("Reveal this value? Your OS keyring is asked for the key again (30 seconds).")
        self.reauth_input.setVisible(self.reauth_with_passphrase)
        self.reauth_bar.show()
        if self.reauth_with_passphrase:
            self.secret_shown.emit("passphrase field", True)
            self.reauth_input.setFocus()

    def _on_reauth(self) -> None:
        if self.detail is None or not self.reauth_bar.isVisible():
            return
        self.reveal_requested.emit(self.detail.id, self.reauth_input.text() if self.reauth_with_passphrase else "")

    def _close_reauth(self) -> None:
        self.reauth_input.clear()
        if self.reauth_bar.isVisible() and self.reauth_with_passphrase:
            self.secret_shown.emit("passphrase field", False)
        self.reauth_bar.hide()

    def _mask(self) -> None:
        """Hide the revealed value again (the button, another memory, leaving the page, or 30 s later)."""
        self.rehide_timer.stop()
        was_revealed = bool(self.revealed_id)
        self.revealed_id = ""
        if "secret_value" in self.editors:
            self.set_field("secret_value", MASK)
            self.editors["secret_value"].setReadOnly(True)
            self.original["secret_value"] = MASK
        self.reveal_button.setText("Reveal value")
        if was_revealed:
            self.secret_shown.emit("vault value", False)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        self._mask()
        self._close_reauth()
        super().hideEvent(event)

    def _on_source_clicked(self, item: QListWidgetItem) -> None:
        source: SourceItem = item.data(Qt.ItemDataRole.UserRole)
        if source is not None and source.has_frame:
            self._want_frame(source.observation_id)

    def _want_frame(self, observation_id: str) -> None:
        self.wanted_frame = observation_id
        self.frame_requested.emit(observation_id)

    # -- results ------------------------------------------------------------------------------
    @Slot(str, str)
    def on_revealed(self, memory_id: str, value: str) -> None:
        if self.detail is None or self.detail.id != memory_id or "secret_value" not in self.editors:
            return
        self._close_reauth()
        self.secret_shown.emit("vault value", True)  # before it is on screen: capture stops first
        self.revealed_id = memory_id
        self.set_field("secret_value", value)
        self.original["secret_value"] = value
        self.editors["secret_value"].setReadOnly(False)
        self.reveal_button.setText("Hide value")
        self.editors["secret_value"].setToolTip(f"Shown for {REVEAL_SECONDS} seconds, then masked again.")
        self.rehide_timer.start()

    @Slot(str, str)
    def on_reveal_refused(self, memory_id: str, message: str) -> None:
        """The passphrase typed again was wrong (or the keyring refused): say so and let the user retry."""
        if self.detail is None or self.detail.id != memory_id:
            return
        self.reauth_error.setText(message)
        self.reauth_error.show()
        self.reauth_input.selectAll()
        self.reauth_input.setFocus()

    @Slot(str, object)
    def on_history(self, memory_id: str, entries: list[HistoryEntry]) -> None:
        if self.detail is None or self.detail.id != memory_id:
            return
        self.sources_list.hide()
        self.history_list.clear()
        current = f"v{self.detail.version} · current · {self.detail.title}"
        self.history_list.addItem(current)
        for entry in entries:
            self.history_list.addItem(f"v{entry.version} · {entry.action}d {entry.changed_at} · {entry.summary}")
        self.section.setText(f"History ({len(entries)} earlier version(s))")
        self.section.show()
        self.history_list.show()

    @Slot(str, object)
    def on_sources(self, memory_id: str, sources: list[SourceItem]) -> None:
        if self.detail is None or self.detail.id != memory_id:
            return
        self.history_list.hide()
        self.sources_list.clear()
        for source in sources:
            where = f"{source.app}: {source.title}" if source.app else source.kind
            kind = "Screen frame" if source.has_frame else "Message"
            item = QListWidgetItem(f"{kind} · {source.time} · {where}\n{source.text}")
            item.setData(Qt.ItemDataRole.UserRole, source)
            item.setToolTip(f"source id {source.source_id}")
            self.sources_list.addItem(item)
        self.section.setText(
            f"Made from {len(sources)} observation(s)" if sources else "No recorded source (typed or imported)."
        )
        self.section.show()
        self.sources_list.setVisible(bool(sources))
        frames = [s for s in sources if s.has_frame]
        if frames:
            self._want_frame(frames[0].observation_id)

    @Slot(str, bytes)
    def on_frame(self, observation_id: str, image: bytes) -> None:
        pixmap = QPixmap()
        if observation_id != self.wanted_frame or not pixmap.loadFromData(image):
            return
        self.frame.setPixmap(pixmap.scaledToWidth(FRAME_WIDTH, Qt.TransformationMode.SmoothTransformation))
        self.frame.setToolTip(f"frame of observation {observation_id}, decrypted in memory")
        self.frame.show()
