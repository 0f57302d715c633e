"""The settings screen: capture, exclusions, LLM provider/model/key, token budget, Chroma URL, theme."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.theme import named
from ui.viewmodels import SettingsForm

PROVIDERS = [("", "None (offline answers)"), ("openai", "OpenAI"), ("anthropic", "Anthropic"), ("google", "Google")]
PROVIDERS += [("ollama", "Ollama"), ("openai_compatible", "OpenAI-compatible server")]
MEMORIZE_MODES = [
    ("auto", "Automatic (one call per batch for local models)"),
    ("single_pass", "One call per batch (small or slow models)"),
    ("agents", "A team of memory agents (capable models)"),
]
THEMES = [("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")]


class SettingsPanel(QWidget):
    """Edits a SettingsForm; Apply sends it (the API key only when a new one was typed)."""

    apply_requested = Signal(object)  # SettingsForm
    theme_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form_value = SettingsForm()
        self.interval = QDoubleSpinBox(suffix=" s", minimum=0.5, maximum=600, singleStep=0.5)
        self.dedupe = QDoubleSpinBox(decimals=4, minimum=0.0, maximum=0.5, singleStep=0.001)
        self.idle = QDoubleSpinBox(suffix=" s", minimum=10, maximum=86400, singleStep=30)
        self.budget = QSpinBox(suffix=" MB", minimum=10, maximum=1_000_000, singleStep=256)
        self.apps = QPlainTextEdit()
        self.apps.setPlaceholderText("one app name per line")
        self.titles = QPlainTextEdit()
        self.titles.setPlaceholderText("one regular expression per line, e.g. (?i)bank")
        for box in (self.apps, self.titles):
            box.setFixedHeight(70)
        self.provider = QComboBox()
        for value, label in PROVIDERS:
            self.provider.addItem(label, value)
        self.model = QLineEdit()
        self.base_url = QLineEdit()
        self.base_url.setPlaceholderText("only for Ollama or an OpenAI-compatible server")
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText("stored in the OS keyring; leave empty to keep the current key")
        self.tokens = QSpinBox(minimum=0, maximum=100_000_000, singleStep=10_000, suffix=" tokens/hour")
        self.memorize_mode = QComboBox()
        for value, label in MEMORIZE_MODES:
            self.memorize_mode.addItem(label, value)
        self.chroma = QLineEdit()
        self.chroma.setPlaceholderText("empty = embedded; e.g. http://localhost:8000")
        self.theme = QComboBox()
        for value, label in THEMES:
            self.theme.addItem(label, value)
        self.start_at_login = QCheckBox("Start mirix-app when I log in")
        self.lock_after = QSpinBox(minimum=0, maximum=24 * 60, singleStep=5, suffix=" min without input")
        self.lock_after.setSpecialValueText("never")
        self.lock_with_session = QCheckBox("Lock when the screen locks")
        self.lock_note = QLabel(
            "Locking closes the memory: the key leaves memory, and capture pauses until you unlock "
            "(frames cannot be encrypted without the key)."
        )
        named(self.lock_note, "hint")
        self.lock_note.setWordWrap(True)
        self.apply_button = QPushButton("Apply")
        self.message = QLabel()
        self.message.setObjectName("settingsMessage")
        self._layout()
        self.apply_button.clicked.connect(self._on_apply)

    def _layout(self) -> None:
        capture = QGroupBox("Capture")
        form = QFormLayout(capture)
        form.addRow("Grab the screen every", self.interval)
        form.addRow("Keep a frame when this share changed", self.dedupe)
        form.addRow("Stop after no input for", self.idle)
        form.addRow("Frame storage budget", self.budget)
        form.addRow("Never capture these apps", self.apps)
        form.addRow("…or windows whose title matches", self.titles)
        llm = QGroupBox("Language model")
        form = QFormLayout(llm)
        form.addRow("Provider", self.provider)
        form.addRow("Model", self.model)
        form.addRow("Server URL", self.base_url)
        form.addRow("API key", self.api_key)
        form.addRow("Token budget", self.tokens)
        form.addRow("Memorize with", self.memorize_mode)
        lock = QGroupBox("Lock")
        form = QFormLayout(lock)
        form.addRow("Lock after", self.lock_after)
        form.addRow("", self.lock_with_session)
        form.addRow("", self.lock_note)
        other = QGroupBox("Storage and appearance")
        form = QFormLayout(other)
        form.addRow("Chroma server URL", self.chroma)
        form.addRow("Theme", self.theme)
        form.addRow("", self.start_at_login)
        inner = QWidget()
        column = QVBoxLayout(inner)
        for box in (capture, lock, llm, other):
            column.addWidget(box)
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(self.apply_button)
        column.addLayout(row)
        column.addStretch(1)
        inner.setMaximumWidth(820)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    @Slot(object)
    def on_loaded(self, form: SettingsForm) -> None:
        self.form_value = form
        self.interval.setValue(form.interval_s)
        self.dedupe.setValue(form.dedupe_threshold)
        self.idle.setValue(form.idle_timeout_s)
        self.budget.setValue(form.frame_budget_mb)
        self.apps.setPlainText("\n".join(form.excluded_apps))
        self.titles.setPlainText("\n".join(form.excluded_title_patterns))
        self.provider.setCurrentIndex(max(0, self.provider.findData(form.llm_provider)))
        self.model.setText(form.llm_model)
        self.base_url.setText(form.llm_base_url)
        self.api_key.clear()
        self.tokens.setValue(form.tokens_per_hour)
        self.memorize_mode.setCurrentIndex(max(0, self.memorize_mode.findData(form.memorize_mode)))
        self.chroma.setText(form.chroma_url)
        self.theme.setCurrentIndex(max(0, self.theme.findData(form.theme)))
        self.start_at_login.setChecked(form.start_at_login)
        self.lock_after.setValue(int(form.lock_after_idle_min))
        self.lock_with_session.setChecked(form.lock_with_session)

    def current(self) -> SettingsForm:
        lines = lambda box: [x.strip() for x in box.toPlainText().splitlines() if x.strip()]  # noqa: E731
        return dataclasses.replace(
            self.form_value,
            interval_s=self.interval.value(),
            dedupe_threshold=self.dedupe.value(),
            idle_timeout_s=self.idle.value(),
            frame_budget_mb=self.budget.value(),
            excluded_apps=lines(self.apps),
            excluded_title_patterns=lines(self.titles),
            llm_provider=self.provider.currentData(),
            llm_model=self.model.text().strip(),
            llm_base_url=self.base_url.text().strip(),
            llm_api_key=self.api_key.text(),
            tokens_per_hour=self.tokens.value(),
            memorize_mode=self.memorize_mode.currentData(),
            chroma_url=self.chroma.text().strip(),
            theme=self.theme.currentData(),
            start_at_login=self.start_at_login.isChecked(),
            lock_after_idle_min=float(self.lock_after.value()),
            lock_with_session=self.lock_with_session.isChecked(),
        )

    def _on_apply(self) -> None:
        form = self.current()
        self.message.setText("Applying…")
        self.api_key.clear()
        self.apply_requested.emit(form)
        self.theme_changed.emit(form.theme)

    @Slot(str)
    def on_applied(self, message: str) -> None:
        self.message.setText(message)
