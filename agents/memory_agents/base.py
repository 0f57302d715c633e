"""What every memory agent shares: its workspace (store handle, staged writes) and search/delete/merge tools."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from langchain_core.tools import InjectedToolArg, tool

from agents.ops import DELETE, MERGE, MemoryOp
from agents.tools import ToolInputError
from agents.triage import TriagedBatch
from stores.errors import NotFoundError
from stores.memory_store import MemoryStore
from stores.memory_types import MEMORY_TYPES
from stores.timeutil import normalize_iso

HIDDEN_FIELDS = {"sources", "created_at", "version", "type", "secret_value"}
TIME_FIELDS = {"occurred_at", "ended_at", "valid_from", "valid_to"}


@dataclass
class Workspace:
    """One agent run: read access to the store (each call through the owner's gate) and the writes it has staged."""

    store: MemoryStore
    batch: TriagedBatch
    type: str
    agent: str
    ops: list[MemoryOp] = field(default_factory=list)
    staged: dict[str, dict[str, Any]] = field(default_factory=dict)

    def stage(self, op: MemoryOp) -> MemoryOp:
        op.agent = self.agent
        self.ops.append(op)
        if op.id and op.action in ("add", "supersede"):
            self.staged[op.id] = dict(op.record)
        return op

    def new_id(self) -> str:
        return uuid.uuid4().hex

    def current(self, memory_id: str, type_name: str | None = None) -> dict[str, Any]:
        """The memory as it stands (staged in this run or stored); ToolInputError if there is none."""
        if memory_id in self.staged:
            return {"id": memory_id, **self.staged[memory_id]}
        try:
            return self.store.memories.get(type_name or self.type, memory_id)
        except NotFoundError:
            raise ToolInputError(f"there is no {type_name or self.type} memory with id {memory_id!r}") from None

    def sources(self, refs: Sequence[str] | None) -> list[str]:
        unknown = [r for r in refs or () if r.strip() not in self.batch.refs]
        if unknown:
            raise ToolInputError(f"unknown observation refs {unknown}; use refs such as {list(self.batch.refs)[:3]}")
        return self.batch.sources(refs)

    def search(self, query: str, k: int) -> list[dict[str, Any]]:
        hits = self.store.search(query[:1000], types=[self.type], k=k)
        records = self.store.memories.get_many(self.type, [h.id for h in hits])
        return [records[h.id] for h in hits if h.id in records]


def describe(record: Mapping[str, Any]) -> str:
    """A memory as one line the model can read (never a vault secret)."""
    fields = {k: v for k, v in record.items() if k not in HIDDEN_FIELDS and v not in (None, "", [])}
    return json.dumps(fields, ensure_ascii=False, default=str)


def iso_time(value: str | None, name: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        return normalize_iso(str(value))
    except ValueError:
        raise ToolInputError(f"{name} must be an ISO-8601 time like 2024-03-01T10:00:00, got {value!r}") from None


def checked_changes(type_name: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Drop None values, reject unknown fields and bad times (the model gets the reason back)."""
    mtype = MEMORY_TYPES[type_name]
    out = {}
    for name, value in changes.items():
        if value is None:
            continue
        if name not in mtype.fields or name == "secret_value":
            raise ToolInputError(f"{type_name} memories have no field {name!r}; fields: {', '.join(mtype.fields)}")
        out[name] = iso_time(value, name) if name in TIME_FIELDS else value
    return out


@tool(parse_docstring=True)
def search_memories(ws: Annotated[Workspace, InjectedToolArg], query: str, limit: int = 5) -> str:
    """Search the existing memories of your type; use it before inserting to avoid duplicates.

    Args:
        query: words to look for.
        limit: how many results (1-20).
    """
    found = ws.search(query, max(1, min(int(limit), 20)))
    return "\n".join(describe(r) for r in found) or "no matching memories"


@tool(parse_docstring=True)
def delete_memory(ws: Annotated[Workspace, InjectedToolArg], memory_id: str, reason: str) -> str:
    """Delete one of your memories that is wrong or useless (its history is kept).

    Args:
        memory_id: the id of the memory to delete.
        reason: why it should go.
    """
    ws.current(memory_id)
    ws.stage(MemoryOp(DELETE, ws.type, id=memory_id, record={"reason": reason}))
    return f"deleted {memory_id}"


@tool(parse_docstring=True)
def merge_memories(
    ws: Annotated[Workspace, InjectedToolArg],
    keep_id: str,
    drop_ids: list[str],
    changes: dict[str, Any] | None = None,
    sources: list[str] | None = None,
) -> str:
    """Merge duplicate memories into one: the kept memory gains every source of the dropped ones.

    Args:
        keep_id: the id that stays.
        drop_ids: ids folded into it and removed.
        changes: fields of the kept memory to change while merging (e.g. a combined summary).
        sources: observation refs (o1, o2, ...) that support the merge.
    """
    if keep_id in drop_ids or not drop_ids:
        raise ToolInputError("drop_ids must list other memories than keep_id")
    for memory_id in [keep_id, *drop_ids]:
        if memory_id in ws.staged:
            raise ToolInputError(f"{memory_id} was created in this batch; update it instead of merging")
        ws.current(memory_id)
    ws.stage(
        MemoryOp(
            MERGE,
            ws.type,
            id=keep_id,
            drop_ids=list(drop_ids),
            record=checked_changes(ws.type, changes or {}),
            sources=ws.sources(sources),
        )
    )
    return f"merged {', '.join(drop_ids)} into {keep_id}"


COMMON_TOOLS = [search_memories, delete_memory, merge_memories]

COMMON_RULES = """
Rules:
- Work only from the observations given. Never invent names, dates, numbers or facts.
- Each observation has a ref like o3; pass the refs that support a memory in `sources`.
- Search before inserting; update or merge instead of creating duplicates.
- Bracketed SECRET placeholders in the batch stand for withheld secrets; never guess or invent one.
- Times are ISO-8601 (2024-03-01T10:00:00).
- You were chosen because these observations hold something of your kind: store it with your insert or
  update tools. When you have finished, reply with a one-line summary of what you stored.
""".strip()
