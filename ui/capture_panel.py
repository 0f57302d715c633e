"""Capture controls: state, pause/resume and timed pauses, frames kept/dropped, backlogs, tokens, disk."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.theme import named
from ui.viewmodels import CaptureState

STATE_TEXT = {
    "running": "Capturing",
    "paused": "Paused",
    "excluded": "Capturing, but not this window: the app itself, an excluded app or a private window has the focus",
    "idle": "Not capturing: you are away or the screen is locked",
    "stopped": "Stopped",
    "off": "Off",
    "locked": "Locked: capture is paused until you unlock (frames cannot be encrypted without the key)",
}
FORGET_CHOICES = ((5, "5 min"), (15, "15 min"), (60, "1 hour"), (0, "Today"))


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


class CapturePanel(QWidget):
    """The capture status panel; its buttons ask to pause (for minutes, 0 = until resumed) or resume."""

    pause_requested = Signal(int)
    resume_requested = Signal()
    start_requested = Signal()  # capture was never agreed to: start it now
    forget_recent_requested = Signal(int)  # minutes; 0 = today

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state: CaptureState | None = None
        self.state_label = QLabel("Waiting for the memory to unlock…")
        named(self.state_label, "captureState")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setToolTip("Pause or resume capture (Ctrl+Alt+P)")
        self.shortcut_hint = QLabel("Ctrl+Alt+P pauses or resumes capture.")
        named(self.shortcut_hint, "hint")
        self.shortcut_hint.setWordWrap(True)
        self.tray_notice = QLabel()
        named(self.tray_notice, "hint")
        self.tray_notice.setWordWrap(True)
        self.tray_notice.hide()
        self.forget_buttons = [QPushButton(words) for _, words in FORGET_CHOICES]
        self.pause15 = QPushButton("Pause 15 min")
        self.pause60 = QPushButton("Pause 1 hour")
        self.values = {
            name: QLabel("–")
            for name in ("kept", "dropped", "ocr_backlog", "memorize_backlog", "tokens", "disk", "message")
        }
        self.values["message"].setWordWrap(True)
        self._layout()
        self.pause_button.clicked.connect(self._on_toggle)
        self.pause15.clicked.connect(lambda: self.pause_requested.emit(15))
        self.pause60.clicked.connect(lambda: self.pause_requested.emit(60))
        for (minutes, _), button in zip(FORGET_CHOICES, self.forget_buttons, strict=True):
            button.clicked.connect(lambda _=False, m=minutes: self.forget_recent_requested.emit(m))

    def set_shortcut_note(self, global_shortcut: bool, reason: str = "") -> None:
        """Say where the pause shortcut works (from anywhere, or only while the window has the focus, and why)."""
        if global_shortcut:
            self.shortcut_hint.setText("Ctrl+Alt+P pauses or resumes capture from anywhere.")
        else:
            self.shortcut_hint.setText(
                f"Ctrl+Alt+P pauses or resumes capture while this window has the focus ({reason})."
            )

    def set_tray_notice(self, text: str) -> None:
        """Without a system tray: say that the window is the only place that shows the capture state."""
        self.tray_notice.setText(text)
        self.tray_notice.setVisible(bool(text))

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.pause_button, self.pause15, self.pause60):
            buttons.addWidget(button)
        buttons.addStretch(1)
        forget = QHBoxLayout()
        forget.addWidget(QLabel("Forget the last:"))
        for button in self.forget_buttons:
            forget.addWidget(button)
        forget.addStretch(1)
        box = QGroupBox("Status")
        form = QFormLayout(box)
        labels = {
            "kept": "Frames kept",
            "dropped": "Frames dropped",
            "ocr_backlog": "Waiting for OCR",
            "memorize_backlog": "Waiting to be memorized",
            "tokens": "LLM tokens this hour",
            "disk": "Disk used",
            "message": "Last problem",
        }
        for name, label in labels.items():
            form.addRow(label, self.values[name])
        layout = QVBoxLayout(self)
        layout.addWidget(self.state_label)
        layout.addWidget(self.tray_notice)
        layout.addLayout(buttons)
        layout.addWidget(self.shortcut_hint)
        layout.addLayout(forget)
        layout.addWidget(box)
        layout.addStretch(1)

    def _on_toggle(self) -> None:
        if self.state is not None and self.state.state == "off" and self.state.can_start:
            self.start_requested.emit()
        elif self.state is not None and self.state.state == "paused":
            self.resume_requested.emit()
        else:
            self.pause_requested.emit(0)

    @Slot(object)
    def on_status(self, state: CaptureState) -> None:
        self.state = state
        text = STATE_TEXT.get(state.state, state.state)
        if state.state == "paused" and state.paused_until:
            text += f" until {state.paused_until}"
        self.state_label.setText(text)
        startable = state.state == "off" and state.can_start
        self.pause_button.setText("Start capturing" if startable else "Resume" if state.state == "paused" else "Pause")
        self.pause_button.setEnabled(startable or state.state != "off")
        self.values["kept"].setText(f"{state.kept:,}")
        self.values["dropped"].setText(f"{state.dropped:,}" + (f" ({state.dropped_detail})" if state.dropped else ""))
        self.values["ocr_backlog"].setText(str(state.ocr_backlog))
        self.values["memorize_backlog"].setText(f"{state.memorize_backlog:,} observation(s)")
        self.values["tokens"].setText(f"{state.tokens_this_hour:,} of {state.token_budget:,}")
        self.values["disk"].setText(human_bytes(state.disk_bytes))
        self.values["message"].setText(state.message or "none")
