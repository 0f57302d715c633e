"""The LLM token ledger: every model call's tokens, summed over a sliding window for the hourly budget."""

from __future__ import annotations

import time as _time

import sqlite_utils


class UsageLedger:
    """Record tokens per call and report how many were used since a moment."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def record(
        self, input_tokens: int, output_tokens: int, purpose: str = "", estimated: bool = False, at: float | None = None
    ) -> None:
        with self._db.atomic():
            self._db["llm_usage"].insert(
                {
                    "at": _time.time() if at is None else at,
                    "purpose": purpose,
                    "input_tokens": int(input_tokens),
                    "output_tokens": int(output_tokens),
                    "estimated": int(estimated),
                }
            )

    def used_since(self, since: float) -> int:
        row = self._db.execute(
            "SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM llm_usage WHERE at >= ?", [since]
        ).fetchone()
        return int(row[0])

    def oldest_since(self, since: float) -> float | None:
        """Time of the oldest call inside the window (when it ages out, budget frees up)."""
        row = self._db.execute("SELECT min(at) FROM llm_usage WHERE at >= ?", [since]).fetchone()
        return row[0] if row and row[0] is not None else None

    def totals(self) -> dict[str, int]:
        row = self._db.execute(
            "SELECT count(*), coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0) FROM llm_usage"
        ).fetchone()
        return {"calls": int(row[0]), "input_tokens": int(row[1]), "output_tokens": int(row[2])}
