"""Graph states: the memorize batch with its staged writes, and one chat turn."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from agents.ops import MemoryOp
from agents.triage import TriagedBatch


class MemorizeState(TypedDict, total=False):
    """A batch going through triage, the meta-agent, the memory agents and the commit."""

    observations: list[dict[str, Any]]
    recent_texts: list[str]
    vault_values: list[str]
    prompt_chars: int
    batch: TriagedBatch
    routes: list[dict[str, str]]
    ops: Annotated[list[MemoryOp], operator.add]
    failures: Annotated[list[dict[str, str]], operator.add]
    agent_runs: Annotated[list[dict[str, Any]], operator.add]
    outcome: dict[str, Any]


class AgentTask(TypedDict):
    """What the meta-agent sends to one memory agent (a ``Send`` payload)."""

    batch: TriagedBatch
    agent: str
    instruction: str


class ChatState(TypedDict, total=False):
    """One question through query analysis, retrieval and the answer."""

    question: str
    thread_id: str
    history: list[dict[str, str]]
    remember: bool
    keep_thread: bool
    analysis: dict[str, Any]
    items: list[dict[str, Any]]
    core: list[str]
    answer: str
    citations: list[dict[str, Any]]
    mode: str
