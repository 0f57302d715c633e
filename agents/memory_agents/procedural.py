"""Procedural memory agent: how-tos, workflows and step-by-step procedures the user follows."""

from __future__ import annotations

from typing import Annotated

from langchain_core.tools import InjectedToolArg, tool

from agents.memory_agents.base import COMMON_RULES, COMMON_TOOLS, Workspace, checked_changes
from agents.memory_agents.spec import AgentSpec
from agents.ops import ADD, UPDATE, MemoryOp
from agents.tools import ToolInputError

PROMPT = f"""You are the procedural memory agent of a personal memory assistant.
Procedural memory holds how to do things: workflows the user repeats, guides they read, commands or scripts
they run. Store a procedure only when the observations show its steps; each step is one short imperative
sentence. Extend an existing procedure rather than storing it twice.

{COMMON_RULES}"""

ENTRY_TYPES = ("workflow", "guide", "script")


@tool(parse_docstring=True)
def insert_procedure(
    ws: Annotated[Workspace, InjectedToolArg],
    summary: str,
    steps: list[str],
    entry_type: str = "workflow",
    sources: list[str] | None = None,
) -> str:
    """Insert a new procedure.

    Args:
        summary: what the procedure achieves, in one sentence.
        steps: the steps in order, one short sentence each.
        entry_type: workflow, guide or script.
        sources: observation refs (o1, o2, ...) it comes from.
    """
    if entry_type not in ENTRY_TYPES:
        raise ToolInputError(f"entry_type must be one of {', '.join(ENTRY_TYPES)}")
    if not summary.strip() or not [s for s in steps if s.strip()]:
        raise ToolInputError("a procedure needs a summary and at least one step")
    record = {"summary": summary.strip(), "steps": [s.strip() for s in steps if s.strip()], "entry_type": entry_type}
    op = ws.stage(MemoryOp(ADD, "procedural", id=ws.new_id(), record=record, sources=ws.sources(sources)))
    return f"inserted procedure {op.id}"


@tool(parse_docstring=True)
def update_procedure(
    ws: Annotated[Workspace, InjectedToolArg],
    memory_id: str,
    summary: str | None = None,
    steps: list[str] | None = None,
    sources: list[str] | None = None,
) -> str:
    """Update a procedure in place (the earlier version is kept in history).

    Args:
        memory_id: the procedure to change.
        summary: a new summary, if it should change.
        steps: the complete new list of steps, if they change.
        sources: observation refs (o1, o2, ...) behind the change.
    """
    ws.current(memory_id)
    changes = checked_changes("procedural", {"summary": summary, "steps": steps})
    if not changes:
        raise ToolInputError("give summary or steps")
    ws.stage(MemoryOp(UPDATE, "procedural", id=memory_id, record=changes, sources=ws.sources(sources)))
    return f"updated procedure {memory_id}"


SPEC = AgentSpec(
    name="procedural",
    description="how-tos, workflows, step-by-step procedures, commands or scripts the user follows or reads",
    prompt=PROMPT,
    tools=[insert_procedure, update_procedure, *COMMON_TOOLS],
)
