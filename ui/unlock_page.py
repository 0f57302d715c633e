"""First run and unlock: what is stored where, then the keyring or a passphrase (confirmed, with zxcvbn's estimate)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui.passphrase_strength import estimate
from ui.theme import named
from ui.viewmodels import SetupInfo

MIN_LENGTH = 8
TEXT_WIDTH = 600
LOST_WARNING = (
    "<p><b>If you forget this passphrase, your memory is lost.</b> It is the only key: nobody can reset "
    "or recover it, not even with access to this computer. Write it down and keep it somewhere safe.</p>"
)


class UnlockPage(QWidget):
    """Explains what is stored, then creates or unlocks the key; a wrong passphrase allows a retry."""

    unlock_requested = Signal(str)
    passphrase_shown = Signal(bool)  # a passphrase field is on screen: capture must not record it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockPage")
        self.info: SetupInfo | None = None
        self.title = QLabel("Opening mirix-app…")
        named(self.title, "pageTitle")
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
        self.strength.setWordWrap(True)
        named(self.strength, "hint")
        self.show_text = QCheckBox("Show passphrase")
        self.show_text.toggled.connect(self._on_show_text)
        self.status = QLabel()
        named(self.status, "unlockStatus")
        self.status.setWordWrap(True)
        self.button = QPushButton("Unlock")
        self.button.setDefault(True)
        self._layout()
        self.passphrase.textChanged.connect(self._on_typed)
        self.confirm.textChanged.connect(self._on_typed)
        self.passphrase.returnPressed.connect(self._on_submit)
        self.confirm.returnPressed.connect(self._on_submit)
        self.button.clicked.connect(self._on_submit)
        for widget in (
            self.passphrase, self.passphrase_label, self.confirm, self.confirm_label, self.button, self.show_text,
        ):  # fmt: skip
            widget.hide()
        self._field_shown = False

    def _layout(self) -> None:
        box = QWidget()
        box.setFixedWidth(TEXT_WIDTH + 20)
        form = QFormLayout()
        self.passphrase_label = QLabel("Passphrase")
        self.confirm_label = QLabel("Confirm")
        form.addRow(self.passphrase_label, self.passphrase)
        form.addRow(self.confirm_label, self.confirm)
        form.addRow("", self.show_text)
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
        self.show_text.setChecked(False)
        for widget in (self.passphrase, self.passphrase_label, self.show_text):
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
                "Choose a long one, such as four or five unrelated words.</p>" + LOST_WARNING
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
        self._report_field()
        self._fit()

    @Slot(str)
    def on_locked(self, reason: str) -> None:
        """The app locked itself: the key left memory; unlocking needs the passphrase (or the keyring) again."""
        if self.info is None:
            return
        self.info = SetupInfo(self.info.data_dir, False, self.info.method, self.info.keyring_available)
        needs_passphrase = self.info.method == "passphrase"
        self.passphrase.clear()
        self.confirm.clear()
        self.show_text.setChecked(False)
        for widget in (self.confirm, self.confirm_label, self.strength):
            widget.hide()
        for widget in (self.passphrase, self.passphrase_label, self.show_text):
            widget.setVisible(needs_passphrase)
        self.title.setText("Locked")
        how = (
            "Enter your passphrase to unlock."
            if needs_passphrase
            else "Unlock reads the key from your OS keyring again."
        )
        self.explain.setText(
            f"<p>mirix-app locked itself {reason}. The encryption key has left memory, so nothing can be read or "
            f"written, and screen capture is paused until you unlock.</p><p>{how}</p>"
        )
        self.status.setText("")
        self.button.setText("Unlock")
        self.button.show()
        self.button.setEnabled(not needs_passphrase)
        if needs_passphrase:
            self.passphrase.setFocus()
        self._report_field()
        self._fit()

    def _fit(self) -> None:
        """A word-wrapped label in a fixed-width box reports its height only for that width: give it all of it."""
        for label in (self.explain, self.strength, self.status):
            label.setMinimumHeight(label.heightForWidth(TEXT_WIDTH) if label.text() else 0)

    def _on_show_text(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.passphrase.setEchoMode(mode)
        self.confirm.setEchoMode(mode)

    def _report_field(self) -> None:
        """Tell capture whether a passphrase field is on screen (shown or not, it is never recorded)."""
        shown = self.isVisible() and not self.passphrase.isHidden()
        if shown != self._field_shown:
            self._field_shown = shown
            self.passphrase_shown.emit(shown)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._report_field()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        super().hideEvent(event)
        self._report_field()

    def _on_typed(self) -> None:
        text = self.passphrase.text()
        if self.creating_passphrase:
            strength = estimate(text) if text else None
            self.strength.setText(strength.describe() if strength else "")
            self.strength.setMinimumHeight(self.strength.heightForWidth(TEXT_WIDTH - 100) if strength else 0)
            same = text == self.confirm.text()
            strong_enough = strength is not None and strength.acceptable and len(text) >= MIN_LENGTH
            self.button.setEnabled(bool(text) and same and strong_enough)
            if text and len(text) < MIN_LENGTH:
                self.status.setText(f"Use at least {MIN_LENGTH} characters.")
            elif strength is not None and not strength.acceptable:
                self.status.setText("Too easy to guess: this passphrase is the only lock on your memory.")
            elif text and self.confirm.text() and not same:
                self.status.setText("The two passphrases differ.")
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
