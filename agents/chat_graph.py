"""The chat graph: query analysis -> hybrid search (+ core memory) -> cited answer (streamed, or offline) -> thread."""

from __future__ import annotations

import dataclasses
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.tools import tool
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agents.context import ChatContext
from agents.errors import AgentError
from agents.prompts import ANSWER_PROMPT, QUERY_PROMPT
from agents.query_analysis import QueryAnalysis, analyse_offline
from agents.redact import Redactor
from agents.state import ChatState
from agents.tools import ToolInputError, run_tool_loop
from stores.memory_lookup import vault_entries
from stores.memory_types import OBSERVATION
from stores.observations import NewObservation
from stores.timeutil import normalize_iso, utcnow_iso

log = logging.getLogger(__name__)

HISTORY_TURNS = 6
ITEM_CHARS = 600
_CITE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


@dataclass
class ChatAnswer:
    """An answer with its numbered citations (memory id, type, source observation and original source ids)."""

    text: str
    citations: list[dict[str, Any]]
    thread_id: str
    mode: str
    analysis: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@tool(parse_docstring=True)
def analyse_query(topics: list[str], since: str | None = None, until: str | None = None) -> str:
    """Report what to search for.

    Args:
        topics: keywords or short phrases to search for.
        since: start of the time range the question names (ISO-8601), or null.
        until: end of that time range (ISO-8601), or null.
    """
    for value in (since, until):
        if value:
            try:
                normalize_iso(value)
            except ValueError:
                raise ToolInputError(f"{value!r} is not an ISO-8601 time") from None
    if not [t for t in topics if t.strip()]:
        raise ToolInputError("give at least one topic")
    return "ok"


def _secrets_to_withhold(ctx: ChatContext) -> tuple[list[str], dict[str, str]]:
    """Vault values never shown to a model (high, and medium unless allowed), and those that may be."""
    hidden, shown = [], {}
    for vault_id, sensitivity, _ in vault_entries(ctx.store.db):
        value = ctx.store.reveal(vault_id)
        if sensitivity == "low" or (sensitivity == "medium" and ctx.allow_medium_vault):
            shown[vault_id] = value
        else:
            hidden.append(value)
    return hidden, shown


def _item(n: int, hit: Any, text: str) -> dict[str, Any]:
    return {
        "n": n,
        "type": hit.type,
        "id": hit.id,
        "time": hit.time,
        "text": text[:ITEM_CHARS],
        "sources": list(hit.sources),
        "observation_ids": list(hit.observation_ids),
    }


def _format_items(items: list[dict[str, Any]]) -> str:
    lines = []
    for it in items:
        when = f", {str(it['time'])[:16].replace('T', ' ')}" if it.get("time") else ""
        lines.append(f"[{it['n']}] ({it['type']}{when}) {it['text']}")
    return "\n".join(lines) or "(nothing found)"


def offline_answer(items: list[dict[str, Any]], note: str = "") -> str:
    """The answer without a model: the ranked memories themselves, numbered like citations."""
    head = note + "\n" if note else ""
    if not items:
        return head + "I found nothing in your memory about that."
    return head + "Here is what I found in your memory:\n" + _format_items(items)


