"""The engine thread: one asyncio loop that runs every database, Chroma and model job, one at a time."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class Engine:
    """Owns a thread with an asyncio event loop; ``submit`` queues a blocking job on it and returns a Future.

    Jobs run in submission order on the engine thread, so the objects they touch (the store's connection,
    the graphs) are only ever used from that thread and from capture (which takes ``store_lock``).
    """

    def __init__(self, store_lock: threading.RLock | None = None, name: str = "mirix-engine") -> None:
        self.store_lock = store_lock or threading.RLock()
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()
        self._ready.wait()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    @property
    def running(self) -> bool:
        return self._loop is not None and self._loop.is_running()

    def submit(self, job: Callable[[], Any], locked: bool = True) -> concurrent.futures.Future[Any]:
        """Run ``job()`` on the engine thread (under ``store_lock`` unless the job locks for itself)."""
        if self._loop is None:
            raise RuntimeError("the engine is not started")

        async def run() -> Any:
            if not locked:
                return job()
            with self.store_lock:
                return job()

        return asyncio.run_coroutine_threadsafe(run(), self._loop)

    def on_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the jobs already queued, then stop the loop and join the thread."""
        if self._loop is None or self._thread is None:
            return
        done = self.submit(lambda: None, locked=False)
        try:
            done.result(timeout)
        except concurrent.futures.TimeoutError:
            log.warning("engine: queued jobs did not finish within %.0f s", timeout)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        self._thread = None
        self._loop = None
