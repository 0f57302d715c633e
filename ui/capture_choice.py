"""The end of first run: a clear choice to start screen capture now or not, with what, where and how to pause."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.theme import named

PAUSE_KEYS = "Ctrl+Alt+P"
TEXT_WIDTH = 640


def choice_text(data_dir: str, interval_s: float = 3.0, global_shortcut: bool = True) -> str:
    """What capture records, where it goes and how to stop it, in plain words (rich text)."""
    anywhere = "from anywhere" if global_shortcut else "while this window has the focus"
    return (
        "<p><b>What is captured.</b> While you use this computer, mirix-app takes a picture of each screen every "
        f"{interval_s:g} seconds, reads its text on this computer and keeps it only when something changed. It never "
        "records its own windows, password managers, private or incognito browser windows, or anything while you "
        "are away or the screen is locked. Text that looks like a password, key or card number is blacked out.</p>"
        f"<p><b>Where it goes.</b> Pictures and text are encrypted in <code>{data_dir}</code> and never leave this "
        "computer. If you configure a language model, it receives the redacted text of what you saw, never the "
        "pictures and never your vault values.</p>"
        f"<p><b>How to pause.</b> Press <b>{PAUSE_KEYS}</b> {anywhere}, use the tray icon or the Capture tab. "
        "The window title and status bar always say whether capture is on. To forget the last minutes, use "
        '"Forget…" in the tray, the Capture tab or the timeline.</p>'
    )


class CaptureChoicePage(QWidget):
    """Asks once, after the memory is created: start capturing now, or not now (the Capture tab can start it later)."""

    chosen = Signal(bool)  # True: start capturing now

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("captureChoicePage")
        self.global_shortcut = True  # set by the wiring: whether the pause shortcut works from anywhere here
        self.title = QLabel("Start capturing your screen?")
        named(self.title, "pageTitle")
        self.explain = QLabel(choice_text("your data folder"))
        self.explain.setWordWrap(True)
        self.explain.setTextFormat(Qt.TextFormat.RichText)
        self.start_button = QPushButton("Start capturing now")
        self.start_button.setDefault(True)
        self.later_button = QPushButton("Not now")
        self.later_hint = QLabel("You can start capture later in the Capture tab. Chat and imports work either way.")
        named(self.later_hint, "hint")
        self.later_hint.setWordWrap(True)
        box = QWidget()
        box.setFixedWidth(TEXT_WIDTH + 20)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addWidget(self.explain)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.later_button)
        buttons.addWidget(self.start_button)
        inner.addLayout(buttons)
        inner.addWidget(self.later_hint)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, alignment=Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.start_button.clicked.connect(lambda: self.chosen.emit(True))
        self.later_button.clicked.connect(lambda: self.chosen.emit(False))
        self._fit()

    def set_context(self, data_dir: str, interval_s: float, global_shortcut: bool) -> None:
        self.explain.setText(choice_text(data_dir, interval_s, global_shortcut))
        self._fit()

    def _fit(self) -> None:
        """A word-wrapped label in a fixed-width box reports its height only for that width: give it all of it."""
        for label in (self.explain, self.later_hint):
            label.setMinimumHeight(label.heightForWidth(TEXT_WIDTH))
