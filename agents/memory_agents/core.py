"""Core memory agent: short persistent blocks about the user (human) and the assistant (persona)."""

from __future__ import annotations

import re
from typing import Annotated

from langchain_core.tools import InjectedToolArg, tool

from agents.memory_agents.base import COMMON_RULES, Workspace
from agents.memory_agents.spec import AgentSpec
from agents.ops import CORE_SET, MemoryOp
from agents.tools import ToolInputError
from stores.memory_types import MEMORY_TYPES

DEFAULT_LIMIT = int(MEMORY_TYPES["core"].defaults["limit"])

PROMPT = f"""You are the core memory agent of a personal memory assistant.
Core memory holds a few short blocks that are always shown to the assistant: "human" (who the user is:
name, job, preferences, people close to them, lasting goals) and "persona" (how the user wants the assistant
to behave). Store only durable, important facts about the user, not passing activity.
Each block has a character limit. Append a short line with core_memory_append; when a block is nearly full
or a line became wrong, rewrite the whole block concisely with core_memory_rewrite.

{COMMON_RULES}"""


def _label(label: str) -> str:
    label = label.strip().lower()
    if not re.fullmatch(r"[a-z][a-z_]{0,30}", label):
        raise ToolInputError("label must be a short lowercase word such as 'human' or 'persona'")
    return label


def _current_value(ws: Workspace, label: str) -> tuple[str, int]:
    staged = ws.staged.get(f"core:{label}")
    if staged is not None:
        return staged["value"], int(staged.get("limit") or DEFAULT_LIMIT)
    block = ws.store.memories.core_by_label(label)
    return (block["value"], int(block.get("limit") or DEFAULT_LIMIT)) if block else ("", DEFAULT_LIMIT)


def _set(ws: Workspace, label: str, value: str, limit: int, sources: list[str] | None) -> str:
    if len(value) > limit:
        raise ToolInputError(
            f"block {label!r} would be {len(value)} characters, over its limit of {limit}; "
            "use core_memory_rewrite with a shorter text"
        )
    ws.stage(MemoryOp(CORE_SET, "core", record={"label": label, "value": value}, sources=ws.sources(sources)))
    ws.staged[f"core:{label}"] = {"label": label, "value": value, "limit": limit}
    return f"block {label!r} now has {len(value)}/{limit} characters"


@tool(parse_docstring=True)
def core_memory_append(
    ws: Annotated[Workspace, InjectedToolArg], label: str, text: str, sources: list[str] | None = None
) -> str:
    """Append a line to a core memory block (created if missing).

    Args:
        label: the block, usually "human" or "persona".
        text: the line to add, short and durable.
        sources: observation refs (o1, o2, ...) it comes from.
    """
    label = _label(label)
    value, limit = _current_value(ws, label)
    if text.strip() in value:
        return f"block {label!r} already says that"
    return _set(ws, label, (value + "\n" + text.strip()).strip(), limit, sources)


@tool(parse_docstring=True)
def core_memory_rewrite(
    ws: Annotated[Workspace, InjectedToolArg], label: str, value: str, sources: list[str] | None = None
) -> str:
    """Replace the whole text of a core memory block (to correct it or make it fit its limit).

    Args:
        label: the block, usually "human" or "persona".
        value: the complete new text of the block.
        sources: observation refs (o1, o2, ...) it comes from.
    """
    label = _label(label)
    _, limit = _current_value(ws, label)
    return _set(ws, label, value.strip(), limit, sources)


SPEC = AgentSpec(
    name="core",
    description="durable facts about the user (name, job, preferences, close people) or wishes for the assistant",
    prompt=PROMPT,
    tools=[core_memory_append, core_memory_rewrite],
)
