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
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from pydantic import BaseModel, Field, field_validator

from agents.context import ChatContext
from agents.errors import AgentError
from agents.offline_answer import elide, offline_answer
from agents.prompts import ANSWER_PROMPT, QUERY_PROMPT
from agents.query_analysis import QueryAnalysis, analyse_offline
from agents.redact import Redactor
from agents.state import ChatState
from agents.structured import request_for, structured_call
from stores.memory_types import OBSERVATION
from stores.observations import NewObservation
from stores.timeutil import normalize_iso, utcnow_iso

log = logging.getLogger(__name__)

CHAT_TURN = "chat-turn:"  # source-id prefix of the user's questions to the assistant
QUESTION_SLACK = 6  # extra hits fetched so that dropping earlier questions still leaves k
HISTORY_TURNS = 6
ITEM_CHARS = 600
# a local model reads slowly and gets lost in long prompts: fewer, shorter items (about 600 tokens in all)
LOCAL_K, LOCAL_ITEM_CHARS = 6, 400
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


class QueryTopics(BaseModel):
    """What to search for, and the time range the question names (if any)."""

    topics: list[str] = Field(min_length=1, description="keywords or short phrases to search for")
    since: str | None = Field(default=None, description="start of the time range the question names (ISO-8601)")
    until: str | None = Field(default=None, description="end of that time range (ISO-8601)")

    @field_validator("since", "until")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        if value:
            try:
                normalize_iso(value)
            except ValueError:
                raise ValueError(f"{value!r} is not an ISO-8601 time") from None
        return value or None


class CitedAnswer(BaseModel):
    """A short answer and the numbers of the memories it comes from."""

    answer: str = Field(description="the answer in one or two sentences, or I don't know")
    cited: list[int] = Field(default_factory=list, description="numbers of the memories the answer comes from")


QUERY_REQUEST = request_for(QueryTopics, "analyse_query", "Report what to search for.")
ANSWER_REQUEST = request_for(CitedAnswer, "answer", "The answer with its citations.")


def _secrets_to_withhold(ctx: ChatContext) -> tuple[list[str], dict[str, str]]:
    """Vault values never shown to a model (high, and medium unless allowed), and those that may be."""
    hidden, shown = [], {}
    for vault_id, sensitivity, _ in ctx.store.vault_entries():
        value = ctx.store.reveal(vault_id)
        if ctx.withhold_vault:
            hidden.append(value)
        elif sensitivity == "low" or (sensitivity == "medium" and ctx.allow_medium_vault):
            shown[vault_id] = value
        else:
            hidden.append(value)
    return hidden, shown


def _item(n: int, hit: Any, text: str, chars: int) -> dict[str, Any]:
    return {
        "n": n,
        "type": hit.type,
        "id": hit.id,
        "time": hit.time,
        "text": elide(text, chars),
        "sources": list(hit.sources),
        "observation_ids": list(hit.observation_ids),
        "origin": hit.origin,
    }


