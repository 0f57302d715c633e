"""The capture loop: a ticker thread that grabs and filters, a worker thread that OCRs and stores."""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

from mirix_app.capture.active_window import ActiveWindow
from mirix_app.capture.frame import Frame
from mirix_app.capture.idle import IdleDetector, is_away
from mirix_app.capture.pipeline import CapturePipeline, KeptFrame
from mirix_app.capture.screen_source import ScreenSource
from mirix_app.capture.self_guard import SelfGuard, paint_over
from mirix_app.capture.status import EXCLUDED, IDLE, PAUSED, RUNNING, STOPPED, save_status

log = logging.getLogger(__name__)

STATUS_EVERY_TICKS = 5


class CaptureLoop:
    """Runs the pipeline every ``interval_s`` on its own threads; the caller (GUI or CLI) never waits on it."""

    def __init__(
        self,
        pipeline: CapturePipeline,
        source_factory: Callable[[], ScreenSource],
        active_window: ActiveWindow,
        idle: IdleDetector,
        interval_s: float = 3.0,
        idle_timeout_s: float = 300.0,
        queue_max: int = 4,
        status_dir: Path | None = None,
        clock: Callable[[], float] = time.time,
        guard: SelfGuard | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.status = pipeline.status
        self._source_factory = source_factory
        self._source: ScreenSource | None = None
        self.active_window = active_window
        self.idle = idle
        self.interval_s = float(interval_s)
        self.idle_timeout_s = float(idle_timeout_s)
        self._queue: queue.Queue[KeptFrame | None] = queue.Queue(maxsize=max(1, queue_max))
        self._status_dir = status_dir
        self._clock = clock
        self.guard = guard or SelfGuard()  # always on: the app's own windows and shown secrets are never captured
        self._stop = threading.Event()
        self._paused = threading.Event()
        self._ticker: threading.Thread | None = None
        self._worker: threading.Thread | None = None
        self._monitors = 1
        self._ticks = 0

    # -- control ------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the ticker and worker threads (daemon threads: they never block the app's exit)."""
        if self._ticker is not None:
            return
        self._stop.clear()
        self.status.set_state(PAUSED if self._paused.is_set() else RUNNING)
        self._worker = threading.Thread(target=self._work, name="capture-worker", daemon=True)
        self._ticker = threading.Thread(target=self._tick_forever, name="capture-ticker", daemon=True)
        self._worker.start()
        self._ticker.start()

    def pause(self) -> None:
        self._paused.set()
        self.status.set_state(PAUSED)
        self.save_status()

    def resume(self) -> None:
        self._paused.clear()
        self.status.set_state(RUNNING)
        self.save_status()

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    def stop_intake(self) -> None:
        """Any thread, never blocks: stop grabbing, drop the frames waiting for OCR, drop the one in OCR.

        Nothing dropped here was stored yet, so nothing is lost that was ever reported as kept.
        """
        self._stop.set()
        self.pipeline.stopping.set()
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                self.status.dropped("quit")
        with contextlib.suppress(queue.Full):  # the worker also stops on ``pipeline.stopping``
            self._queue.put_nowait(None)

    def stop(self, timeout: float | None = None, final_sync: bool = True, drain: bool = True) -> None:
        """Stop grabbing; with ``drain`` the worker first stores the frames already queued, else they are dropped.

        Waits at most ``timeout`` for each thread; a worker still in OCR after that finishes on its own
        (daemon thread) and stores nothing once ``stop_intake`` ran.
        """
        if not drain:
            self.stop_intake()
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout)
        if drain:
            self._queue.put(None)
        worker_done = True
        if self._worker is not None:
            self._worker.join(timeout)
            worker_done = not self._worker.is_alive()
        self._ticker = self._worker = None
        if self._source is not None and worker_done:
            self._source.close()
            self._source = None
        if final_sync and worker_done:
            self.pipeline.sync_vectors()
        self.status.set_state(STOPPED)
        self.save_status()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until stopped (or ``timeout``); True when stopped."""
        return self._stop.wait(timeout)

    def run_once(self) -> int:
        """One tick and its storage, in the calling thread; returns how many frames were stored."""
        kept = self.tick()
        stored = sum(1 for item in kept if self.pipeline.process(item) is not None)
        self.pipeline.sync_vectors()
        if self._source is not None:
            self._source.close()
            self._source = None
        self.status.set_state(STOPPED)
        self.save_status()
        return stored

    @property
    def backlog(self) -> int:
        return self._queue.qsize()

    # -- one tick -----------------------------------------------------------------------------
    def tick(self) -> list[KeptFrame]:
        """Check pause, idle and exclusions before grabbing (nothing excluded is ever read), then dedupe."""
        if self._paused.is_set():
            self._drop_all("paused", PAUSED)
            return []
        away = is_away(self.idle, self.idle_timeout_s)
        if away:
            self._drop_all(away, IDLE)
            return []
        window = self.active_window.current()
        refusal = self.guard.refusal(window)
        if refusal is not None:
            self._drop_all(refusal, EXCLUDED)
            return []
        if self.pipeline.rules.check(window) is not None:
            self._drop_all("excluded", EXCLUDED)
            return []
        if self._source is None:
            self._source = self._source_factory()
        now = self._clock()
        with self.pipeline.stage("grab"):
            shots = self._source.grab()
        late = self.guard.refusal(self.active_window.current())  # the app came forward or showed a secret meanwhile
        if late is not None:
            self._drop_all(late, EXCLUDED)
            return []
        self._monitors = max(1, len(shots))
        self.status.set_state(RUNNING)
        kept = []
        own = self.guard.visible_rects(self.active_window)  # the app's windows, where nothing covers them
        for monitor, shot in shots:
            image = paint_over(shot, own, self._source.origin(monitor))
            item = self.pipeline.screen(Frame(image=image, monitor=monitor, epoch=now, window=window))
            if item is not None:
                kept.append(item)
        return kept

    def _drop_all(self, reason: str, state: str) -> None:
        self.status.saw(self._monitors)
        self.status.dropped(reason, self._monitors)
        self.status.set_state(state)

    # -- threads ------------------------------------------------------------------------------
    def _tick_forever(self) -> None:
        next_at = time.monotonic()
        while not self._stop.is_set():
            try:
                for item in self.tick():
                    self._enqueue(item)
            except Exception as error:  # noqa: BLE001 - a failed grab (display gone) is reported, then retried
                log.warning("capture tick failed: %s", error)
                self.status.error(f"{type(error).__name__}: {error}")
                if self._source is not None:
                    self._source.close()
                    self._source = None
            self._ticks += 1
            if self._ticks % STATUS_EVERY_TICKS == 0:
                self.save_status()
            next_at += self.interval_s
            delay = next_at - time.monotonic()
            if delay < 0:  # fell behind (slow grab, suspended laptop): do not fire a burst of catch-up ticks
                next_at, delay = time.monotonic(), 0.0
            self._stop.wait(delay)

    def _enqueue(self, item: KeptFrame) -> None:
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self.pipeline.deduper.forget(item.dedupe_key)
            self.status.dropped("backlog")
        self.status.set_backlog(self._queue.qsize())

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None or self.pipeline.stopping.is_set():
                break
            self.pipeline.process(item)
            self.status.set_backlog(self._queue.qsize())
            if self._queue.empty() and not self.pipeline.stopping.is_set():
                self.pipeline.sync_vectors()
        self.status.set_backlog(0)

    def save_status(self) -> None:
        if self._status_dir is None:
            return
        try:
            save_status(self._status_dir, self.status.snapshot())
        except OSError as error:
            log.warning("cannot save capture status: %s", error)
