"""What each provider and model has shown it can do (structured-output mode, past failures), remembered across runs."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

Loader = Callable[[], dict[str, Any]]
Saver = Callable[[dict[str, Any]], None]


class CapabilityMemory:
    """Per model key: the structured-output mode that worked, modes the provider refused, invalid-output count.

    ``load``/``save`` persist the table (the composition root keeps it beside the settings); without them it lives
    in memory for one run.
    """

    def __init__(self, load: Loader | None = None, save: Saver | None = None) -> None:
        self._save = save
        self._load = load
        self._lock = threading.Lock()
        try:
            self._table: dict[str, Any] = dict(load()) if load else {}
        except (OSError, ValueError, TypeError):
            self._table = {}

    def _entry(self, key: str) -> dict[str, Any]:
        entry = self._table.get(key)
        return entry if isinstance(entry, dict) else {}

    def mode(self, key: str) -> str | None:
        """The structured-output mode that last worked for this model."""
        return self._entry(key).get("mode")

    def refused(self, key: str) -> set[str]:
        """Modes the provider rejected for this model."""
        return set(self._entry(key).get("refused") or ())

    def failed_before(self, key: str) -> bool:
        """True once this model's structured output stayed invalid after retries."""
        return int(self._entry(key).get("invalid") or 0) > 0

    def record_mode(self, key: str, mode: str) -> None:
        if self.mode(key) != mode:
            self._update(key, mode=mode)

    def record_refused(self, key: str, mode: str) -> None:
        self._update(key, refused=sorted(self.refused(key) | {mode}))

    def record_invalid(self, key: str) -> None:
        self._update(key, invalid=int(self._entry(key).get("invalid") or 0) + 1)

    def _update(self, key: str, **changes: Any) -> None:
        with self._lock:
            if self._load is not None:  # another holder of the same file (chat beside memorize) may have written
                with contextlib.suppress(OSError, ValueError, TypeError):
                    self._table = {**self._table, **dict(self._load())}
            self._table[key] = {**self._entry(key), **changes}
            snapshot = dict(self._table)
        if self._save is not None:
            with contextlib.suppress(OSError):  # a read-only or full disk only costs a re-detection next run
                self._save(snapshot)