def cited(answer: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items the answer cites ([2], [1, 3]), in order of first citation; unknown numbers are ignored."""
    by_n = {it["n"]: it for it in items}
    order: list[int] = []
    for group in _CITE.findall(answer):
        for number in group.split(","):
            n = int(number)
            if n in by_n and n not in order:
                order.append(n)
    return [by_n[n] for n in order]


def build_chat_graph(model: Any | None) -> Any:
    """Compile the chat graph; with ``model`` None every answer is the offline one (ranked memories)."""

    def analyse(state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, Any]:
        offline = analyse_offline(state["question"])
        if model is None:
            return {"analysis": offline.to_dict()}
        found = _analyse_with_model(model, state["question"], runtime.context)
        if found is None:
            return {"analysis": offline.to_dict()}
        return {
            "analysis": {
                **found.to_dict(),
                "since": found.since or offline.since,
                "until": found.until or offline.until,
            }
        }

    def retrieve(state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, Any]:
        ctx, analysis = runtime.context, state["analysis"]
        hidden, shown = _secrets_to_withhold(ctx)
        scrub = Redactor(known_values=tuple(hidden))
        with ctx.call.lock:
            hits = _find(ctx, state["question"], analysis)
            items = [_item(n, hit, scrub.redact(_hit_text(ctx, hit, shown))) for n, hit in enumerate(hits, 1)]
            core = [scrub.redact(f"{b['label']}: {b['value']}") for b in ctx.store.memories.list_recent("core", 20)]
        return {"items": items, "core": core}

    def answer(state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, Any]:
        ctx, items = runtime.context, state["items"]
        if model is None:
            text = offline_answer(items)
            _emit(ctx, text)
            return {"answer": text, "citations": items, "mode": "offline"}
        messages = _answer_messages(state)
        try:
            if ctx.on_token is not None:
                reply = ctx.call.stream(model, messages, "chat:answer", ctx.on_token)
            else:
                reply = ctx.call(model, messages, "chat:answer")
        except AgentError as error:
            text = offline_answer(items, f"(The language model is unavailable: {error}. Showing the memories found.)")
            _emit(ctx, text)
            return {"answer": text, "citations": items, "mode": "offline"}
        text = reply.content if isinstance(reply.content, str) else str(reply.content)
        return {"answer": text, "citations": cited(text, items), "mode": "llm"}

    def remember(state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, Any]:
        ctx = runtime.context
        with ctx.call.lock:
            thread_id = state.get("thread_id") or ctx.threads.create(state["question"][:80])
            ctx.threads.add_message(thread_id, "user", state["question"])
            ctx.threads.add_message(thread_id, "assistant", state["answer"], state.get("citations") or [])
            if state.get("remember", True):
                ctx.store.observations.add(
                    NewObservation(
                        kind="chat_turn",
                        source_id=f"chat-turn:{uuid.uuid4().hex}",
                        time=utcnow_iso(),
                        text=state["question"],
                        speaker="user",
                        session=thread_id,
                    )
                )
                ctx.store.sync_vectors()
        return {"thread_id": thread_id}

    graph = StateGraph(ChatState, context_schema=ChatContext)
    graph.add_node("analyse", analyse)
    graph.add_node("retrieve", retrieve)
    graph.add_node("answer", answer)
    graph.add_node("remember", remember)
    graph.add_edge(START, "analyse")
    graph.add_edge("analyse", "retrieve")
    graph.add_edge("retrieve", "answer")
    graph.add_edge("answer", "remember")
    graph.add_edge("remember", END)
    return graph.compile()


def _find(ctx: ChatContext, question: str, analysis: dict[str, Any]) -> list[Any]:
    """Search the topics inside the time range; a time-only question lists what is dated in the range."""
    topics, since, until = analysis.get("topics") or [], analysis.get("since"), analysis.get("until")
    timed = bool(since or until)
    hits = ctx.store.search(" ".join(topics), k=ctx.k, since=since, until=until) if topics else []
    if not hits and timed:
        hits = ctx.store.in_time_range(since, until, k=ctx.k)
    if not hits:
        hits = ctx.store.search(" ".join(topics) or question, k=ctx.k)
    return hits


def _emit(ctx: ChatContext, text: str) -> None:
    if ctx.on_token is not None:
        ctx.on_token(text)


def _hit_text(ctx: ChatContext, hit: Any, shown_vault: dict[str, str]) -> str:
    if hit.type == "knowledge_vault":
        return f"{hit.text}: {shown_vault[hit.id]}" if hit.id in shown_vault else f"{hit.text} (value withheld)"
    if hit.type == "semantic":
        record = ctx.store.memories.get("semantic", hit.id)
        if record.get("valid_to"):
            return f"{hit.text} (no longer true since {record['valid_to'][:10]})"
    if hit.type == OBSERVATION:
        return f"raw observation: {hit.text}"
    return hit.text


def _analyse_with_model(model: Any, question: str, ctx: ChatContext) -> QueryAnalysis | None:
    messages: list[BaseMessage] = [
        SystemMessage(content=QUERY_PROMPT.format(today=utcnow_iso()[:10])),
        HumanMessage(content=question),
    ]
    try:
        run_tool_loop(
            model,
            messages,
            [analyse_query],
            ctx.call,
            purpose="chat:query",
            require_tool=True,
            stop_tools=["analyse_query"],
            max_steps=3,
            max_invalid=1,
        )
    except AgentError as error:
        log.info("query analysis by the model failed, using the offline one: %s", error)
        return None
    call = next(m for m in reversed(messages) if isinstance(m, AIMessage) and m.tool_calls).tool_calls[-1]
    args = call["args"]
    return QueryAnalysis(list(args.get("topics") or []), args.get("since"), args.get("until"), source="llm")


def _answer_messages(state: ChatState) -> list[BaseMessage]:
    system = ANSWER_PROMPT.format(
        now=utcnow_iso()[:16], core="\n".join(state.get("core") or []) or "(empty)", items=_format_items(state["items"])
    )
    messages: list[BaseMessage] = [SystemMessage(content=system)]
    for turn in (state.get("history") or [])[-HISTORY_TURNS:]:
        cls = HumanMessage if turn["role"] == "user" else AIMessage
        messages.append(cls(content=turn["content"]))
    messages.append(HumanMessage(content=state["question"]))
    return messages


class Chat:
    """Ask questions in threads: runs the chat graph with the injected context; threads persist in the database."""

    def __init__(self, graph: Any, context: ChatContext) -> None:
        self.graph = graph
        self.context = context

    def ask(
        self,
        question: str,
        thread_id: str | None = None,
        on_token: Callable[[str], None] | None = None,
        remember: bool = True,
    ) -> ChatAnswer:
        """Answer ``question`` (continuing ``thread_id`` if given); tokens go to ``on_token`` as they arrive."""
        history = []
        if thread_id:
            history = [{"role": m["role"], "content": m["content"]} for m in self.context.threads.messages(thread_id)]
        context = dataclasses.replace(self.context, on_token=on_token)
        state = {"question": question, "thread_id": thread_id or "", "history": history, "remember": remember}
        out = self.graph.invoke(state, context=context)
        return ChatAnswer(out["answer"], out.get("citations") or [], out["thread_id"], out["mode"], out["analysis"])
