"""Where a command's output goes and which store it uses: this process's own, or the owner's for a client."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

Write = Callable[[str], None]

_sink: ContextVar[tuple[Write, Write] | None] = ContextVar("mirix_cli_sink", default=None)
_served_store: ContextVar[Any] = ContextVar("mirix_served_store", default=None)


def write_out(text: str) -> None:
    """Write raw text to the command's standard output."""
    sink = _sink.get()
    if sink is None:
        sys.stdout.write(text)
    else:
        sink[0](text)


def write_err(text: str) -> None:
    """Write raw text to the command's standard error (progress, streamed tokens)."""
    sink = _sink.get()
    if sink is None:
        sys.stderr.write(text)
        sys.stderr.flush()
    else:
        sink[1](text)


def out(text: str) -> None:
    write_out(text + "\n")


def err(text: str) -> None:
    write_err(text + "\n")


@contextlib.contextmanager
def serving(out_fn: Write, err_fn: Write, store: Any) -> Iterator[None]:
    """Run a client's command in the owner: its output goes to ``out_fn``/``err_fn``, its store is ``store``."""
    sink, served = _sink.set((out_fn, err_fn)), _served_store.set(store)
    try:
        yield
    finally:
        _sink.reset(sink)
        _served_store.reset(served)


def served_store() -> Any:
    """The owner's open store while serving a client's command, else None."""
    return _served_store.get()
