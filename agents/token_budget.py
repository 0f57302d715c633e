"""The per-hour token budget: checked before every model call, charged with each call's usage."""

from __future__ import annotations

import time as _time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agents.errors import BudgetExhausted
from stores.llm_usage import UsageLedger

WINDOW_S = 3600.0
CHARS_PER_TOKEN = 4


@dataclass
class BudgetStatus:
    """What the UI/CLI shows: tokens used in the last hour, the limit, and when work can resume."""

    used: int
    limit: int
    resumes_at: float | None

    @property
    def exhausted(self) -> bool:
        return self.limit > 0 and self.used >= self.limit

    def explain(self) -> str:
        if not self.exhausted:
            return f"{self.used:,} of {self.limit:,} tokens used in the last hour"
        when = datetime.fromtimestamp(self.resumes_at).strftime("%H:%M") if self.resumes_at else "later"
        return f"token budget exhausted: {self.used:,} of {self.limit:,} tokens used in the last hour; resumes ~{when}"


def estimate_tokens(text: str) -> int:
    """A rough token count (about four characters per token) for providers that report no usage."""
    return max(1, len(text) // CHARS_PER_TOKEN)


def _message_text(messages: Sequence[Any]) -> str:
    parts = []
    for message in messages:
        content = getattr(message, "content", message)
        parts.append(content if isinstance(content, str) else str(content))
        for call in getattr(message, "tool_calls", None) or []:
            parts.append(str(call.get("args")))
    return "\n".join(parts)


class TokenBudget:
    """Tokens per sliding hour, persisted in the database so restarts do not reset it (0 = unlimited)."""

    def __init__(self, ledger: UsageLedger, tokens_per_hour: int, clock: Callable[[], float] = _time.time) -> None:
        self._ledger = ledger
        self.limit = int(tokens_per_hour)
        self._clock = clock

    def status(self) -> BudgetStatus:
        now = self._clock()
        used = self._ledger.used_since(now - WINDOW_S)
        oldest = self._ledger.oldest_since(now - WINDOW_S)
        return BudgetStatus(used, self.limit, oldest + WINDOW_S if oldest else None)

    def check(self) -> None:
        """Raise BudgetExhausted when no tokens are left in this hour."""
        status = self.status()
        if status.exhausted:
            raise BudgetExhausted(status.explain())

    def charge(self, prompt: Sequence[Any], response: Any, purpose: str) -> int:
        """Record a call: the provider's ``usage_metadata`` when present, else an estimate. Returns tokens."""
        usage = getattr(response, "usage_metadata", None) or {}
        if usage.get("input_tokens") or usage.get("output_tokens"):
            tokens_in, tokens_out, estimated = int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0)), 0
        else:
            tokens_in, tokens_out = estimate_tokens(_message_text(prompt)), estimate_tokens(_message_text([response]))
            estimated = 1
        self._ledger.record(tokens_in, tokens_out, purpose, bool(estimated), at=self._clock())
        return tokens_in + tokens_out
