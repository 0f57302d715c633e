"""Runs the memorize pipeline over the inbox: batches to the graph (or offline), budget waits, progress, report."""

from __future__ import annotations

import logging
import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agents.context import MemorizeContext
from agents.memorize_graph import DONE, FAILED, SKIPPED, WAITING
from agents.offline_memorizer import offline_ops
from agents.open_segments import earlier_segments
from agents.ops import apply_ops
from agents.redact import Redactor
from stores.memory_store import MemoryStore
from stores.timeutil import to_epoch

log = logging.getLogger(__name__)

OFFLINE_BATCH = 200
MAX_BATCHES = 100_000


@dataclass
class MemorizeReport:
    """What a memorize run did, for the CLI summary line and the UI's status."""

    mode: str
    batches: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    parked: int = 0
    written: dict[str, int] = field(default_factory=dict)
    segments: int = 0
    waiting: str = ""
    _counted: set[tuple[str, str]] = field(default_factory=set, repr=False)  # a memory extended twice counts once

    def add(self, outcome: dict[str, Any]) -> None:
        self.batches += 1
        count = len(outcome.get("ids") or [])
        status = outcome["status"]
        if status == DONE:
            self.done += count
        elif status == SKIPPED:
            self.skipped += count
        elif status == FAILED:
            self.failed += count
            self.parked += int(outcome.get("parked") or 0)
        for mtype, memory_id in outcome.get("memory_ids") or []:
            if self._first_time(mtype, memory_id):
                self.written[mtype] = self.written.get(mtype, 0) + 1
        for mtype, memory_id in outcome.get("segment_ids") or []:
            self.segments += self._first_time(mtype, memory_id)

    def _first_time(self, mtype: str, memory_id: str) -> bool:
        seen = (mtype, memory_id) in self._counted
        self._counted.add((mtype, memory_id))
        return not seen

    def summary(self) -> str:
        memories = ", ".join(f"{n} {t}" for t, n in sorted(self.written.items())) or "no memories"
        if self.segments:
            memories += f" (and {self.segments} episode(s) quoting what was read)"
        line = (
            f"memorized {self.done} observation(s) in {self.batches} batch(es) ({self.mode}): {memories}; "
            f"{self.skipped} skipped as nothing new, {self.failed} failed ({self.parked} need attention)"
        )
        return line + (f"; waiting: {self.waiting}" if self.waiting else "")


class Memorizer:
    """Feeds pending observations to the memorize graph, or to the offline memorizer when there is no model."""

    def __init__(
        self,
        store: MemoryStore,
        graph: Any | None,
        context: MemorizeContext | None,
        batch_size: int = 20,
        max_wait_s: float = 60.0,
        offline_when_budget_exhausted: bool = False,
    ) -> None:
        self.store = store
        self.graph = graph
        self.context = context
        self.batch_size = batch_size
        self.max_wait_s = max_wait_s
        self.offline_when_budget_exhausted = offline_when_budget_exhausted

    @property
    def has_llm(self) -> bool:
        return self.graph is not None and self.context is not None

    def due(self, now: float | None = None) -> bool:
        """A batch is due when ``batch_size`` observations wait, or the oldest has waited ``max_wait_s``."""
        now = _time.time() if now is None else now
        pending = self.store.observations.pending(self.batch_size, now)
        if len(pending) >= self.batch_size:
            return True
        return bool(pending) and now - (to_epoch(pending[0]["created_at"]) or now) >= self.max_wait_s

    def run(
        self, until_empty: bool = False, offline: bool = False, progress: Callable[[str], None] | None = None
    ) -> MemorizeReport:
        """Process one batch (or all that are due with ``until_empty``); stops early when waiting on the LLM."""
        use_offline = offline or not self.has_llm
        report = MemorizeReport("offline" if use_offline else "llm")
        for _ in range(MAX_BATCHES):
            outcome = self.step(use_offline)
            if outcome is None:
                break
            if outcome["status"] == WAITING:
                report.waiting = outcome["reason"]
                if outcome.get("kind") == "budget" and self.offline_when_budget_exhausted:
                    use_offline, report.mode = True, "llm, then offline (budget exhausted)"
                    continue
                break
            report.add(outcome)
            if progress:
                progress(_progress_line(report, outcome, self.store))
            if not until_empty:
                break
        return report

    def step(self, offline: bool) -> dict[str, Any] | None:
        """One batch; None when nothing is pending."""
        pending = self.store.observations.pending(OFFLINE_BATCH if offline else self.batch_size)
        if not pending:
            return None
        vault_values = [self.store.reveal(vid) for vid, _, _ in self.store.vault_entries()]
        if offline:
            return self._offline(pending, vault_values)
        recent = self.store.recent_done_texts(float(pending[0]["time_epoch"]))
        state = {"observations": pending, "recent_texts": recent, "vault_values": vault_values}
        config = {"max_concurrency": self.context.profile.parallel_calls}
        return self.graph.invoke(state, context=self.context, config=config)["outcome"]

    def _offline(self, pending: list[dict[str, Any]], vault_values: list[str]) -> dict[str, Any]:
        def existing(uri: str, title: str) -> str | None:
            found = self.store.ids_with_field("resource", "uri", uri, 1) if uri else []
            found = found or ([] if uri else self.store.ids_with_field("resource", "title", title, 1))
            return found[0] if found else None

        ids = [o["id"] for o in pending]
        redactor = Redactor(known_values=tuple(vault_values))
        ops = offline_ops(pending, existing, redactor, earlier_segments(self.store, redactor))
        result = apply_ops(self.store, ops, ids)
        return {"status": DONE, "ids": ids, "written": result.written, "memory_ids": result.memory_ids}


def _progress_line(report: MemorizeReport, outcome: dict[str, Any], store: MemoryStore) -> str:
    left = store.observations.counts()["pending"]
    detail = outcome.get("reason") or ", ".join(outcome.get("routes") or []) or ""
    return (
        f"batch {report.batches}: {outcome['status']} {len(outcome['ids'])} observation(s)"
        + (f" ({detail})" if detail else "")
        + f"; {left} pending"
    )
