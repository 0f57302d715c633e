"""The offline memorizer: episodic segments and resources built deterministically, with nothing invented."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from agents.ops import ADD, UPDATE, MemoryOp
from agents.redact import Redactor
from agents.session_names import readable_session
from stores.timeutil import parse_time

MAX_SEGMENT = 8
MAX_GAP_S = 30 * 60
SUMMARY_LINES = 2
LINE_CHARS = 160
DETAILS_CHARS = 2000

_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+[^\s<>\"'()\[\].,;:!?]")
_UNIX_PATH = r"(?<![\w/])(?:~|/)(?:[\w.\-]+/)+[\w\-][\w.\-]*\.[A-Za-z0-9]{1,6}\b"
_WIN_PATH = r"\b[A-Za-z]:\\(?:[\w .\-]+\\)+[\w.\-]+\.\w{1,6}\b"
_PATH = re.compile(f"{_UNIX_PATH}|{_WIN_PATH}")
_DOC_EXT = r"pdf|docx?|xlsx?|pptx?|odt|ods|odp|md|txt|csv|py|js|ts|rs|go|java|ipynb|html?|json|ya?ml|tex"
_DOC_TITLE = re.compile(rf"([\w][\w\-. ()]*\.(?:{_DOC_EXT}))\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]{3,}")
_STOP_WORDS = (
    "that this with have from they what were been your will would there their about just like really "
    "thanks thank yeah okay sure know think going also when than then them these those some much very "
    "well good great here more make made into over being does doing"
)
_STOP = frozenset(_STOP_WORDS.split())  # noqa: SIM905 - a readable word list


@dataclass
class Segment:
    """A run of consecutive observations of the same app and title, or of the same chat session.

    A segment continued from an earlier batch carries its episode's ``memory_id`` and how many of its items that
    episode already quotes (``known``).
    """

    key: tuple[str, ...]
    items: list[Mapping[str, Any]] = field(default_factory=list)
    memory_id: str = ""
    known: int = 0


EarlierSegment = Callable[[Mapping[str, Any]], "Segment | None"]


def run_key(obs: Mapping[str, Any]) -> tuple[str, ...]:
    """What makes observations one run: the chat session, or the app and window title."""
    if obs.get("kind") == "frame":
        return ("frame", obs.get("app") or "", obs.get("title") or "")
    return ("chat", obs.get("kind") or "", obs.get("session") or "")


def run_fields(obs: Mapping[str, Any]) -> dict[str, str]:
    """The observation fields behind ``run_key``, for finding the same run among stored observations."""
    if obs.get("kind") == "frame":
        return {"kind": "frame", "app": obs.get("app") or "", "title": obs.get("title") or ""}
    return {"kind": obs.get("kind") or "", "session": obs.get("session") or ""}


def segments(
    observations: Sequence[Mapping[str, Any]], max_len: int = MAX_SEGMENT, earlier: EarlierSegment | None = None
) -> list[Segment]:
    """Split time-ordered observations into segments, one open per key (chat session, or app and title).

    An observation joins its key's open segment unless that one is full or a long gap has passed, so two chats
    (or two windows) used in turn each keep one run instead of breaking into single lines at every switch.
    ``earlier(obs)`` gives the segment an earlier batch left open for that key, so a run is not cut where a batch
    ends (the app memorizes every minute).
    """
    out: list[Segment] = []
    open_by_key: dict[tuple[str, ...], tuple[Segment, float]] = {}
    asked: set[tuple[str, ...]] = set()
    for obs in observations:
        when = parse_time(obs["time"]).timestamp()
        key = run_key(obs)
        if key not in asked and earlier is not None:
            asked.add(key)
            before = earlier(obs)
            if before is not None and before.items:
                open_by_key[key] = (before, parse_time(before.items[-1]["time"]).timestamp())
        found = open_by_key.get(key)
        if found is None or len(found[0].items) >= max_len or when - found[1] > MAX_GAP_S:
            current = Segment(key)
        else:
            current = found[0]
        if len(current.items) == current.known:
            out.append(current)  # a continued segment is written only when this batch adds to it
        current.items.append(obs)
        open_by_key[key] = (current, when)
    return out


def _informativeness(line: str) -> int:
    return len({w.lower() for w in _WORD.findall(line)} - _STOP)


def _line(obs: Mapping[str, Any]) -> str:
    text = " ".join((obs.get("text") or "").split())
    if obs.get("image_caption"):
        text = f"{text} [shared image: {obs['image_caption']}]".strip()
    return f"{obs['speaker']}: {text}" if obs.get("speaker") else text


def _frame_lines(items: Sequence[Mapping[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for obs in items:
        for line in (obs.get("text") or "").splitlines():
            if line.strip():
                seen.setdefault(line.strip(), None)
    return list(seen)


def _top_lines(lines: Sequence[str], n: int = SUMMARY_LINES) -> list[str]:
    ranked = sorted(range(len(lines)), key=lambda i: -_informativeness(lines[i]))[:n]
    return [lines[i][:LINE_CHARS] for i in sorted(ranked) if _informativeness(lines[i]) > 0]


def episode(segment: Segment, redactor: Redactor) -> dict[str, Any]:
    """The episodic record of a segment: title and most informative lines as summary, its lines as details."""
    items = segment.items
    first, last = items[0]["time"], items[-1]["time"]
    if segment.key[0] == "frame":
        lines = _frame_lines(items)
        head = " — ".join(p for p in segment.key[1:] if p) or "Screen"
        event_type, actor, app = "activity", "user", items[0].get("app")
    elif segment.key[1] == "chat_turn":  # the user's own words to the assistant: what they said, as they said it
        lines = [" ".join((o.get("text") or "").split()) for o in items]
        asked = all(line.rstrip().endswith("?") for line in lines)
        head = "You asked the assistant" if asked else "You told the assistant"
        event_type, actor, app = "conversation", "user", None
    else:
        lines = [_line(o) for o in items]
        speakers = list(dict.fromkeys(str(o["speaker"]) for o in items if o.get("speaker")))
        between = f" between {', '.join(speakers)}" if len(speakers) > 1 else f" with {speakers[0]}" if speakers else ""
        name = readable_session(segment.key[2])
        head = f"Conversation{between}" + (f" ({name})" if name else "")
        event_type, actor, app = "conversation", ", ".join(speakers) or "user", None
    top = _top_lines(lines)
    summary = redactor.redact(f"{head}: {' / '.join(top)}" if top else head)
    record = {
        "occurred_at": first,
        "summary": summary,
        "details": "" if len(top) == len(lines) else redactor.redact("\n".join(lines))[:DETAILS_CHARS],
        "event_type": event_type,
        "actor": actor,
    }
    if last != first:
        record["ended_at"] = last
    if app:
        record["app"] = app
    return record


def _found_resources(obs: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
    """(uri, title, resource_type, context line) for URLs, file paths and document titles in one observation."""
    found: list[tuple[str, str, str, str]] = []
    for line in [obs.get("title") or "", *(obs.get("text") or "").splitlines()]:
        for url in _URL.findall(line):
            title = str(obs["title"]) if obs.get("kind") == "frame" and obs.get("title") else url
            found.append((url, title, "url", line.strip()))
        for path in _PATH.findall(line):
            found.append((path, path.rsplit("/", 1)[-1].rsplit("\\", 1)[-1], "file", line.strip()))
    title = obs.get("title") or ""
    if obs.get("kind") == "frame":
        for name in _DOC_TITLE.findall(title):
            found.append(("", name.strip(), "document", title))
    return found


def resources(
    observations: Sequence[Mapping[str, Any]],
    existing: Callable[[str, str], str | None],
    redactor: Redactor,
) -> list[MemoryOp]:
    """One op per distinct resource: an update (adding sources) when ``existing(uri, title)`` knows it, else an add."""
    by_key: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for obs in observations:
        for uri, title, rtype, context in _found_resources(obs):
            key = uri or f"title:{title.lower()}"
            if key not in by_key:
                where = obs.get("app") or ("chat" if obs.get("kind") != "frame" else "screen")
                record = {
                    "title": redactor.redact(title)[:300],
                    "resource_type": rtype,
                    "uri": uri,
                    "summary": f"Seen in {where} at {str(obs['time'])[:16].replace('T', ' ')}",
                    "content": redactor.redact(context)[:500],
                }
                by_key[key] = (record, [])
            by_key[key][1].append(obs["id"])
    ops = []
    for record, sources in by_key.values():
        known = existing(record["uri"], record["title"])
        if known:
            ops.append(MemoryOp(UPDATE, "resource", id=known, record={}, sources=sources, agent="offline"))
        else:
            ops.append(MemoryOp(ADD, "resource", record=record, sources=sources, agent="offline"))
    return ops


def offline_ops(
    observations: Sequence[Mapping[str, Any]],
    existing_resource: Callable[[str, str], str | None],
    redactor: Redactor,
    earlier: EarlierSegment | None = None,
) -> list[MemoryOp]:
    """Every memory the offline memorizer makes from a batch, with the same provenance links as the LLM path."""
    return episode_ops(observations, redactor, earlier) + resources(observations, existing_resource, redactor)


def episode_ops(
    observations: Sequence[Mapping[str, Any]], redactor: Redactor, earlier: EarlierSegment | None = None
) -> list[MemoryOp]:
    """One episodic memory per segment, quoting its lines: the timeline both memorizers write for every observation.

    A segment an earlier batch left open is extended (an update adding the new lines) instead of starting anew.
    """
    ops = []
    for seg in segments(observations, earlier=earlier):
        record, new = episode(seg, redactor), [o["id"] for o in seg.items[seg.known :]]
        if seg.memory_id:
            ops.append(MemoryOp(UPDATE, "episodic", id=seg.memory_id, record=record, sources=new, agent="segments"))
        else:
            ops.append(MemoryOp(ADD, "episodic", record=record, sources=new, agent="segments"))
    return ops
