"""The memorize graph: triage -> single pass, or meta-agent -> memory agents in parallel (Send) -> one commit."""

from __future__ import annotations

import logging
from typing import Any, Literal

from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Send
from pydantic import BaseModel, Field

from agents.agent_actions import run_agent_actions
from agents.capabilities import CapabilityMemory
from agents.context import MemorizeContext
from agents.errors import AgentError, BudgetExhausted, InvalidModelOutput
from agents.kind_signs import kinds_with_signs
from agents.llm_profile import LLMProfile
from agents.memory_agents.base import Workspace, describe
from agents.memory_agents.registry import AGENTS
from agents.memory_agents.spec import AgentSpec
from agents.offline_memorizer import episode_ops
from agents.open_segments import earlier_segments
from agents.ops import MemoryOp, apply_ops
from agents.prompts import AGENT_TASK_TEMPLATE, BATCH_TEMPLATE, META_PROMPT, agent_menu
from agents.schema_bounds import MAX_CHARS
from agents.single_pass import extraction_messages, extraction_request, find_related, stage_extraction
from agents.state import AgentTask, MemorizeState
from agents.structured import request_for, structured_call
from agents.tools import run_tool_loop
from agents.triage import TriagedBatch, triage
from stores.errors import StoreError
from stores.memory_store import MemoryStore
from stores.observations import PARKED

log = logging.getLogger(__name__)

AgentName = Literal["core", "episodic", "semantic", "procedural", "resource", "knowledge_vault"]
assert set(AgentName.__args__) == set(AGENTS), "AgentName must list the registry's agents"

DONE, SKIPPED, FAILED, WAITING = "done", "skipped", "failed", "waiting"
AGENTS_MODE, SINGLE_PASS = "agents", "single_pass"


class Route(BaseModel):
    """One memory agent the meta-agent calls, with what it should do."""

    agent: AgentName = Field(description="which memory agent")
    instruction: str = Field(
        description="what it should store from these observations, in one sentence",
        json_schema_extra={"maxLength": MAX_CHARS["instruction"]},  # in the schema only: a grammar ends it there
    )


class Routing(BaseModel):
    """The memory agents that must act on a batch."""

    routes: list[Route] = Field(
        min_length=1,
        description="one entry per memory agent to call, each with a short instruction",
        json_schema_extra={"maxItems": len(AGENTS)},
    )


ROUTING = request_for(Routing, "route_to_memory_agents", "Send the observations to the memory agents that must act.")


def memorize_mode(profile: LLMProfile, capabilities: CapabilityMemory) -> str:
    """agents or single_pass; auto = single pass for local models and models whose structured output failed."""
    if profile.memorize_mode in (AGENTS_MODE, SINGLE_PASS):
        return profile.memorize_mode
    return SINGLE_PASS if profile.local or capabilities.failed_before(profile.key) else AGENTS_MODE


def _structured(ctx: MemorizeContext, purpose: str) -> dict[str, Any]:
    return {"call": ctx.call, "profile": ctx.profile, "memory": ctx.capabilities, "purpose": purpose}


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
    ws = Workspace(ctx.store, batch, spec.name, spec.name)
    prompt = AGENT_TASK_TEMPLATE.format(
        instruction=task["instruction"] or "store what matters",
        batch=BATCH_TEMPLATE.format(observations=batch.text),
        type=spec.name,
        related=_related(ws, batch.text, ctx.related_k),
    )
    messages = [SystemMessage(content=spec.prompt), HumanMessage(content=prompt)]
    try:
        if ctx.profile.local:
            result: Any = run_agent_actions(
                model,
                messages,
                spec.tools,
                list(batch.refs),
                {"ws": ws},
                max_invalid=ctx.max_invalid,
                **_structured(ctx, f"memorize:{spec.name}"),
            )
        else:
            result = _tool_loop(model, spec, messages, ws, ctx)
            if not ws.ops:
                result = _nudge(model, spec, messages, ws, ctx, result)
    except AgentError as error:
        log.info("%s agent stopped: %s", spec.name, error)
        return {"failures": [_failure(error, spec.name)]}
    if not ws.ops:
        log.info("%s agent staged nothing (%s)", spec.name, "; ".join(result.errors)[:300] or "no error")
    run = {"agent": spec.name, "ops": len(ws.ops), "repaired": len(result.errors), "calls": result.model_calls}
    return {"ops": ws.ops, "agent_runs": [run]}


def _tool_loop(model: Any, spec: AgentSpec, messages: list[Any], ws: Workspace, ctx: MemorizeContext) -> Any:
    return run_tool_loop(
        model,
        messages,
        spec.tools,
        ctx.call,
        purpose=f"memorize:{spec.name}",
        inject={"ws": ws},
        max_steps=ctx.max_steps,
        max_invalid=ctx.max_invalid,
    )


NUDGE = (
    "You stored nothing. You were routed these observations because they hold {type} memory: store it now "
    "with your tools. Only if they truly hold nothing of that kind, reply 'nothing to store: <reason>'."
)


def _nudge(model: Any, spec: AgentSpec, messages: list[Any], ws: Workspace, ctx: MemorizeContext, first: Any) -> Any:
    """One reminder when a routed agent stored nothing: 'nothing to store' must be a checked outcome."""
    messages.append(HumanMessage(content=NUDGE.format(type=spec.name)))
    again = _tool_loop(model, spec, messages, ws, ctx)
    again.model_calls += first.model_calls
    again.errors = [*first.errors, *again.errors]
    if not ws.ops:
        log.info("%s agent stored nothing after a reminder: %s", spec.name, again.final_text[:200])
    return again


