"""The table of memory agents the meta-agent can route to (name = memory type)."""

from __future__ import annotations

from agents.memory_agents import core, episodic, knowledge_vault, procedural, resource, semantic
from agents.memory_agents.spec import AgentSpec

AGENTS: dict[str, AgentSpec] = {
    spec.name: spec
    for spec in (core.SPEC, episodic.SPEC, semantic.SPEC, procedural.SPEC, resource.SPEC, knowledge_vault.SPEC)
}