def _format_items(items: list[dict[str, Any]]) -> str:
    lines = []
    for it in items:
        when = f", {str(it['time'])[:16].replace('T', ' ')}" if it.get("time") else ""
        lines.append(f"[{it['n']}] ({it['type']}{when}) {it['text']}")
    return "\n".join(lines) or "(nothing found)"


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
        if model is None or not runtime.context.profile.model_query_analysis:
            return {"analysis": offline.to_dict()}
        found = _analyse_with_model(model, state["question"], runtime.context)
        if found is None:
            return {"analysis": offline.to_dict()}
        named_time = bool(offline.time_phrase)  # a model's time range counts only when the question names a time
        return {
            "analysis": {
                **found.to_dict(),
                "since": (found.since or offline.since) if named_time else None,
                "until": (found.until or offline.until) if named_time else None,
            }
        }

    def retrieve(state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, Any]:
        ctx, analysis = runtime.context, state["analysis"]
        hidden, shown = _secrets_to_withhold(ctx)
        scrub = Redactor(known_values=tuple(hidden))
        local = ctx.profile.local and model is not None
        hits = _find(ctx, state["question"], analysis, min(ctx.k, LOCAL_K) if local else ctx.k)
        if ctx.withhold_vault:
            unlisted = {vault_id for vault_id, sensitivity, _ in ctx.store.vault_entries() if sensitivity == "high"}
            hits = [h for h in hits if not (h.type == "knowledge_vault" and h.id in unlisted)]
        chars = LOCAL_ITEM_CHARS if local else ITEM_CHARS
        items = [_item(n, h, scrub.redact(_hit_text(ctx, h, shown)), chars) for n, h in enumerate(hits, 1)]
        core = [scrub.redact(f"{b['label']}: {b['value']}") for b in ctx.store.memories.list_recent("core", 20)]
        return {"items": items, "core": core}

    def answer(state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, Any]:
        ctx, items = runtime.context, state["items"]
        if model is None:
            text = offline_answer(state["question"], items)
            _emit(ctx, text)
            return {"answer": text, "citations": items, "mode": "offline"}
        messages = _answer_messages(state)
        try:
            if ctx.profile.local:
                text = _structured_answer(model, messages, items, ctx)
                _emit(ctx, text)
            elif ctx.on_token is not None:
                text = _text(ctx.call.stream(model, messages, "chat:answer", ctx.on_token))
            else:
                text = _text(ctx.call(model, messages, "chat:answer"))
        except AgentError as error:
            note = f"(The language model is unavailable: {error}. Showing the memories found.)"
            text = offline_answer(state["question"], items, note)
            _emit(ctx, text)
            return {"answer": text, "citations": items, "mode": "offline"}
        return {"answer": text, "citations": cited(text, items), "mode": "llm"}

    def remember(state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, Any]:
        ctx = runtime.context
        if not state.get("keep_thread", True):  # a read-only caller: nothing is written
            return {"thread_id": state.get("thread_id") or ""}
        thread_id = state.get("thread_id") or ctx.threads.create(state["question"][:80])
        ctx.threads.add_message(thread_id, "user", state["question"])
        ctx.threads.add_message(thread_id, "assistant", state["answer"], state.get("citations") or [])
        if state.get("remember", True):
            ctx.store.observations.add(
                NewObservation(
                    kind="chat_turn",
                    source_id=f"{CHAT_TURN}{uuid.uuid4().hex}",
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


def _find(ctx: ChatContext, question: str, analysis: dict[str, Any], k: int) -> list[Any]:
    """Search the topics inside the time range; a time-only question lists what is dated in the range."""
    topics, since, until = analysis.get("topics") or [], analysis.get("since"), analysis.get("until")
    timed, depth = bool(since or until), k + QUESTION_SLACK
    hits = _not_questions(ctx.store.search(" ".join(topics), k=depth, since=since, until=until)) if topics else []
    if not hits and timed:
        hits = _not_questions(ctx.store.in_time_range(since, until, k=depth))
    if not hits:
        hits = _not_questions(ctx.store.search(" ".join(topics) or question, k=depth))
    return hits[:k]


def _not_questions(hits: list[Any]) -> list[Any]:
    """Drop the user's own earlier questions to the assistant: they are never the answer to a new one."""
    return [h for h in hits if not (h.type == OBSERVATION and any(s.startswith(CHAT_TURN) for s in h.sources))]


def _text(reply: Any) -> str:
    return reply.content if isinstance(reply.content, str) else str(reply.content)


def _ask(model: Any, messages: list[BaseMessage], request: Any, ctx: ChatContext, purpose: str) -> Any:
    """One structured call with a single repair round (chat must stay quick)."""
    return structured_call(
        model,
        messages,
        request,
        call=ctx.call,
        profile=ctx.profile,
        memory=ctx.capabilities,
        purpose=purpose,
        max_invalid=1,
    )


def _structured_answer(model: Any, messages: list[BaseMessage], items: list[dict[str, Any]], ctx: ChatContext) -> str:
    """A schema-constrained answer (small local models otherwise reply with a bare citation); citations appended."""
    found = _ask(model, messages, ANSWER_REQUEST, ctx, "chat:answer")
    known = {it["n"] for it in items}
    numbers = [n for n in dict.fromkeys(found.cited) if n in known]
    text = _CITE.sub("", found.answer).strip() or "I don't know."
    return text + ("" if not numbers else " " + "".join(f"[{n}]" for n in numbers))


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
    return hit.text


def _analyse_with_model(model: Any, question: str, ctx: ChatContext) -> QueryAnalysis | None:
    messages: list[BaseMessage] = [
        SystemMessage(content=QUERY_PROMPT.format(today=utcnow_iso()[:10])),
        HumanMessage(content=question),
    ]
    try:
        found = _ask(model, messages, QUERY_REQUEST, ctx, "chat:query")
    except AgentError as error:
        log.info("query analysis by the model failed, using the offline one: %s", error)
        return None
    return QueryAnalysis([t for t in found.topics if t.strip()], found.since, found.until, source="llm")


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
        keep_thread: bool = True,
    ) -> ChatAnswer:
        """Answer ``question`` (continuing ``thread_id`` if given); tokens go to ``on_token`` as they arrive.

        ``remember`` keeps the question as an observation; ``keep_thread`` False writes nothing at all
        (no thread, no observation: a read-only caller).
        """
        history = []
        if thread_id:
            history = [{"role": m["role"], "content": m["content"]} for m in self.context.threads.messages(thread_id)]
        context = dataclasses.replace(self.context, on_token=on_token)
        state = {
            "question": question,
            "thread_id": thread_id or "",
            "history": history,
            "remember": remember and keep_thread,
            "keep_thread": keep_thread,
        }
        out = self.graph.invoke(state, context=context)
        return ChatAnswer(out["answer"], out.get("citations") or [], out["thread_id"], out["mode"], out["analysis"])
