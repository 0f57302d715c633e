"""The MCP server's queries, run by the data dir's owner against its open store: JSON in, JSON out.

Every result passes through ``Withheld`` before it leaves the owner: no vault value, no high-sensitivity vault
entry, no secret-looking string. Only ``remember`` writes (the server offers it only with ``--allow-write``).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from agents.offline_answer import elide
from mirix_app.mcp.withhold import Withheld
from stores.errors import NotFoundError, UserFacingError
from stores.gated_store import Run, gated
from stores.memory_types import MEMORY_TYPES, OBSERVATION, memory_type, observation_text
from stores.observations import NewObservation
from stores.timeutil import normalize_iso, to_epoch, utcnow_iso

MAX_K = 50
MAX_LIMIT = 200
MAX_REMEMBER_CHARS = 20_000
SOURCE_CHARS = 500
DEFAULT_WINDOW = timedelta(hours=24)
TYPE_NAMES = (*MEMORY_TYPES, "vault", OBSERVATION)
OBSERVATION_FIELDS = ("id", "source_id", "kind", "time", "app", "title", "speaker", "text", "session", "status")
_AGO = re.compile(r"^\s*(\d+)\s*(m|min|minutes?|h|hours?|d|days?|w|weeks?)\s*(ago)?\s*$", re.I)
_UNIT_S = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_CLIENT = re.compile(r"[^a-z0-9._-]+")


class QueryError(UserFacingError):
    """A query the owner cannot answer as asked: unknown query, bad argument, unknown id."""


@dataclass
class QueryContext:
    """What a query may use besides the store: the data dir (settings), the vault policy, the asking client."""

    data_dir: Path
    withheld: Withheld
    client: str


def run_query(
    store: Any, data_dir: Path, name: str, args: Mapping[str, Any], client: str = "", run: Run | None = None
) -> dict[str, Any]:
    """Answer one named query; the result is cleaned of every vault value and secret before it is returned.

    ``run``: when given, every store call goes through it (a query run off the owner's engine thread).
    """
    if run is not None:
        store = gated(store, run)
    handler = QUERIES.get(name)
    if handler is None:
        raise QueryError(f"Unknown query {name!r}; this owner answers {', '.join(QUERIES)}.")
    if not isinstance(args, Mapping):
        raise QueryError("The query's arguments must be a JSON object.")
    withheld = Withheld.of(store)
    result = handler(store, QueryContext(Path(data_dir), withheld, client_label(client)), args)
    return withheld.clean(result)


def client_label(name: str | None) -> str:
    """A client's name as it appears in source ids (``mcp:<client>``): lower case, no spaces or colons."""
    label = _CLIENT.sub("-", (name or "").strip().lower()).strip("-.")
    return label[:60] or "unknown"


# -- arguments -------------------------------------------------------------------------------------
def _text(args: Mapping[str, Any], name: str) -> str:
    value = args.get(name)
    if not isinstance(value, str) or not value.strip():
        raise QueryError(f"'{name}' must be a non-empty string.")
    return value.strip()


def _int(args: Mapping[str, Any], name: str, default: int, top: int) -> int:
    value = args.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
        raise QueryError(f"'{name}' must be a whole number from 1 to {top}.")
    return value


def parse_when(value: Any, name: str, now: datetime | None = None) -> str | None:
    """An ISO-8601 date or time as given, or a span back from now ("2h", "3 days ago", "1w") as ISO-8601."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise QueryError(f"'{name}' must be a string.")
    ago = _AGO.match(value)
    if ago:
        seconds = int(ago.group(1)) * _UNIT_S[ago.group(2)[0].lower()]
        return ((now or datetime.now(UTC)) - timedelta(seconds=seconds)).isoformat()
    try:
        return normalize_iso(value.strip())
    except ValueError:
        raise QueryError(
            f"'{name}' is not an ISO-8601 date or time or a span such as '2h' or '3d': {value!r}."
        ) from None


def _types(value: Any) -> list[str] | None:
    if value is None or value == []:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v in TYPE_NAMES for v in value):
        raise QueryError(f"'types' must be a list of: {', '.join(TYPE_NAMES)}.")
    return list(value)


# -- results ---------------------------------------------------------------------------------------
def _hit(hit: Any) -> dict[str, Any]:
    return {
        "type": hit.type,
        "id": hit.id,
        "text": hit.text,
        "time": hit.time,
        "app": hit.app,
        "source_ids": list(hit.sources),
        "score": round(float(hit.score), 4),
    }


def _observation(obs: Mapping[str, Any]) -> dict[str, Any]:
    return {name: obs.get(name) for name in OBSERVATION_FIELDS}


def _source(obs: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "observation_id": obs["id"],
        "source_id": obs["source_id"],
        "kind": obs.get("kind"),
        "time": obs.get("time"),
        "app": obs.get("app"),
        "text": elide(observation_text(obs), SOURCE_CHARS),
    }


# -- the queries -----------------------------------------------------------------------------------
def search_memory(store: Any, ctx: QueryContext, args: Mapping[str, Any]) -> dict[str, Any]:
    """Hybrid search (keywords + meaning + recency) over the memories and raw observations."""
    query, k = _text(args, "query"), _int(args, "k", 10, MAX_K)
    app = args.get("app") or None
    if app is not None and not isinstance(app, str):
        raise QueryError("'app' must be a string.")
    since, until = parse_when(args.get("since"), "since"), parse_when(args.get("until"), "until")
    hits = store.search(query, types=_types(args.get("types")), k=k + len(ctx.withheld.unlisted), since=since,
                        until=until, app=app)  # fmt: skip
    listed = [_hit(h) for h in hits if ctx.withheld.listed(h.type, h.id)][:k]
    return {"query": query, "hits": listed}


def ask_memory(store: Any, ctx: QueryContext, args: Mapping[str, Any]) -> dict[str, Any]:
    """The chat graph's answer with its citations; offline (ranked memories) when no model is configured."""
    from agents.errors import ProviderConfigError
    from mirix_app.factories import load_app_settings, make_chat, make_chat_model

    question = _text(args, "question")
    settings = load_app_settings(ctx.data_dir)
    note = ""
    try:
        model = make_chat_model(settings)
    except ProviderConfigError as error:
        model, note = None, f"The configured language model cannot be used ({error}); answered offline."
    chat = make_chat(store, settings, model, withhold_vault=True)
    answer = chat.ask(question, keep_thread=False)
    citations = [
        {
            "n": item["n"],
            "type": item["type"],
            "id": item["id"],
            "time": item.get("time"),
            "text": item.get("text"),
            "source_ids": list(item.get("sources") or []),
        }
        for item in answer.citations
        if ctx.withheld.listed(item["type"], item["id"])
    ]
    result = {"question": question, "answer": answer.text, "mode": answer.mode, "citations": citations}
    return {**result, "note": note} if note else result


def recent_activity(store: Any, ctx: QueryContext, args: Mapping[str, Any]) -> dict[str, Any]:
    """The episodes of a time window (default: the last 24 hours), oldest first, and the apps seen in it."""
    limit = _int(args, "limit", 20, MAX_LIMIT)
    now = datetime.now(UTC)
    since = parse_when(args.get("since"), "since", now) or (now - DEFAULT_WINDOW).isoformat()
    until = parse_when(args.get("until"), "until", now) or now.isoformat()
    start, end = float(to_epoch(since) or 0.0), float(to_epoch(until) or time.time())
    episodes = [e for e in store.episodes_between(start, end) if _overlaps(e[1], e[2], start, end)]
    shown = episodes[-limit:]
    rows = []
    for memory_id, occurred, ended, summary, app in shown:
        record = store.get("episodic", memory_id)
        rows.append(
            {
                "id": memory_id,
                "start": occurred,
                "end": ended,
                "app": app,
                "summary": summary,
                "details": elide(record.get("details") or "", SOURCE_CHARS),
                "source_ids": store.source_ids(record["sources"]),
            }
        )
    apps = [{"app": app or "(none)", "observations": n} for app, n in store.apps_between(start, end)]
    return {
        "since": since,
        "until": until,
        "summary": _activity_summary(len(episodes), len(rows), apps),
        "episodes": rows,
        "more": len(episodes) - len(rows),
        "apps": apps,
    }


def _overlaps(occurred: str, ended: str | None, start: float, end: float) -> bool:
    first = to_epoch(occurred) or 0.0
    last = to_epoch(ended) if ended else first
    return first < end and (last or first) >= start


def _activity_summary(total: int, shown: int, apps: list[dict[str, Any]]) -> str:
    seen = sum(a["observations"] for a in apps)
    busiest = ", ".join(f"{a['app']} ({a['observations']})" for a in apps[:5])
    head = f"{total} episode(s) in this window" + (f", the latest {shown} shown" if shown < total else "")
    if not seen:
        return head + "; nothing was captured or imported in it."
    return head + f"; {seen} observation(s) captured or imported, most in: {busiest}."


def get_memory(store: Any, ctx: QueryContext, args: Mapping[str, Any]) -> dict[str, Any]:
    """One memory with its fields, history and source observations, or one observation with what was made from it.

    ``id`` is a memory id, an observation id or a source id (a chat message id or frame id).
    """
    wanted = _text(args, "id")
    item_id, kind = wanted, store.kind_of(wanted)
    if kind is None:
        found = store.observation_id_for_source(wanted)
        item_id, kind = (found, OBSERVATION) if found else (wanted, None)
    if kind is None or not ctx.withheld.listed(kind, item_id):
        raise QueryError(f"Nothing in the memory has the id {wanted!r} (a memory id, observation id or source id).")
    try:
        if kind == OBSERVATION:
            obs = store.observations.get(item_id)
            made = [
                {"type": t, "id": i} for t, i in store.memories_from_observation(item_id) if ctx.withheld.listed(t, i)
            ]
            return {"type": OBSERVATION, "id": item_id, "record": _observation(obs), "history": [],
                    "sources": [_source(obs)], "memories": made}  # fmt: skip
        record = store.get(kind, item_id)
        history = [
            {"version": h["version"], "action": h["action"], "changed_at": h["changed_at"], "record": h["record"]}
            for h in store.history(kind, item_id)
        ]
        sources = [_source(o) for o in store.observations.get_many(record.get("sources") or [])]
    except NotFoundError as error:
        raise QueryError(str(error)) from None
    return {"type": memory_type(kind).name, "id": item_id, "record": record, "history": history, "sources": sources}


def core_memory(store: Any, ctx: QueryContext, args: Mapping[str, Any]) -> dict[str, Any]:
    """The core memory blocks (persona, human, ...): all of them, or the one with ``label``."""
    blocks = [
        {"label": b["label"], "value": b["value"], "updated_at": b.get("updated_at"), "id": b["id"]}
        for b in store.memories.list_recent("core", 200)
    ]
    label = args.get("label")
    if label:
        chosen = [b for b in blocks if b["label"] == label]
        if not chosen:
            known = ", ".join(sorted(b["label"] for b in blocks)) or "none yet"
            raise QueryError(f"No core memory block is labelled {label!r} (labels: {known}).")
        blocks = chosen
    return {"blocks": sorted(blocks, key=lambda b: b["label"])}


def remember(store: Any, ctx: QueryContext, args: Mapping[str, Any]) -> dict[str, Any]:
    """Keep ``text`` as a pending observation from ``mcp:<client>``; it is memorized like any other."""
    text = _text(args, "text")
    if len(text) > MAX_REMEMBER_CHARS:
        raise QueryError(f"'text' is longer than {MAX_REMEMBER_CHARS:,} characters; send it in parts.")
    source = f"mcp:{ctx.client}"
    note = NewObservation(
        kind="note", source_id=f"{source}:{uuid.uuid4().hex[:16]}", time=utcnow_iso(), text=text, app=source
    )
    with store.transaction():
        observation_id, _ = store.observations.add(note)
    store.sync_vectors()
    return {
        "stored": True,
        "observation_id": observation_id,
        "source_id": note.source_id,
        "source": source,
        "status": "pending",
        "message": "Kept as an observation; mirix-app memorizes it with the rest of its inbox.",
    }


Query = Callable[[Any, QueryContext, Mapping[str, Any]], dict[str, Any]]
QUERIES: dict[str, Query] = {
    "search_memory": search_memory,
    "ask_memory": ask_memory,
    "recent_activity": recent_activity,
    "get_memory": get_memory,
    "core_memory": core_memory,
    "remember": remember,
}
WRITES = frozenset({"remember"})
