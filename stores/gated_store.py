"""A view of the store whose every call runs through one gate (the owner's engine thread, or a lock)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
Run = Callable[[Callable[[], Any]], Any]
"""Runs a job where the store may be touched and returns its result (``Engine.call``, or ``locked_runner()``)."""

FACE_ATTRIBUTES = frozenset({"observations", "memories", "vectors", "index", "searcher"})
"""Attributes of ``MemoryStore`` that are themselves faces over the same connection: gated too."""
FACE_FACTORIES = frozenset({"chat_threads", "usage_ledger"})
"""Methods of ``MemoryStore`` that return a face over the same connection: their result is gated too."""


class GatedStore:
    """Wraps a ``MemoryStore`` (or one of its faces) so that every method call runs through ``run``.

    Model calls happen outside the gate: a memorize or chat run on its own thread holds the gate only for
    the store calls it makes, so a slow language model never blocks the owner's database jobs. Plain
    attributes (``data_dir``) are read directly.
    """

    def __init__(self, target: Any, run: Run) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_run", run)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if name in FACE_ATTRIBUTES:
            return GatedStore(value, self._run)
        if not callable(value):
            return value
        run = self._run
        wrap = name in FACE_FACTORIES

        def gated(*args: Any, **kwargs: Any) -> Any:
            result = run(lambda: value(*args, **kwargs))
            return GatedStore(result, run) if wrap else result

        gated.__name__ = name
        gated.__doc__ = value.__doc__
        return gated

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"the gated store is read-only ({name})")

    def __repr__(self) -> str:
        return f"GatedStore({self._target!r})"


def locked_runner(lock: threading.RLock | None = None) -> Run:
    """A gate for a process without an engine thread: store calls from several threads take turns."""
    guard = lock or threading.RLock()

    def run(job: Callable[[], T]) -> T:
        with guard:
            return job()

    return run


def gated(store: Any, run: Run | None = None) -> Any:
    """``store`` behind ``run`` (a fresh lock when none is given); a store already gated is returned as is."""
    if isinstance(store, GatedStore):
        return store
    return GatedStore(store, run or locked_runner())
