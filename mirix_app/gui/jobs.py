"""Where the window's requests run: database work on the engine thread, model work on the model threads."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

from mirix_app.engine import Engine, EngineStopped
from stores.errors import NotFoundError, UserFacingError

log = logging.getLogger(__name__)

ENGINE = "engine"
MODEL_LANES = ("chat", "memorize")
"""Runs that call a language model, one lane each so a question never waits behind a long memorize run."""


class JobRunner:
    """The engine thread (the one writer) and one thread per model lane, each running its jobs in order."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lanes = {name: ThreadPoolExecutor(1, thread_name_prefix=f"mirix-{name}") for name in MODEL_LANES}

    def submit(self, job: Callable[[], Any], lane: str = ENGINE) -> Future[Any]:
        return self.engine.submit(job) if lane == ENGINE else self.lanes[lane].submit(job)

    def stop(self) -> None:
        """Drop model runs not started yet; a run in progress ends at its next store call (the engine is gone)."""
        for pool in self.lanes.values():
            pool.shutdown(wait=False, cancel_futures=True)


class AreaBridge(QObject):
    """One area's bridge: slots queue jobs, signals bring results back to the GUI thread; ``error`` on failure."""

    error = Signal(str)

    def __init__(self, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self._in_flight: set[str] = set()

    @property
    def busy(self) -> bool:
        return bool(self._in_flight)

    def _run(
        self,
        job: Callable[[], Any],
        deliver: Callable[[Any], None],
        fail: Callable[[str], None] | None = None,
        key: str = "",
        lane: str = ENGINE,
    ) -> Future[Any] | None:
        """Queue ``job`` on ``lane`` (the engine, or a model lane).

        ``deliver(result)`` or ``fail(message)`` runs on that thread and only emits signals (which Qt queues to
        the GUI thread). ``key`` drops a request while the same one is in flight.
        """
        if key:
            if key in self._in_flight:
                return None
            self._in_flight.add(key)
        try:
            future = self.runner.submit(job, lane)
        except RuntimeError as error:  # the app is quitting (engine stopped, pool shut down)
            self._in_flight.discard(key)
            log.info("request dropped while quitting: %s", error)
            return None
        future.add_done_callback(lambda f: self._settle(f, deliver, fail or self.error.emit, key))
        return future

    def _settle(self, future: Future[Any], deliver: Callable[[Any], None], fail: Callable[[str], None], key: str):
        self._in_flight.discard(key)
        if future.cancelled():
            return
        try:
            result = future.result()
        except (UserFacingError, NotFoundError) as error:
            fail(str(error))
            return
        except EngineStopped:  # the app quit while this ran: nothing to show
            return
        except Exception as error:  # noqa: BLE001 - a bug: log it with its traceback, tell the user briefly
            log.exception("job failed")
            fail(f"Something went wrong: {type(error).__name__}: {error}")
            return
        deliver(result)
