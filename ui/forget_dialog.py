"""Forget a time range: says what the range holds (a dry run) and deletes it only when the user confirms."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.theme import named
from ui.viewmodels import ForgetPlan


def recent_range(minutes: int, now: datetime | None = None) -> tuple[str, str, str]:
    """(since, until, label) for "the last N minutes", or for today when ``minutes`` is 0 (local time)."""
    end = (now or datetime.now()).astimezone()
    if minutes > 0:
        start = end - timedelta(minutes=minutes)
        label = (
            f"the last {minutes} minutes"
            if minutes < 60
            else "the last hour"
            if minutes == 60
            else f"the last {minutes // 60} hours"
        )
    else:
        start = end.replace(hour=0, minute=0, second=0, microsecond=0)
        label = f"today (since 00:00, {end:%a %d %b})"
    return start.isoformat(), end.isoformat(), label


def range_label(since: datetime, until: datetime) -> str:
    """'10:05–10:30 on Tue 05 Mar' (local time)."""
    if since.date() == until.date():
        return f"{since:%H:%M}–{until:%H:%M} on {since:%a %d %b}"
    return f"{since:%a %d %b %H:%M} – {until:%a %d %b %H:%M}"


class ForgetDialog(QDialog):
    """Asks the owner what a range holds, shows it, and sends the deletion only after "Forget"."""

    preview_requested = Signal(str, str)  # since, until
    forget_confirmed = Signal(str, str)

    def __init__(self, since: str, until: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.since, self.until, self.label = since, until, label
        self.setWindowTitle("Forget a time range")
        self.setObjectName("forgetDialog")
        self.setMinimumWidth(560)
        self.title = QLabel(f"Forget everything from {label}?")
        named(self.title, "detailTitle")
        self.title.setWordWrap(True)
        self.details = QLabel("Counting what this range holds…")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.note = QLabel(
            "Screen frames, their text and image vectors, messages and the memories made only from them are "
            "deleted for good. A memory that also came from outside the range stays and loses only this range's "
            "sources (its history keeps the change). Nothing outside the range changes."
        )
        named(self.note, "hint")
        self.note.setWordWrap(True)
        self.forget_button = QPushButton("Forget")
        named(self.forget_button, "dangerButton")
        self.forget_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.forget_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self.cancel_button.clicked.connect(self.reject)
        self.forget_button.clicked.connect(self._on_forget)

    def ask(self) -> None:
        """Show the dialog and ask for the dry run."""
        self.resize(self.minimumWidth(), self.height())
        self._fit()
        self.show()
        self.raise_()
        self.preview_requested.emit(self.since, self.until)

    @Slot(object)
    def on_plan(self, plan: ForgetPlan) -> None:
        if (plan.since, plan.until) != (self.since, self.until):
            return
        if plan.empty:
            self.details.setText("Nothing is stored in this range.")
            self.forget_button.setEnabled(False)
            self.cancel_button.setText("Close")
            return
        items = "".join(f"<li>{line}</li>" for line in plan.lines)
        self.details.setText(f"This deletes:<ul>{items}</ul>")
        self.forget_button.setEnabled(True)
        self._fit()

    def _fit(self) -> None:
        """Grow to show every line (a word-wrapped label reports its height only for a given width)."""
        width = self.width() - 24
        for label in (self.title, self.details, self.note):
            label.setMinimumHeight(label.heightForWidth(width))
        self.adjustSize()

    @Slot(object)
    def on_forgotten(self, plan: ForgetPlan) -> None:
        if (plan.since, plan.until) == (self.since, self.until):
            self.accept()

    @Slot(str)
    def on_failed(self, message: str) -> None:
        self.details.setText(f"Could not forget: {message}")
        self.forget_button.setEnabled(True)

    def _on_forget(self) -> None:
        self.forget_button.setEnabled(False)
        self.details.setText(self.details.text() + "<p>Forgetting…</p>")
        self.forget_confirmed.emit(self.since, self.until)


class ForgetFlow(QObject):
    """Opens one forget dialog at a time and relays its requests and the owner's answers (wired in one place)."""

    preview_requested = Signal(str, str)
    forget_confirmed = Signal(str, str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.dialog: ForgetDialog | None = None

    @Slot(str, str, str)
    def ask(self, since: str, until: str, label: str) -> ForgetDialog:
        """Show the dialog for a range (from the timeline, the tray or the Capture tab) and ask what it holds."""
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = ForgetDialog(since, until, label, self.parent_widget)
        self.dialog.preview_requested.connect(self.preview_requested)
        self.dialog.forget_confirmed.connect(self.forget_confirmed)
        self.dialog.ask()
        return self.dialog

    @Slot(int)
    def ask_recent(self, minutes: int) -> ForgetDialog:
        """ "Forget the last N minutes" (0: today), from the tray or the Capture tab."""
        return self.ask(*recent_range(minutes))

    @Slot(object)
    def on_plan(self, plan: ForgetPlan) -> None:
        if self.dialog is not None:
            self.dialog.on_plan(plan)

    @Slot(object)
    def on_forgotten(self, plan: ForgetPlan) -> None:
        if self.dialog is not None:
            self.dialog.on_forgotten(plan)

    @Slot(str)
    def on_failed(self, message: str) -> None:
        if self.dialog is not None:
            self.dialog.on_failed(message)
