"""Memory writes staged by agents, applied in one transaction together with marking their observations done."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from stores.memory_store import MemoryStore
from stores.timeutil import utcnow_iso

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


def apply_ops(store: MemoryStore, ops: Sequence[MemoryOp], observation_ids: Sequence[str]) -> CommitResult:
    """Write every op and mark the batch's observations done, all in one transaction (all or nothing)."""
    result = CommitResult()
    with store.db.atomic():
        for op in ops:
            memory_id = _apply(store, op)
            result.written[op.action] = result.written.get(op.action, 0) + 1
            result.memory_ids.append((op.type, memory_id))
        store.observations.mark_done(observation_ids)
    store.sync_vectors()
    return result


def _apply(store: MemoryStore, op: MemoryOp) -> str:
    repo = store.memories
    if op.action == ADD:
        return repo.add(op.type, {**op.record, "id": op.id} if op.id else op.record, op.sources)
    if op.action == UPDATE:
        repo.update(op.type, op.id, op.record, op.sources)
        return op.id
    if op.action == DELETE:
        repo.delete(op.type, op.id)
        return op.id
    if op.action == MERGE:
        with store.db.atomic():
            repo.merge(op.type, op.id, list(op.drop_ids), op.record)
            if op.sources:
                repo.update(op.type, op.id, {}, op.sources)
        return op.id
    if op.action == SUPERSEDE:
        record = {"valid_from": utcnow_iso(), **op.record}
        repo.update(op.type, op.old_id, {"valid_to": record["valid_from"]}, ())
        return repo.add(op.type, {**record, "id": op.id} if op.id else record, op.sources)
    if op.action == CORE_SET:
        existing = repo.core_by_label(op.record["label"])
        if existing is None:
            return repo.add("core", op.record, op.sources)
        repo.update("core", existing["id"], {"value": op.record["value"]}, op.sources)
        return existing["id"]
    raise ValueError(f"unknown memory op {op.action!r}")
