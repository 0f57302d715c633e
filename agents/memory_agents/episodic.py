"""Episodic memory agent: time-stamped events and activities (what happened, when, in which app)."""

from __future__ import annotations

from typing import Annotated

from langchain_core.tools import InjectedToolArg, tool

from agents.memory_agents.base import COMMON_RULES, COMMON_TOOLS, Workspace, checked_changes, iso_time
from agents.memory_agents.spec import AgentSpec
from agents.ops import ADD, UPDATE, MemoryOp
from agents.tools import ToolInputError

PROMPT = f"""You are the episodic memory agent of a personal memory assistant.
Episodic memory is a diary of events: what the user did, saw, said or planned, and when.
Write one memory per distinct event or activity (not per observation); a good summary names who, what and
where in one sentence; details add specifics seen in the observations. Use the observations' times. When an
event continues an existing memory (same activity, minutes later), update that memory (extend ended_at and
details) instead of inserting a new one.

{COMMON_RULES}"""


@tool(parse_docstring=True)
def insert_episode(
    ws: Annotated[Workspace, InjectedToolArg],
    summary: str,
    details: str = "",
    occurred_at: str | None = None,
    ended_at: str | None = None,
    event_type: str = "activity",
    actor: str = "user",
    app: str | None = None,
    sources: list[str] | None = None,
) -> str:
    """Insert a new episodic memory (an event).

    Args:
        summary: one sentence: who did what, where.
        details: specifics from the observations.
        occurred_at: when it started (ISO-8601); defaults to the first source observation's time.
        ended_at: when it ended (ISO-8601), if known.
        event_type: activity, conversation, meeting, plan, ...
        actor: who acted: "user" or a person's name.
        app: the application it happened in, if any.
        sources: observation refs (o1, o2, ...) it comes from.
    """
    if not summary.strip():
        raise ToolInputError("summary must not be empty")
    refs = ws.sources(sources)
    record = checked_changes(
        "episodic",
        {
            "summary": summary.strip(),
            "details": details,
            "occurred_at": iso_time(occurred_at, "occurred_at") or ws.batch.first_time(sources),
            "ended_at": ended_at,
            "event_type": event_type,
            "actor": actor,
            "app": app,
        },
    )
    op = ws.stage(MemoryOp(ADD, "episodic", id=ws.new_id(), record=record, sources=refs))
    return f"inserted episodic memory {op.id}"


@tool(parse_docstring=True)
def update_episode(
    ws: Annotated[Workspace, InjectedToolArg],
    memory_id: str,
    summary: str | None = None,
    details: str | None = None,
    ended_at: str | None = None,
    sources: list[str] | None = None,
) -> str:
    """Update an existing episodic memory in place (its earlier version is kept in history).

    Args:
        memory_id: the memory to change.
        summary: a new summary, if it should change.
        details: the full new details text, if it should change.
        ended_at: a new end time (ISO-8601), if the event continued.
        sources: observation refs (o1, o2, ...) behind the change.
    """
    ws.current(memory_id)
    changes = checked_changes("episodic", {"summary": summary, "details": details, "ended_at": ended_at})
    if not changes:
        raise ToolInputError("give at least one of summary, details, ended_at")
    ws.stage(MemoryOp(UPDATE, "episodic", id=memory_id, record=changes, sources=ws.sources(sources)))
    return f"updated episodic memory {memory_id}"


SPEC = AgentSpec(
    name="episodic",
    description="events and activities with their time: what the user did, saw, discussed or planned",
    prompt=PROMPT,
    tools=[insert_episode, update_episode, *COMMON_TOOLS],
)
