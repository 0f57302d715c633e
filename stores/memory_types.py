"""The six memory types (and raw observations): fields, searchable text and display text, in one table."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

OBSERVATION = "observation"


@dataclass(frozen=True)
class MemoryType:
    """One memory type: its table, its own fields and which of them are searched."""

    name: str
    fields: Mapping[str, type]
    required: tuple[str, ...]
    text_fields: tuple[str, ...]
    display: Callable[[Mapping[str, Any]], str]
    time_field: str | None = None
    defaults: Mapping[str, Any] = field(default_factory=dict)
    list_fields: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return f"memory_{self.name}"

    @property
    def indexed(self) -> bool:
        return bool(self.text_fields)


def _joined(*parts: Any, sep: str = " — ") -> str:
    return sep.join(str(p) for p in parts if p)


def _steps_text(steps: Any) -> str:
    return "; ".join(str(s) for s in steps) if isinstance(steps, list) else str(steps or "")


MEMORY_TYPES: dict[str, MemoryType] = {
    t.name: t
    for t in (
        MemoryType(
            "core",
            {"label": str, "value": str, "limit": int},
            required=("label", "value"),
            text_fields=(),
            display=lambda r: f"{r['label']}: {r['value']}",
            defaults={"limit": 2000},
        ),
        MemoryType(
            "episodic",
            {
                "occurred_at": str,
                "ended_at": str,
                "actor": str,
                "event_type": str,
                "summary": str,
                "details": str,
                "app": str,
            },
            required=("summary", "occurred_at"),
            text_fields=("summary", "details"),
            display=lambda r: _joined(r.get("summary"), (r.get("details") or "")[:300]),
            time_field="occurred_at",
            defaults={"actor": "user", "event_type": "activity"},
        ),
        MemoryType(
            "semantic",
            {"name": str, "summary": str, "details": str, "source": str, "valid_from": str, "valid_to": str},
            required=("name", "summary"),
            text_fields=("name", "summary", "details"),
            display=lambda r: f"{r['name']}: {r['summary']}",
            time_field="valid_from",
        ),
        MemoryType(
            "procedural",
            {"entry_type": str, "summary": str, "steps": list},
            required=("summary",),
            text_fields=("summary", "steps"),
            display=lambda r: _joined(r.get("summary"), _steps_text(r.get("steps"))),
            defaults={"entry_type": "workflow", "steps": []},
            list_fields=("steps",),
        ),
        MemoryType(
            "resource",
            {"title": str, "resource_type": str, "uri": str, "summary": str, "content": str},
            required=("title",),
            text_fields=("title", "summary", "content"),
            display=lambda r: _joined(r.get("title"), r.get("uri"), r.get("summary")),
            defaults={"resource_type": "document"},
        ),
        MemoryType(
            "knowledge_vault",
            {"entry_type": str, "source": str, "sensitivity": str, "caption": str, "secret_value": str},
            required=("caption", "secret_value"),
            text_fields=("caption",),
            display=lambda r: f"{r['caption']} (secret, {r.get('sensitivity', 'high')})",
            defaults={"entry_type": "credential", "sensitivity": "high"},
        ),
    )
}

SEARCHABLE_KINDS: tuple[str, ...] = tuple(n for n, t in MEMORY_TYPES.items() if t.indexed) + (OBSERVATION,)
SENSITIVITIES = ("low", "medium", "high")


def memory_type(name: str) -> MemoryType:
    """Look up a memory type by name ("vault" is accepted for knowledge_vault)."""
    key = "knowledge_vault" if name in ("vault", "knowledge-vault") else name
    try:
        return MEMORY_TYPES[key]
    except KeyError:
        raise ValueError(f"Unknown memory type {name!r}; expected one of {', '.join(MEMORY_TYPES)}") from None


def search_text(mtype: MemoryType, record: Mapping[str, Any]) -> str:
    """The text that is full-text indexed and embedded for a record (never a vault secret)."""
    parts = []
    for name in mtype.text_fields:
        value = record.get(name)
        parts.append(_steps_text(value) if name in mtype.list_fields else str(value or ""))
    return "\n".join(p for p in parts if p)


def row_search_text(mtype: MemoryType, row: Mapping[str, Any]) -> str:
    """``search_text`` of a stored row, whose list fields are still JSON."""
    public = dict(row)
    for name in mtype.list_fields:
        value = public.get(name)
        public[name] = json.loads(value) if isinstance(value, str) and value else value
    return search_text(mtype, public)


def observation_origin(obs: Mapping[str, Any]) -> str:
    """Where an observation was seen or said, in a word or two: the app of a frame, the speaker of a message."""
    kind = obs.get("kind")
    if kind == "chat_turn":
        return "You"
    if kind == "frame":
        app = str(obs.get("app") or "")
        if app and app != "unknown":
            return app[:1].upper() + app[1:] if app.islower() else app
        name = str(obs.get("source_id") or "").rsplit("/", 1)[-1]
        return f"Screenshot {name}" if "." in name else "Screen"
    return str(obs.get("speaker") or "Chat")


def memory_origin(type_name: str, record: Mapping[str, Any]) -> str:
    """Where a memory says it came from when its source observations do not (its app or source field)."""
    return str(record.get("app") or record.get("source") or "") if type_name in ("episodic", "semantic") else ""


def observation_text(obs: Mapping[str, Any]) -> str:
    """Display and search text of a raw observation (chat message or screen frame)."""
    text = obs.get("text") or ""
    if obs.get("kind") == "frame":
        head = _joined(obs.get("app"), obs.get("title"))
        return f"[{head}] {text}" if head else text
    caption = obs.get("image_caption")
    speaker = obs.get("speaker")
    body = f"{speaker}: {text}" if speaker else text
    return f"{body} [shared image: {caption}]" if caption else body
