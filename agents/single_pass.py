"""Single-pass memorize: one schema-constrained call returns the operations for all six memory types at once.

Made for small and slow models (Mem0 extracts in one call for the same reason). Every returned item goes
through the same tool functions the memory agents use, so validation, provenance and supersede rules are shared.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pydantic
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.tools import BaseTool
from pydantic import BaseModel, Field

from agents.kind_signs import RARE_KINDS, kinds_with_signs
from agents.memory_agents import core, episodic, knowledge_vault, procedural, resource, semantic
from agents.memory_agents.base import Workspace, delete_memory
from agents.ops import MemoryOp
from agents.prompts import SINGLE_PASS_PROMPT, SINGLE_PASS_TASK
from agents.schema_bounds import bound_text_fields, whole_sentences
from agents.structured import StructuredRequest
from agents.tools import ToolInputError, describe_validation_error
from agents.triage import TriagedBatch
from stores.memory_store import MemoryStore

RELATED_CHARS = 160
WRITE_TYPES = ("episodic", "semantic", "core", "procedural", "resource", "knowledge_vault")
# bounds sent with the schema: a grammar-constrained small model cannot ramble past them (validation stays lenient)
MAX_ITEMS = {"episodic": 6, "semantic": 8, "core": 3, "procedural": 2, "resource": 3, "knowledge_vault": 3}
MAX_SOURCES = 4
EVENT_EVERY = 8  # observations per required episodic entry


class CoreLine(BaseModel):
    """A durable line for a core block."""

    label: Literal["human", "persona"] = "human"
    text: str
    sources: list[str] = Field(default_factory=list)


class Episode(BaseModel):
    """An event of the batch."""

    summary: str
    details: str = ""
    actor: str = "user"
    event_type: str = "conversation"
    sources: list[str] = Field(default_factory=list)


class Fact(BaseModel):
    """A lasting fact; ``replaces`` names a listed fact it corrects."""

    name: str
    summary: str
    details: str = ""
    replaces: str = ""
    sources: list[str] = Field(default_factory=list)


class Procedure(BaseModel):
    """A how-to with ordered steps."""

    summary: str
    steps: list[str]
    entry_type: Literal["workflow", "guide", "script"] = "workflow"
    sources: list[str] = Field(default_factory=list)


class Resource(BaseModel):
    """A document, file, page or work named in the batch."""

    title: str
    resource_type: Literal["document", "url", "file", "code", "image", "video", "other"] = "document"
    uri: str = ""
    summary: str = ""
    sources: list[str] = Field(default_factory=list)


class VaultEntry(BaseModel):
    """An exact value to keep (a placeholder stands for a withheld secret)."""

    caption: str
    secret_value: str
    sensitivity: Literal["high", "medium", "low"] = "high"
    entry_type: str = "other"
    sources: list[str] = Field(default_factory=list)


class Change(BaseModel):
    """New text for an existing memory (m1, m2, ...)."""

    memory: str
    summary: str = ""
    details: str = ""
    sources: list[str] = Field(default_factory=list)


class Removal(BaseModel):
    """An existing memory that is wrong."""

    memory: str
    reason: str = ""


class Extraction(BaseModel):
    """Everything one batch adds to memory."""

    episodic: list[Episode] = Field(min_length=1)
    semantic: list[Fact] = Field(default_factory=list)
    core: list[CoreLine] = Field(default_factory=list)
    procedural: list[Procedure] = Field(default_factory=list)
    resource: list[Resource] = Field(default_factory=list)
    knowledge_vault: list[VaultEntry] = Field(default_factory=list)
    update: list[Change] = Field(default_factory=list)
    delete: list[Removal] = Field(default_factory=list)


@dataclass
class Related:
    """Existing memories shown to the model under short refs (m1, m2, ...)."""

    by_ref: dict[str, tuple[str, str]] = field(default_factory=dict)  # ref -> (type, id)
    text: str = "none"


def find_related(store: MemoryStore, text: str, k: int) -> Related:
    """The k existing memories (not core, not raw observations) closest to the batch."""
    hits = store.search(text[:1000], types=[t for t in WRITE_TYPES if t != "core"], k=k)
    related = Related()
    lines = []
    for n, hit in enumerate(hits, 1):
        ref = f"m{n}"
        related.by_ref[ref] = (hit.type, hit.id)
        lines.append(f"[{ref}] {hit.type}: {' '.join(hit.text.split())[:RELATED_CHARS]}")
    related.text = "\n".join(lines) or "none"
    return related


def extraction_request(batch: TriagedBatch, related: Related) -> StructuredRequest[Extraction]:
    """The schema for this batch: sources limited to its refs, memory refs to the related ones listed."""
    schema = copy.deepcopy(Extraction.model_json_schema())
    refs = list(batch.refs)
    kinds = kinds_with_signs(batch.text)
    for definition in schema.get("$defs", {}).values():
        props = definition.get("properties", {})
        bound_text_fields(props)
        if "sources" in props and refs:
            items = {"type": "string", "enum": refs}
            props["sources"] = {"type": "array", "items": items, "minItems": 1, "maxItems": MAX_SOURCES}
            definition["required"] = sorted({*definition.get("required", []), "sources"})
        if "memory" in props and related.by_ref:
            props["memory"] = {"type": "string", "enum": list(related.by_ref)}
        if "replaces" in props:
            props["replaces"] = {"type": "string", "enum": ["", *related.by_ref]}
    for name, limit in MAX_ITEMS.items():
        schema["properties"][name]["maxItems"] = limit
    for name in RARE_KINDS:
        if name not in kinds:  # a small model fills any list it is offered: offer only what the batch shows signs of
            schema["properties"].pop(name)
    # coverage: about one event per few observations, so a small model cannot fold a whole batch into one line
    events = schema["properties"]["episodic"]
    events["minItems"] = max(1, -(-len(refs) // EVENT_EVERY))
    # at most one event or fact per few observations: a small model otherwise writes one per line, or repeats itself
    for name in ("episodic", "semantic"):
        schema["properties"][name]["maxItems"] = max(events["minItems"], min(MAX_ITEMS[name], -(-len(refs) // 4)))
    if not related.by_ref:
        for name in ("update", "delete"):
            schema["properties"].pop(name, None)
    schema["required"] = [t for t in WRITE_TYPES if t in schema["properties"]]
    return StructuredRequest(
        "store_memories", "the memories to store from these observations", schema, Extraction.model_validate
    )


def extraction_messages(batch: TriagedBatch, related: Related) -> list[Any]:
    """System rules and the batch with its related memories."""
    task = SINGLE_PASS_TASK.format(observations=batch.text, related=related.text)
    return [SystemMessage(content=SINGLE_PASS_PROMPT), HumanMessage(content=task)]


@dataclass
class Applied:
    """Ops staged from one extraction, and the items that were refused with why."""

    ops: list[MemoryOp] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def stage_extraction(store: MemoryStore, batch: TriagedBatch, related: Related, found: Extraction) -> Applied:
    """Turn an extraction into staged ops through the memory agents' own tools (same checks and rules)."""
    spaces = {t: Workspace(store, batch, t, "single_pass") for t in WRITE_TYPES}
    applied = Applied()
    seen: set[tuple[str, str]] = set()

    def run(tool: BaseTool, type_name: str, args: Mapping[str, Any]) -> None:
        ws = spaces[type_name]
        said = " ".join(str(args.get(k) or "") for k in ("name", "summary", "text", "title", "caption")).lower()
        key = (type_name, " ".join(said.split()))
        if key[1] and "memory_id" not in args and "old_id" not in args:
            if key in seen:
                applied.refused.append(f"{type_name}: the same item twice")
                return
            seen.add(key)
        try:
            tool.invoke({**{k: whole_sentences(k, v) for k, v in args.items() if v not in (None, "")}, "ws": ws})
        except pydantic.ValidationError as error:
            applied.refused.append(f"{type_name}: {describe_validation_error(error)}")
        except ToolInputError as error:
            applied.refused.append(f"{type_name}: {error}")

    for ep in found.episodic:
        run(episodic.insert_episode, "episodic", ep.model_dump())
    for fact in found.semantic:
        old = related.by_ref.get(fact.replaces)
        if old and old[0] == "semantic":
            args = fact.model_dump(exclude={"replaces"})
            run(semantic.supersede_fact, "semantic", {**args, "old_id": old[1]})
        else:
            run(semantic.insert_fact, "semantic", fact.model_dump(exclude={"replaces"}))
    for line in found.core:
        run(core.core_memory_append, "core", line.model_dump())
    for proc in found.procedural:
        run(procedural.insert_procedure, "procedural", proc.model_dump())
    for res in found.resource:
        run(resource.insert_resource, "resource", res.model_dump())
    for entry in found.knowledge_vault:
        run(knowledge_vault.insert_vault_entry, "knowledge_vault", entry.model_dump())
    for change in found.update:
        _update(change, related, run)
    for removal in found.delete:
        target = related.by_ref.get(removal.memory)
        if target:
            run(delete_memory, target[0], {"memory_id": target[1], "reason": removal.reason or "wrong"})
    for ws in spaces.values():
        applied.ops.extend(ws.ops)
    return applied


UPDATE_TOOLS: dict[str, tuple[BaseTool, Sequence[str]]] = {
    "episodic": (episodic.update_episode, ("summary", "details")),
    "semantic": (semantic.update_fact, ("summary", "details")),
    "procedural": (procedural.update_procedure, ("summary",)),
    "resource": (resource.update_resource, ("summary",)),
    "knowledge_vault": (knowledge_vault.update_vault_entry, ()),
}


def _update(change: Change, related: Related, run: Any) -> None:
    target = related.by_ref.get(change.memory)
    if not target or target[0] not in UPDATE_TOOLS:
        return
    tool, fields = UPDATE_TOOLS[target[0]]
    args = {name: getattr(change, name) for name in fields if getattr(change, name)}
    if args:
        run(tool, target[0], {**args, "memory_id": target[1], "sources": change.sources})
