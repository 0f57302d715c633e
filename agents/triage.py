"""Triage before any model call: drop repeated lines, skip batches with nothing new, cap size, redact secrets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from agents.redact import Redactor
from agents.session_names import readable_session

DEFAULT_PROMPT_CHARS = 12_000
MAX_OBSERVATION_CHARS = 3_000


@dataclass
class TriagedBatch:
    """The part of a batch the agents see: numbered observations (o1, o2, ...) as redacted prompt text."""

    observation_ids: list[str] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)
    times: dict[str, str] = field(default_factory=dict)
    text: str = ""
    redactor: Redactor = field(default_factory=Redactor)
    skip_reason: str = ""
    dropped_lines: int = 0
    deferred_ids: list[str] = field(default_factory=list)

    def sources(self, refs: Iterable[str] | None) -> list[str]:
        """Observation ids for refs the model gave (unknown refs ignored); the whole batch when none."""
        ids = [self.refs[r.strip()] for r in refs or () if r.strip() in self.refs]
        return ids or list(self.observation_ids)

    def first_time(self, refs: Iterable[str] | None = None) -> str:
        chosen = [r.strip() for r in refs or () if r.strip() in self.times] or list(self.times)
        return min(self.times[r] for r in chosen) if chosen else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _header(obs: Mapping[str, Any]) -> str:
    when = str(obs.get("time") or "")[:16].replace("T", " ")
    if obs.get("kind") == "frame":
        where = " — ".join(p for p in (obs.get("app"), obs.get("title")) if p) or "screen"
        return f"{when} | screen: {where}"
    if obs.get("kind") == "chat_turn":  # the thread id means nothing to a model and must never become a title
        return f"{when} | the user's own words to their memory assistant"
    name = readable_session(obs.get("session"))
    return f"{when} | chat" + (f" {name}" if name else "")


def _body(obs: Mapping[str, Any], lines: Sequence[str]) -> str:
    text = " / ".join(lines) if obs.get("kind") == "frame" else "\n  ".join(lines)
    if obs.get("speaker"):
        text = f"{obs['speaker']}: {text}"
    if obs.get("image_caption"):
        text += f" [shared image: {obs['image_caption']}]"
    return text[:MAX_OBSERVATION_CHARS]


def triage(
    observations: Sequence[Mapping[str, Any]],
    recent_texts: Sequence[str] = (),
    vault_values: Sequence[str] = (),
    max_chars: int = DEFAULT_PROMPT_CHARS,
) -> TriagedBatch:
    """Prepare a batch for the agents; observations beyond ``max_chars`` are deferred to a later batch."""
    redactor = Redactor(known_values=tuple(vault_values))
    batch = TriagedBatch(redactor=redactor)
    recent = {line for text in recent_texts for line in _lines(text)}
    seen_on_screen: set[str] = set()
    parts: list[str] = []
    size, anything_new, last_header = 0, False, ""
    for obs in observations:
        if batch.deferred_ids:
            batch.deferred_ids.append(obs["id"])  # keep time order: the rest waits for the next batch
            continue
        all_lines = _lines(obs.get("text") or "")
        is_frame = obs.get("kind") == "frame"
        lines = [ln for ln in all_lines if ln not in seen_on_screen and ln not in recent] if is_frame else all_lines
        batch.dropped_lines += len(all_lines) - len(lines)
        new_here = any(ln not in recent for ln in lines) or (not all_lines and bool(obs.get("image_caption")))
        if is_frame:
            seen_on_screen.update(all_lines)
        if not lines and not obs.get("image_caption"):
            batch.observation_ids.append(obs["id"])  # nothing left to say: done with this batch
            continue
        ref = f"o{len(batch.refs) + 1}"
        header = _header(obs)  # said once for a run of lines with the same time and place (fewer prompt tokens)
        shown = "" if parts and header == last_header else f"{header} | "
        entry = f"[{ref}] {shown}{redactor.redact(_body(obs, lines))}"
        if parts and size + len(entry) > max_chars:
            batch.deferred_ids.append(obs["id"])
            continue
        anything_new = anything_new or new_here
        last_header = header
        parts.append(entry)
        size += len(entry) + 1
        batch.refs[ref] = obs["id"]
        batch.times[ref] = str(obs.get("time") or "")
        batch.observation_ids.append(obs["id"])
    batch.text = "\n".join(parts)
    if not anything_new:
        batch.skip_reason = "nothing new compared with recent observations"
    return batch
