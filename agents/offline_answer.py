"""The answer without a model: the best-matching sentence with when it was seen, then the sources grouped by kind."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from agents.query_analysis import topics_of

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+|\s+/\s+")
_WORD = re.compile(r"[\w'-]+")
LEAD_CHARS = 240
SOURCE_CHARS = 140
KIND_NAMES = {
    "observation": "Seen or said",
    "episodic": "Events",
    "semantic": "Facts",
    "procedural": "How-tos",
    "resource": "Resources",
    "knowledge_vault": "Vault",
    "core": "About you",
}


def elide(text: str, limit: int) -> str:
    """``text`` cut at a word boundary with an ellipsis when longer than ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "…"


def when_seen(value: Any) -> str:
    """A short readable time ("Mon 8 May 2023, 13:56"), or '' when unknown."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)[:16]
    if moment.tzinfo is not None:
        moment = moment.astimezone()  # the user's local time
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def where_and_when(item: dict[str, Any]) -> str:
    """Where and when an item was seen or said ("Firefox, Mon 8 May 2023, 13:56"), or ''."""
    return ", ".join(p for p in (item.get("origin") or "", when_seen(item.get("time"))) if p)


_HEADER = re.compile(r"^\[[^\]]*\]\s*")  # a frame's "[app — window title]"


def _bare(sentence: str, item: dict[str, Any]) -> str:
    """A sentence without what the lead says anyway: a frame's window header, the speaker's "Name: "."""
    sentence = _HEADER.sub("", sentence.strip())
    speaker = f"{item.get('origin') or ''}: "
    return sentence[len(speaker) :] if speaker != ": " and sentence.startswith(speaker) else sentence


def best_sentence(question: str, items: Sequence[dict[str, Any]]) -> tuple[str, dict[str, Any]] | None:
    """The sentence of the top items sharing most words with the question (earlier items win ties)."""
    wanted = set(topics_of(question))
    best: tuple[float, str, dict[str, Any]] | None = None
    for rank, item in enumerate(items[:5]):
        for raw in _SENTENCE.split(item.get("text") or ""):
            sentence = _bare(raw, item)
            words = {w.lower() for w in _WORD.findall(sentence)}
            if len(words) < 3:
                continue
            score = len(wanted & words) - rank * 0.25
            if best is None or score > best[0]:
                best = (score, sentence.strip(), item)
    return (best[1], best[2]) if best else None


def _source_label(item: dict[str, Any]) -> str:
    where = where_and_when(item)
    return f" ({where})" if where else ""


def offline_answer(question: str, items: Sequence[dict[str, Any]], note: str = "") -> str:
    """A lead line with the best sentence and where and when it was seen, then every item grouped by kind."""
    head = note + "\n" if note else ""
    if not items:
        return head + "I found nothing in your memory about that."
    lead = best_sentence(question, items)
    lines = [head.rstrip()] if head else []
    if lead is not None:
        sentence, item = lead
        where = where_and_when(item)
        lines.append(f"{elide(sentence, LEAD_CHARS)} [{item['n']}]" + (f" — {where}" if where else ""))
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(item["type"], []).append(item)
    lines.append("")
    lines.append("Sources:")
    for kind, members in groups.items():
        lines.append(f"{KIND_NAMES.get(kind, kind)}:")
        lines.extend(f"  [{m['n']}] {elide(m.get('text') or '', SOURCE_CHARS)}{_source_label(m)}" for m in members)
    return "\n".join(lines).strip()
