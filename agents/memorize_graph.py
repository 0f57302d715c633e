"""The memorize graph: triage -> meta-agent -> memory agents in parallel (Send) -> one committing transaction."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.tools import InjectedToolArg, tool
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Send
from pydantic import BaseModel, Field

from agents.context import MemorizeContext
from agents.errors import AgentError, BudgetExhausted, InvalidModelOutput
from agents.memory_agents.base import Workspace, describe
from agents.memory_agents.registry import AGENTS
from agents.memory_agents.spec import AgentSpec
from agents.ops import apply_ops
from agents.prompts import AGENT_TASK_TEMPLATE, BATCH_TEMPLATE, META_PROMPT, agent_menu
from agents.state import AgentTask, MemorizeState
from agents.tools import ToolInputError, run_tool_loop
from agents.triage import DEFAULT_PROMPT_CHARS, triage
from stores.errors import StoreError
from stores.observations import PARKED

log = logging.getLogger(__name__)

AgentName = Literal["core", "episodic", "semantic", "procedural", "resource", "knowledge_vault"]
assert set(AgentName.__args__) == set(AGENTS), "AgentName must list the registry's agents"

DONE, SKIPPED, FAILED, WAITING = "done", "skipped", "failed", "waiting"


class Route(BaseModel):
    """One memory agent the meta-agent calls, with what it should do."""

    agent: AgentName = Field(description="which memory agent")
    instruction: str = Field(description="what it should store from these observations, in one sentence")


@tool(parse_docstring=True)
def route_to_memory_agents(routes: list[Route], chosen: Annotated[list, InjectedToolArg]) -> str:
    """Send the observations to the memory agents that must act on them (an empty list when nothing matters).

    Args:
        routes: one entry per memory agent to call, each with a short instruction.
    """
    names = [r.agent for r in routes]
    if len(set(names)) != len(names):
        raise ToolInputError("list each memory agent at most once")
    chosen.extend({"agent": r.agent, "instruction": r.instruction} for r in routes)
    return f"routed to {', '.join(names) or 'no agent'}"


def _failure(error: AgentError, where: str) -> dict[str, str]:
    kind = (
        "budget"
        if isinstance(error, BudgetExhausted)
        else "invalid"
        if isinstance(error, InvalidModelOutput)
        else "provider"
    )
    return {"kind": kind, "where": where, "error": str(error)}


def _related(ws: Workspace, text: str, k: int) -> str:
    if ws.type == "core":
        with ws.lock:
            blocks = ws.store.memories.list_recent("core", 20)
        return (
            "\n".join(f"{b['label']} ({len(b['value'])}/{b.get('limit')} chars): {b['value']}" for b in blocks)
            or "none yet"
        )
    found = ws.search(text, k)
    return "\n".join(describe(r) for r in found) or "none found"


def run_memory_agent(model: Any, spec: AgentSpec, task: AgentTask, ctx: MemorizeContext) -> dict[str, Any]:
    """One memory agent on one batch: its tool loop, returning the writes it staged (nothing is written yet)."""
    batch = task["batch"]
    ws = Workspace(ctx.store, ctx.call.lock, batch, spec.name, spec.name)
    prompt = AGENT_TASK_TEMPLATE.format(
        instruction=task["instruction"] or "store what matters",
        batch=BATCH_TEMPLATE.format(observations=batch.text),
        type=spec.name,
        related=_related(ws, batch.text, ctx.related_k),
    )
    messages = [SystemMessage(content=spec.prompt), HumanMessage(content=prompt)]
    try:
        result = run_tool_loop(
            model,
            messages,
            spec.tools,
            ctx.call,
            purpose=f"memorize:{spec.name}",
            inject={"ws": ws},
            max_steps=ctx.max_steps,
            max_invalid=ctx.max_invalid,
        )
    except AgentError as error:
        log.info("%s agent stopped: %s", spec.name, error)
        return {"failures": [_failure(error, spec.name)]}
    run = {"agent": spec.name, "ops": len(ws.ops), "repaired": len(result.errors), "calls": result.model_calls}
    return {"ops": ws.ops, "agent_runs": [run]}


def build_memorize_graph(model: Any, prompt_chars: int = DEFAULT_PROMPT_CHARS) -> Any:
    """Compile the memorize graph for ``model`` (a chat model supporting tool calls)."""

    def triage_node(state: MemorizeState) -> dict[str, Any]:
        batch = triage(
            state["observations"], state.get("recent_texts", ()), state.get("vault_values", ()), prompt_chars
        )
        return {"batch": batch}

    def after_triage(state: MemorizeState) -> str:
        return "commit" if state["batch"].skip_reason or not state["batch"].refs else "meta_agent"

    def meta_agent(state: MemorizeState, runtime: Runtime[MemorizeContext]) -> dict[str, Any]:
        ctx = runtime.context
        menu = agent_menu({name: spec.description for name, spec in AGENTS.items()})
        messages = [
            SystemMessage(content=META_PROMPT.format(agents=menu)),
            HumanMessage(content=BATCH_TEMPLATE.format(observations=state["batch"].text)),
        ]
        chosen: list[dict[str, str]] = []
        try:
            run_tool_loop(
                model,
                messages,
                [route_to_memory_agents],
                ctx.call,
                purpose="memorize:meta",
                inject={"chosen": chosen},
                require_tool=True,
                stop_tools=["route_to_memory_agents"],
                max_steps=ctx.max_invalid + 1,
                max_invalid=ctx.max_invalid,
            )
        except AgentError as error:
            return {"failures": [_failure(error, "meta_agent")], "routes": []}
        return {"routes": chosen}

    def fan_out(state: MemorizeState) -> Any:
        if state.get("failures") or not state.get("routes"):
            return "commit"
        return [
            Send(
                route["agent"], {"batch": state["batch"], "agent": route["agent"], "instruction": route["instruction"]}
            )
            for route in state["routes"]
        ]

    def agent_node(spec: AgentSpec) -> Any:
        def node(task: AgentTask, runtime: Runtime[MemorizeContext]) -> dict[str, Any]:
            return run_memory_agent(model, spec, task, runtime.context)

        node.__name__ = f"{spec.name}_agent"
        return node

    graph = StateGraph(MemorizeState, context_schema=MemorizeContext)
    graph.add_node("triage", triage_node)
    graph.add_node("meta_agent", meta_agent)
    for name, spec in AGENTS.items():
        graph.add_node(name, agent_node(spec))
        graph.add_edge(name, "commit")
    graph.add_node("commit", commit_node)
    graph.add_edge(START, "triage")
    graph.add_conditional_edges("triage", after_triage, ["meta_agent", "commit"])
    graph.add_conditional_edges("meta_agent", fan_out, [*AGENTS, "commit"])
    graph.add_edge("commit", END)
    return graph.compile()


def commit_node(state: MemorizeState, runtime: Runtime[MemorizeContext]) -> dict[str, Any]:
    """Write every staged memory and mark the batch done in one transaction, or record why it failed."""
    ctx, batch = runtime.context, state["batch"]
    ids = batch.observation_ids
    failures = state.get("failures") or []
    waiting = [f for f in failures if f["kind"] in ("budget", "provider")]
    if waiting:
        return {"outcome": {"status": WAITING, "reason": waiting[0]["error"], "kind": waiting[0]["kind"], "ids": ids}}
    if failures:
        return {"outcome": _record_failure(ctx, ids, "; ".join(f"{f['where']}: {f['error']}" for f in failures))}
    ops = state.get("ops") or []
    try:
        written = apply_ops(ctx.store, ops, ids)
    except (StoreError, ValueError) as error:
        return {"outcome": _record_failure(ctx, ids, f"writing memories failed: {error}")}
    status = SKIPPED if batch.skip_reason else DONE
    return {
        "outcome": {
            "status": status,
            "reason": batch.skip_reason,
            "ids": ids,
            "written": written.written,
            "memory_ids": written.memory_ids,
            "routes": [r["agent"] for r in state.get("routes") or []],
            "agent_runs": state.get("agent_runs") or [],
        }
    }


def _record_failure(ctx: MemorizeContext, ids: list[str], reason: str) -> dict[str, Any]:
    with ctx.call.lock:
        ctx.store.observations.record_failure(ids, reason, ctx.max_attempts, ctx.backoff_s)
        parked = [o["id"] for o in ctx.store.observations.get_many(ids) if o["status"] == PARKED]
    return {"status": FAILED, "reason": reason, "ids": ids, "parked": len(parked)}
