"""Turn store dicts into the UI's view-models (and the detail pane's edits back into store changes)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from stores import SECRET_MASK
from stores.memory_types import MEMORY_TYPES, OBSERVATION, observation_text
from ui.text_fit import elide_words
from ui.viewmodels import (
    TYPE_NAMES,
    ChatMessage,
    ChatReply,
    ChatThreadView,
    Citation,
    FieldValue,
    HistoryEntry,
    MemoryDetail,
    MemoryRow,
    SourceItem,
    ThreadRow,
)

MULTILINE = {"value", "summary", "details", "content", "steps", "text"}
READ_ONLY = {"id", "created_at", "updated_at", "version", "type", "sources"}
TITLE_CHARS = 160


def _short(text: str, limit: int = TITLE_CHARS) -> str:
    return elide_words(text, limit)


def _when(value: Any) -> str:
    return str(value or "")[:16].replace("T", " ")


def memory_row(type_name: str, record: Mapping[str, Any]) -> MemoryRow:
    """One table line for a memory or an observation."""
    if type_name == OBSERVATION:
        return MemoryRow(OBSERVATION, record["id"], _short(observation_text(record)), _when(record.get("time")))
    mtype = MEMORY_TYPES[type_name]
    when = (record.get(mtype.time_field) if mtype.time_field else None) or record.get("created_at")
    return MemoryRow(type_name, record["id"], _short(mtype.display(record)), _when(when), _when(record["updated_at"]))


def _field_text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return "" if value is None else str(value)


def memory_detail(type_name: str, record: Mapping[str, Any]) -> MemoryDetail:
    """The detail pane of a memory: its own fields (editable), then its bookkeeping."""
    if type_name == OBSERVATION:
        return observation_detail(record)
    mtype = MEMORY_TYPES[type_name]
    fields = [
        FieldValue(
            name,
            _field_text(record.get(name)),
            editable=True,
            multiline=name in MULTILINE,
            secret=name == "secret_value",
        )
        for name in mtype.fields
    ]
    fields += [
        FieldValue("created_at", _when(record.get("created_at")), editable=False),
        FieldValue("updated_at", _when(record.get("updated_at")), editable=False),
    ]
    return MemoryDetail(
        type_name,
        record["id"],
        _short(mtype.display(record), 120),
        fields,
        version=int(record.get("version") or 1),
        source_count=len(record.get("sources") or []),
    )


def observation_detail(record: Mapping[str, Any]) -> MemoryDetail:
    """The detail pane of an observation: what was seen or said (read-only)."""
    names = ("kind", "time", "app", "title", "speaker", "source_id", "status", "text")
    fields = [
        FieldValue(n, _field_text(record.get(n)), editable=False, multiline=n == "text")
        for n in names
        if record.get(n) not in (None, "")
    ]
    return MemoryDetail(
        OBSERVATION,
        record["id"],
        _short(observation_text(record), 120),
        fields,
        has_frame=bool(record.get("frame_file")),
        frame_ref=record["id"] if record.get("frame_file") else "",
    )


def source_item(obs: Mapping[str, Any]) -> SourceItem:
    return SourceItem(
        observation_id=obs["id"],
        kind=str(obs.get("kind") or ""),
        time=_when(obs.get("time")),
        text=_short(observation_text(obs), 400),
        source_id=str(obs.get("source_id") or ""),
        app=str(obs.get("app") or ""),
        title=str(obs.get("title") or ""),
        has_frame=bool(obs.get("frame_file")),
    )


def history_entry(type_name: str, row: Mapping[str, Any]) -> HistoryEntry:
    record = row["record"]
    mtype = MEMORY_TYPES[type_name]
    try:
        summary = mtype.display({**mtype.defaults, **record})
    except KeyError:
        summary = str(record)
    return HistoryEntry(int(row["version"]), str(row["action"]), _when(row["changed_at"]), _short(summary, 300))


def changes_from_form(type_name: str, edited: Mapping[str, str]) -> dict[str, Any]:
    """Store changes from the detail pane's edited texts (lists split by line; an untouched mask is no change)."""
    mtype = MEMORY_TYPES[type_name]
    out: dict[str, Any] = {}
    for name, text in edited.items():
        if name in READ_ONLY or name not in mtype.fields:
            continue
        if name == "secret_value" and (text == SECRET_MASK or not text):
            continue
        if name in mtype.list_fields:
            out[name] = [line.strip() for line in text.splitlines() if line.strip()]
        elif mtype.fields[name] is int:
            out[name] = int(text) if text.strip() else None
        else:
            out[name] = text if text.strip() or name not in mtype.required else text
    return out


def short_when(value: Any, now: datetime | None = None) -> str:
    """A moment as a chip shows it, in local time: "Tue 14:02" this week, "8 May 14:02" this year, else "8 May 2023"."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return ""
    moment = moment.astimezone()  # naive times are local already
    now = now or datetime.now().astimezone()
    if timedelta(0) <= now - moment < timedelta(days=6):
        return f"{moment:%a %H:%M}"
    if moment.year == now.year:
        return f"{moment.day} {moment:%b %H:%M}"
    return f"{moment.day} {moment:%b %Y}"


def citation_label(citation: Mapping[str, Any], now: datetime | None = None) -> str:
    """A citation chip's words: where and when ("Slack, Tue 14:02"), else the kind of memory."""
    where = str(citation.get("origin") or "") or TYPE_NAMES.get(str(citation.get("type")), "")
    return ", ".join(p for p in (where, short_when(citation.get("time"), now)) if p)


def citation(c: Mapping[str, Any]) -> Citation:
    """One numbered citation of an answer (also read back from a stored conversation)."""
    text = _short(c.get("text") or "", 200)
    return Citation(int(c["n"]), str(c["type"]), str(c["id"]), text, list(c.get("sources") or []), citation_label(c))


def chat_reply(answer: Any) -> ChatReply:
    """A finished chat answer with its numbered citations."""
    return ChatReply(answer.text, [citation(c) for c in answer.citations], answer.thread_id, answer.mode)


def thread_row(thread: Mapping[str, Any]) -> ThreadRow:
    """A conversation in the chat's list: its title (the first question) and when it was last active."""
    return ThreadRow(str(thread["id"]), str(thread.get("title") or ""), short_when(thread.get("updated_at")))


def thread_view(thread: Mapping[str, Any], messages: list[Mapping[str, Any]]) -> ChatThreadView:
    """A stored conversation, its answers with their citations."""
    shown = [
        ChatMessage(str(m["role"]), str(m.get("content") or ""), [citation(c) for c in m.get("citations") or []])
        for m in messages
    ]
    return ChatThreadView(str(thread["id"]), str(thread.get("title") or ""), shown)
