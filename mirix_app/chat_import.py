"""Parse chat-export JSONL (one message per line) into observations, reporting bad lines by number."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stores.observations import NewObservation
from stores.timeutil import parse_time


@dataclass(frozen=True)
class LineError:
    """A line that could not be imported and why."""

    line: int
    reason: str


def _message(obj: object) -> NewObservation:
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object")
    for name in ("id", "time", "speaker", "text"):
        if not isinstance(obj.get(name), str) or (name != "text" and not obj[name].strip()):
            raise ValueError(f"field {name!r} must be a non-empty string")
    try:
        parse_time(obj["time"])
    except ValueError:
        raise ValueError(f"field 'time' is not ISO-8601: {obj['time']!r}") from None
    for name in ("session", "image_caption"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise ValueError(f"field {name!r} must be a string")
    return NewObservation(
        kind="chat",
        source_id=obj["id"],
        time=obj["time"],
        text=obj["text"],
        speaker=obj["speaker"],
        session=obj.get("session"),
        image_caption=obj.get("image_caption"),
    )


def read_chat_jsonl(path: Path) -> Iterator[NewObservation | LineError]:
    """Yield one observation per good line and a LineError per bad one; blank lines are skipped."""
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield _message(json.loads(line))
            except json.JSONDecodeError as error:
                yield LineError(number, f"not valid JSON ({error.msg})")
            except ValueError as error:
                yield LineError(number, str(error))
