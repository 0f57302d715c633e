"""The engine thread: the owner's one writer, an asyncio loop that runs every database and vector-index job."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class EngineStopped(RuntimeError):
    """A job was submitted after the engine stopped (the app is quitting)."""


class Engine:
    """Owns a thread with an asyncio event loop; ``submit`` queues a blocking job on it and returns a Future.

    Jobs run one at a time in submission order, so the store's connection and the vector index are only ever
    used from this thread: the GUI, capture and socket clients submit jobs instead of sharing a lock.
    """

    def __init__(self, name: str = "mirix-engine") -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._pending: set[concurrent.futures.Future[Any]] = set()
        self._guard = threading.Lock()

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

    def submit(self, job: Callable[[], T]) -> concurrent.futures.Future[T]:
        """Run ``job()`` on the engine thread after the jobs already queued."""
        with self._guard:
            if self._loop is None:
                raise EngineStopped("the engine is not running")

            async def run() -> T:
                return job()

            future = asyncio.run_coroutine_threadsafe(run(), self._loop)
            self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        return future

    def call(self, job: Callable[[], T], timeout: float | None = None) -> T:
        """Run ``job()`` on the engine thread and wait for it (at once when already on that thread)."""
        if self.on_thread():
            return job()
        return self.submit(job).result(timeout)

    def on_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def stop(self, timeout: float = 10.0) -> bool:
        """Finish the jobs already queued (up to ``timeout``), then stop; True when the thread ended in time.

        Jobs still queued after the timeout are cancelled, so nobody waits on them forever.
        """
        with self._guard:
            loop, thread = self._loop, self._thread
            if loop is None or thread is None:
                return True
            done = asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop)
        try:
            done.result(timeout)
        except concurrent.futures.TimeoutError:
            log.warning("engine: queued jobs did not finish within %.1f s; leaving them", timeout)
        with self._guard:
            self._loop = None
            pending, self._pending = list(self._pending), set()
        for future in pending:
            future.cancel()
        loop.call_soon_threadsafe(loop.stop)
        thread.join(max(0.1, timeout))
        self._thread = None
        return not thread.is_alive()
