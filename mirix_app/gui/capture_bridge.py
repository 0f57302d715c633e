"""The capture area's bridge: start, pause and resume, forget a range, the status timer and the memorize timer."""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QTimer, Signal, Slot

from mirix_app.gui.capture_service import CaptureService
from mirix_app.gui.jobs import AreaBridge, JobRunner
from mirix_app.gui.memorize_service import MemorizeService
from stores.forget_report import ForgetReport
from ui.viewmodels import ForgetPlan

log = logging.getLogger(__name__)

STATUS_EVERY_MS = 2000
MEMORIZE_EVERY_MS = 15000


class CaptureBridge(AreaBridge):
    """Capture controls and status every 2 s; memorize every 15 s on its own model lane."""

    status_ready = Signal(object)  # CaptureState
    memorized = Signal(str)
    forget_plan_ready = Signal(object)  # ForgetPlan: what a range holds (a dry run)
    forgotten = Signal(object)  # ForgetPlan: a range was forgotten (here or by a CLI client)
    forget_failed = Signal(str)

    def __init__(self, runner: JobRunner, capture: CaptureService, memorize: MemorizeService) -> None:
        super().__init__(runner)
        self.capture = capture
        self.memorize = memorize
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_EVERY_MS)
        self._status_timer.timeout.connect(self.on_status)
        self._memorize_timer = QTimer(self)
        self._memorize_timer.setInterval(MEMORIZE_EVERY_MS)
        self._memorize_timer.timeout.connect(self.on_memorize)

    @Slot()
    def on_start_timers(self) -> None:
        self._status_timer.start()
        self._memorize_timer.start()
        self.on_status()

    def stop(self) -> None:
        self._status_timer.stop()
        self._memorize_timer.stop()

    @Slot(int)
    def on_pause(self, minutes: int) -> None:
        self._run(lambda: self.capture.pause(minutes), self.status_ready.emit)

    @Slot()
    def on_resume(self) -> None:
        self._run(self.capture.resume, self.status_ready.emit)

    @Slot()
    def on_toggle_pause(self) -> None:
        self._run(self.capture.toggle_pause, self.status_ready.emit)

    @Slot(bool)
    def on_choose(self, capture: bool) -> None:
        """The first-run answer, or "Start capturing" in the Capture tab."""
        self._run(lambda: self.capture.choose(capture), self.status_ready.emit)

    @Slot(str, str)
    def on_forget_preview(self, since: str, until: str) -> None:
        def plan(report: ForgetReport) -> None:
            self.forget_plan_ready.emit(ForgetPlan(since, until, "", report.lines(), report.nothing))

        self._run(lambda: self.capture.forget(since, until, dry_run=True), plan, fail=self.forget_failed.emit)

    @Slot(str, str)
    def on_forget(self, since: str, until: str) -> None:
        def done(report: ForgetReport) -> None:
            self.forgotten.emit(ForgetPlan(since, until, "", report.lines(), report.nothing, report.summary()))
            self.on_status()

        self._run(lambda: self.capture.forget(since, until, dry_run=False), done, fail=self.forget_failed.emit)

    def on_forgotten_elsewhere(self, report: ForgetReport) -> None:
        """A CLI client forgot a range through the app (engine thread): the window refreshes what it shows."""
        since, until = (datetime.fromtimestamp(max(0.0, min(t, 4e9))).astimezone().isoformat() for t in report.range)
        self.forgotten.emit(ForgetPlan(since, until, "", report.lines(), report.nothing, report.summary()))

    @Slot()
    def on_status(self) -> None:
        if self.capture.session.store is not None:
            self._run(self.capture.status, self.status_ready.emit, key="status", fail=log.warning)

    @Slot()
    def on_memorize(self) -> None:
        if not self.memorize.ready:
            return

        def done(summary: str) -> None:
            if summary:
                self.memorized.emit(summary)

        self._run(self.memorize.memorize_if_due, done, key="memorize", lane="memorize")
