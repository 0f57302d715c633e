"""Semantic memory agent: facts and knowledge about people, places, things; corrections supersede, never overwrite."""

from __future__ import annotations

from typing import Annotated

from langchain_core.tools import InjectedToolArg, tool

from agents.memory_agents.base import COMMON_RULES, COMMON_TOOLS, Workspace, checked_changes, iso_time
from agents.memory_agents.spec import AgentSpec
from agents.ops import ADD, SUPERSEDE, UPDATE, MemoryOp
from agents.tools import ToolInputError

PROMPT = f"""You are the semantic memory agent of a personal memory assistant.
Semantic memory holds lasting facts and knowledge: about people (relationships, jobs, likes), places,
organisations, projects, concepts. `name` is the entity or topic, `summary` states the fact in one sentence.
If an observation contradicts an existing fact (someone moved, changed jobs, a plan changed), call
supersede_fact: the old fact is kept with an end date and the new one replaces it. Use update_fact only
to add details that do not change what the fact says.

{COMMON_RULES}"""


def _new_fact(
    ws: Workspace, name: str, summary: str, details: str, source: str | None, valid_from: str | None, refs: list[str]
) -> dict:
    if not name.strip() or not summary.strip():
        raise ToolInputError("name and summary must not be empty")
    return checked_changes(
        "semantic",
        {
            "name": name.strip(),
            "summary": summary.strip(),
            "details": details,
            "source": source,
            "valid_from": iso_time(valid_from, "valid_from") or ws.batch.first_time(None) or None,
        },
    )


@tool(parse_docstring=True)
def insert_fact(
    ws: Annotated[Workspace, InjectedToolArg],
    name: str,
    summary: str,
    details: str = "",
    source: str | None = None,
    valid_from: str | None = None,
    sources: list[str] | None = None,
) -> str:
    """Insert a new fact.

    Args:
        name: the entity or topic (e.g. "Caroline", "project Atlas").
        summary: the fact in one sentence.
        details: supporting specifics.
        source: where the fact was learned (a conversation, a web page, ...).
        valid_from: since when it holds (ISO-8601), if known.
        sources: observation refs (o1, o2, ...) it comes from.
    """
    refs = ws.sources(sources)
    op = ws.stage(
        MemoryOp(
            ADD,
            "semantic",
            id=ws.new_id(),
            record=_new_fact(ws, name, summary, details, source, valid_from, refs),
            sources=refs,
        )
    )
    return f"inserted fact {op.id}"


@tool(parse_docstring=True)
def supersede_fact(
    ws: Annotated[Workspace, InjectedToolArg],
    old_id: str,
    summary: str,
    name: str | None = None,
    details: str = "",
    valid_from: str | None = None,
    sources: list[str] | None = None,
) -> str:
    """Replace a fact that is no longer true: the old one gets an end date (kept in history), a new one is added.

    Args:
        old_id: the id of the fact that no longer holds.
        summary: the corrected fact in one sentence.
        name: the entity or topic (defaults to the old fact's name).
        details: supporting specifics.
        valid_from: since when the new fact holds (ISO-8601); defaults to the observations' time.
        sources: observation refs (o1, o2, ...) showing the change.
    """
    old = ws.current(old_id)
    if old.get("valid_to"):
        raise ToolInputError(f"fact {old_id} was already superseded; supersede the current fact instead")
    refs = ws.sources(sources)
    record = _new_fact(ws, name or old["name"], summary, details, None, valid_from, refs)
    op = ws.stage(MemoryOp(SUPERSEDE, "semantic", id=ws.new_id(), old_id=old_id, record=record, sources=refs))
    return f"fact {old_id} superseded by {op.id}"


@tool(parse_docstring=True)
def update_fact(
    ws: Annotated[Workspace, InjectedToolArg],
    memory_id: str,
    details: str | None = None,
    source: str | None = None,
    summary: str | None = None,
    sources: list[str] | None = None,
) -> str:
    """Add details to a fact without changing what it says (a changed summary supersedes the old fact).

    Args:
        memory_id: the fact to change.
        details: the full new details text.
        source: where it was learned.
        summary: only if the wording changes; a different claim becomes a new fact superseding this one.
        sources: observation refs (o1, o2, ...) behind the change.
    """
    old = ws.current(memory_id)
    refs = ws.sources(sources)
    if summary and summary.strip() != (old.get("summary") or "").strip():
        record = _new_fact(ws, old["name"], summary, details or old.get("details") or "", source, None, refs)
        op = ws.stage(MemoryOp(SUPERSEDE, "semantic", id=ws.new_id(), old_id=memory_id, record=record, sources=refs))
        return f"the summary changed, so fact {memory_id} was superseded by {op.id}"
    changes = checked_changes("semantic", {"details": details, "source": source})
    if not changes:
        raise ToolInputError("give details or source to update")
    ws.stage(MemoryOp(UPDATE, "semantic", id=memory_id, record=changes, sources=refs))
    return f"updated fact {memory_id}"


SPEC = AgentSpec(
    name="semantic",
    description="lasting facts about people, places, organisations, projects and concepts, and corrections to them",
    prompt=PROMPT,
    tools=[insert_fact, supersede_fact, update_fact, *COMMON_TOOLS],
)
