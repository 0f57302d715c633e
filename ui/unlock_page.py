"""First run and unlock: what is stored where, then the keyring or a passphrase (confirmed, with a strength hint)."""

from __future__ import annotations

import math
import string

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui.viewmodels import SetupInfo

MIN_LENGTH = 8


def strength_hint(passphrase: str) -> tuple[str, int]:
    """A rough strength label and entropy estimate in bits (length times log2 of the alphabet used)."""
    pools = [string.ascii_lowercase, string.ascii_uppercase, string.digits, string.punctuation + " "]
    alphabet = sum(len(p) for p in pools if any(c in p for c in passphrase)) or 1
    alphabet += 20 if any(ord(c) > 127 for c in passphrase) else 0
    bits = int(len(passphrase) * math.log2(alphabet))
    if len(passphrase) < MIN_LENGTH or bits < 45:
        return "weak", bits
    return ("fair", bits) if bits < 70 else ("strong", bits)


class UnlockPage(QWidget):
    """Explains what is stored, then creates or unlocks the key; a wrong passphrase allows a retry."""

    unlock_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockPage")
        self.info: SetupInfo | None = None
        self.title = QLabel("Opening mirix-app…")
        self.title.setObjectName("pageTitle")
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setTextFormat(Qt.TextFormat.RichText)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("passphrase")
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setPlaceholderText("the same passphrase again")
        self.strength = QLabel()
        self.status = QLabel()
        self.status.setObjectName("unlockStatus")
        self.status.setWordWrap(True)
        self.button = QPushButton("Unlock")
        self.button.setDefault(True)
        self._layout()
        self.passphrase.textChanged.connect(self._on_typed)
        self.confirm.textChanged.connect(self._on_typed)
        self.passphrase.returnPressed.connect(self._on_submit)
        self.confirm.returnPressed.connect(self._on_submit)
        self.button.clicked.connect(self._on_submit)
        for widget in (self.passphrase, self.passphrase_label, self.confirm, self.confirm_label, self.button):
            widget.hide()

    def _layout(self) -> None:
        box = QWidget()
        box.setFixedWidth(620)
        form = QFormLayout()
        self.passphrase_label = QLabel("Passphrase")
        self.confirm_label = QLabel("Confirm")
        form.addRow(self.passphrase_label, self.passphrase)
        form.addRow(self.confirm_label, self.confirm)
        form.addRow("", self.strength)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addWidget(self.explain)
        inner.addSpacing(12)
        inner.addLayout(form)
        inner.addWidget(self.status)
        inner.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignRight)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, alignment=Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    @property
    def creating_passphrase(self) -> bool:
        return self.info is not None and self.info.first_run and self.info.method == "passphrase"

    @Slot(object)
    def on_setup(self, info: SetupInfo) -> None:
        self.info = info
        where = f"<code>{info.data_dir}</code>"
        stored = (
            "mirix-app remembers what you see on screen and what you tell it, as six kinds of memory "
            "(core, episodic, semantic, procedural, resources and a knowledge vault). Everything is kept in an "
            f"encrypted database and encrypted frame files in {where}. Nothing leaves this computer except "
            "the questions you send to a language model you configure yourself."
        )
        needs_passphrase = info.method == "passphrase"
        for widget in (self.passphrase, self.passphrase_label):
            widget.setVisible(needs_passphrase)
        for widget in (self.confirm, self.confirm_label, self.strength):
            widget.setVisible(self.creating_passphrase)
        if info.first_run and info.method == "keyring":
            self.title.setText("Welcome to mirix-app")
            self.explain.setText(stored + "<p>A random encryption key will be created and kept in your OS keyring.</p>")
            self.button.setText("Create my encrypted memory")
            self.button.show()
        elif info.first_run:
            self.title.setText("Welcome to mirix-app")
            self.explain.setText(
                stored + "<p>No OS keyring is available here, so the key is derived from a passphrase. "
                "Choose a long one: without it the memory cannot be decrypted, by anyone.</p>"
            )
            self.button.setText("Create my encrypted memory")
            self.button.show()
        elif needs_passphrase:
            self.title.setText("Unlock your memory")
            self.explain.setText(f"Your memory in {where} is protected by a passphrase.")
            self.button.setText("Unlock")
            self.button.show()
            self.passphrase.setFocus()
        else:
            self.title.setText("Unlocking…")
            self.explain.setText(f"Opening your memory in {where} with the key from your OS keyring.")
            self.button.hide()
            self.unlock_requested.emit("")
        self._on_typed()

    def _on_typed(self) -> None:
        text = self.passphrase.text()
        if self.creating_passphrase:
            label, bits = strength_hint(text)
            self.strength.setText(f"Strength: {label} (about {bits} bits)" if text else "")
            same = text == self.confirm.text()
            self.button.setEnabled(bool(text) and same and len(text) >= MIN_LENGTH)
            if text and self.confirm.text() and not same:
                self.status.setText("The two passphrases differ.")
            elif text and len(text) < MIN_LENGTH:
                self.status.setText(f"Use at least {MIN_LENGTH} characters.")
            else:
                self.status.setText("")
        elif self.info is not None and self.info.method == "passphrase":
            self.button.setEnabled(bool(text))

    def _on_submit(self) -> None:
        if self.info is None or not self.button.isEnabled() or not self.button.isVisible():
            return
        self.status.setText("Unlocking…" if not (self.info and self.info.first_run) else "Creating…")
        self.button.setEnabled(False)
        self.unlock_requested.emit(self.passphrase.text() if self.info and self.info.method == "passphrase" else "")

    @Slot(str, bool)
    def on_failed(self, message: str, retry: bool) -> None:
        self.status.setText(message)
        self.button.show()
        self.button.setEnabled(retry)
        if retry and self.info is not None and self.info.method == "passphrase":
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            self.button.setEnabled(bool(self.passphrase.text()))
