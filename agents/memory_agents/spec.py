"""The shape of a memory agent's registry entry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.tools import BaseTool


@dataclass(frozen=True)
class AgentSpec:
    """One memory agent: its name (= memory type), when the meta-agent should call it, its prompt and tools."""

    name: str
    description: str
    prompt: str
    tools: Sequence[BaseTool]
