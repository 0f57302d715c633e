"""Memory writes staged by agents, applied in one transaction together with marking their observations done."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from stores.errors import BatchAlreadyDone
from stores.memory_store import MemoryStore

log = logging.getLogger(__name__)

ADD, UPDATE, DELETE, MERGE, SUPERSEDE, CORE_SET = "add", "update", "delete", "merge", "supersede", "core_set"


@dataclass
class MemoryOp:
    """One staged write: what to do, to which memory, with which fields and which source observations."""

    action: str
    type: str
    id: str = ""
    record: Mapping[str, Any] = field(default_factory=dict)
    sources: Sequence[str] = ()
    drop_ids: Sequence[str] = ()
    old_id: str = ""
    agent: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "type": self.type,
            "id": self.id,
            "record": dict(self.record),
            "sources": list(self.sources),
            "drop_ids": list(self.drop_ids),
            "old_id": self.old_id,
            "agent": self.agent,
        }


@dataclass
class CommitResult:
    """What one committed batch wrote, per action."""

    written: dict[str, int] = field(default_factory=dict)
    memory_ids: list[tuple[str, str]] = field(default_factory=list)
    already_done: bool = False


def apply_ops(store: MemoryStore, ops: Sequence[MemoryOp], observation_ids: Sequence[str]) -> CommitResult:
    """Write every op and mark the batch's observations done, all in one transaction (all or nothing)."""
    result = CommitResult()
    try:
        result.memory_ids = store.commit_batch(ops, observation_ids)
    except BatchAlreadyDone:
        log.info("batch of %d observation(s) was memorized by another run; dropped", len(observation_ids))
        return CommitResult(already_done=True)
    for op in ops:
        result.written[op.action] = result.written.get(op.action, 0) + 1
    return result