def build_memorize_graph(model: Any, prompt_chars: int | None = None) -> Any:
    """Compile the memorize graph for ``model``: agents (meta-agent + memory agents) or single pass, one commit."""

    def triage_node(state: MemorizeState, runtime: Runtime[MemorizeContext]) -> dict[str, Any]:
        chars = prompt_chars or runtime.context.profile.prompt_chars
        batch = triage(state["observations"], state.get("recent_texts", ()), state.get("vault_values", ()), chars)
        return {"batch": batch}

    def after_triage(state: MemorizeState, runtime: Runtime[MemorizeContext]) -> str:
        if state["batch"].skip_reason or not state["batch"].refs:
            return "commit"
        ctx = runtime.context
        return "single_pass" if memorize_mode(ctx.profile, ctx.capabilities) == SINGLE_PASS else "meta_agent"

    def single_pass(state: MemorizeState, runtime: Runtime[MemorizeContext]) -> dict[str, Any]:
        ctx, batch = runtime.context, state["batch"]
        related = find_related(ctx.store, batch.text, ctx.related_k)
        try:
            found = structured_call(
                model,
                extraction_messages(batch, related),
                extraction_request(batch, related),
                max_invalid=ctx.max_invalid,
                **_structured(ctx, "memorize:single_pass"),
            )
        except AgentError as error:
            return {"failures": [_failure(error, "single_pass")]}
        applied = stage_extraction(ctx.store, batch, related, found)
        if applied.refused:
            log.info("single pass: %d item(s) refused: %s", len(applied.refused), "; ".join(applied.refused)[:500])
        kinds = sorted({op.type for op in applied.ops})
        run = {"agent": SINGLE_PASS, "ops": len(applied.ops), "refused": applied.refused, "calls": 1}
        return {"ops": applied.ops, "agent_runs": [run], "routes": [{"agent": k, "instruction": ""} for k in kinds]}

    def meta_agent(state: MemorizeState, runtime: Runtime[MemorizeContext]) -> dict[str, Any]:
        ctx = runtime.context
        menu = agent_menu({name: spec.description for name, spec in AGENTS.items()})
        messages = [
            SystemMessage(content=META_PROMPT.format(agents=menu)),
            HumanMessage(content=BATCH_TEMPLATE.format(observations=state["batch"].text)),
        ]
        try:
            routing = structured_call(
                model, messages, ROUTING, max_invalid=ctx.max_invalid, **_structured(ctx, "memorize:meta")
            )
        except AgentError as error:
            return {"failures": [_failure(error, "meta_agent")], "routes": []}
        chosen: dict[str, str] = {}
        for route in routing.routes:
            chosen.setdefault(route.agent, route.instruction)
        if ctx.profile.local:  # a small model under-routes: every batch has events, and signs of a rare kind count
            for name in ["episodic", *sorted(kinds_with_signs(state["batch"].text))]:
                chosen.setdefault(name, "")
        log.info("meta-agent routed the batch to %s", ", ".join(chosen))
        return {"routes": [{"agent": a, "instruction": i} for a, i in chosen.items()]}

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
    graph.add_node("single_pass", single_pass)
    for name, spec in AGENTS.items():
        graph.add_node(name, agent_node(spec))
        graph.add_edge(name, "commit")
    graph.add_node("commit", commit_node)
    graph.add_edge(START, "triage")
    graph.add_conditional_edges("triage", after_triage, ["meta_agent", "single_pass", "commit"])
    graph.add_edge("single_pass", "commit")
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
    segments = [] if batch.skip_reason else _segment_episodes(ctx.store, state["observations"], ids, batch)
    try:
        written = apply_ops(ctx.store, [*ops, *segments], ids)
    except (StoreError, ValueError) as error:
        return {"outcome": _record_failure(ctx, ids, f"writing memories failed: {error}")}
    status = SKIPPED if batch.skip_reason else DONE
    return {
        "outcome": {
            "status": status,
            "reason": batch.skip_reason,
            "ids": ids,
            "written": written.written,
            "memory_ids": written.memory_ids[: len(ops)],
            "segment_ids": written.memory_ids[len(ops) :],
            "routes": [r["agent"] for r in state.get("routes") or []],
            "agent_runs": state.get("agent_runs") or [],
        }
    }


def _segment_episodes(
    store: MemoryStore, observations: list[dict[str, Any]], ids: list[str], batch: TriagedBatch
) -> list[MemoryOp]:
    """The batch's lines as episodes: the model keeps what it chose, these cover every line it read (for search)."""
    read = set(ids)
    lines = [o for o in observations if o["id"] in read]
    return episode_ops(lines, batch.redactor, earlier_segments(store, batch.redactor))


def _record_failure(ctx: MemorizeContext, ids: list[str], reason: str) -> dict[str, Any]:
    ctx.store.observations.record_failure(ids, reason, ctx.max_attempts, ctx.backoff_s)
    parked = [o["id"] for o in ctx.store.observations.get_many(ids) if o["status"] == PARKED]
    return {"status": FAILED, "reason": reason, "ids": ids, "parked": len(parked)}
