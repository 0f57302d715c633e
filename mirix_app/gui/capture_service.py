"""The capture area: the capture loop's start (only once the user agreed) and stop, pause, forget, the status."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mirix_app.gui.session import Session
from mirix_app.settings import Settings, save_settings
from stores.forget_report import ForgetReport
from stores.memory_store import MemoryStore
from ui.viewmodels import CaptureState

log = logging.getLogger(__name__)

DISK_EVERY_S = 30.0


@dataclass
class CaptureService:
    """The screen capture loop (OCR on its own thread, writes as engine jobs) and its status."""

    session: Session
    loop: Any = None
    paused_until: float | None = None
    disk_cache: int = 0
    disk_at: float = -1e9

    @property
    def agreed(self) -> bool | None:
        """Whether the user agreed to capture (None: not asked yet; nothing is captured until they agree)."""
        return self.session.settings.capture.enabled

    def start(self) -> None:
        """Start the capture loop, only when the user agreed to it; it never records the app (the session's guard)."""
        make = self.session.factories.capture_loop
        if make is None or self.loop is not None or self.agreed is not True:
            return
        self.loop = make(self.session.open_store(), self.session.settings, self.session.submit)
        if self.loop is not None:
            self.loop.guard = self.session.guard
            self.loop.start()

    def choose(self, capture: bool) -> CaptureState:
        """The user's answer (first run, or "Start capturing" later): saved, and capture starts when it is yes."""
        self.session.settings.capture.enabled = capture
        save_settings(self.session.data_dir, self.session.settings)
        if capture:
            self.start()
        return self.status()

    def forget(self, since: str, until: str, dry_run: bool) -> ForgetReport:
        """Count, or delete, what was stored in the range; frames of the range still in OCR are dropped too."""
        report = self.session.open_store().forget_range(since, until, dry_run=dry_run)
        if not dry_run and self.loop is not None:
            self.loop.pipeline.forgotten(report.since, report.until)
        if not dry_run:
            self.disk_at = -1e9
        return report

    def stop_intake(self) -> None:
        """Any thread: stop grabbing and drop the frames waiting for OCR (none of them is stored yet)."""
        loop = self.loop
        if loop is not None:
            loop.stop_intake()

    def stop(self, timeout: float) -> None:
        """Stop without waiting on the backlog: a frame still in OCR is dropped when its write finds no engine."""
        if self.loop is not None:
            self.loop.stop(timeout=timeout, final_sync=False, drain=False)
            self.loop = None

    def pause(self, minutes: int = 0) -> CaptureState:
        self.paused_until = time.time() + minutes * 60 if minutes > 0 else None
        if self.loop is not None:
            self.loop.pause()
        return self.status()

    def toggle_pause(self) -> CaptureState:
        paused = self.loop.paused if self.loop is not None else self.paused_until is not None
        return self.resume() if paused else self.pause()

    def resume(self) -> CaptureState:
        self.paused_until = None
        if self.loop is not None:
            self.loop.resume()
        return self.status()

    def status(self) -> CaptureState:
        if self.paused_until is not None and time.time() >= self.paused_until:
            self.resume()
        store = self.session.open_store()
        counts = store.observations.counts()
        tokens = store.usage_ledger().used_since(time.time() - 3600)
        until = datetime.fromtimestamp(self.paused_until).strftime("%H:%M") if self.paused_until else ""
        base: dict[str, Any] = dict(
            memorize_backlog=counts["pending"],
            tokens_this_hour=tokens,
            token_budget=self.session.settings.llm.tokens_per_hour,
            disk_bytes=self._disk_bytes(store),
            paused_until=until,
        )
        if self.loop is None and self.agreed is not True:
            startable = self.session.factories.capture_loop is not None
            note = "Capture is off until you start it." if startable else "No screen to watch."
            return CaptureState("off", message=note, can_start=startable, **base)
        if self.loop is None:
            return CaptureState("off", message="Capture is not running (no screen to watch).", **base)
        snap = self.loop.status.snapshot()
        dropped = sum(snap.dropped.values())
        detail = ", ".join(f"{k} {v}" for k, v in snap.dropped.items())
        state = "paused" if self.loop.paused else snap.state
        return CaptureState(state, snap.kept, dropped, detail, snap.ocr_backlog, message=snap.last_error, **base)

    def _disk_bytes(self, store: MemoryStore) -> int:
        """Bytes under the data dir, re-counted at most every 30 s (the frames folder can be large)."""
        now = time.monotonic()
        if store.data_dir is not None and now - self.disk_at > DISK_EVERY_S:
            self.disk_cache = sum(p.stat().st_size for p in store.data_dir.rglob("*") if p.is_file())
            self.disk_at = now
        return self.disk_cache

    def apply(self, s: Settings) -> None:
        """Change a running capture loop in place: interval, dedupe, exclusions, idle timeout, frame budget."""
        if self.loop is None:
            return
        from mirix_app.capture.dedupe import Deduper
        from mirix_app.capture.exclusions import ExclusionRules

        cap, loop = s.capture, self.loop
        loop.interval_s = cap.interval_s
        loop.idle_timeout_s = cap.idle_timeout_s
        pipeline = loop.pipeline
        pipeline.rules = ExclusionRules(cap.excluded_apps, cap.excluded_title_patterns, cap.exclude_private_browsing)
        pipeline.deduper = Deduper(cap.dedupe_threshold)
        pipeline.frames.budget_bytes = cap.frame_budget_bytes
        pipeline.status.budget_bytes = cap.frame_budget_bytes
