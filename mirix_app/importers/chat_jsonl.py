"""Parse chat-export JSONL (one message per line) into observations, reporting bad lines by number."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stores.errors import UserFacingError
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


@dataclass(frozen=True)
class ChatLine:
    """A good line: its number and the observation it becomes."""

    line: int
    message: NewObservation


def read_chat_jsonl(path: Path) -> Iterator[ChatLine | LineError]:
    """Yield a ChatLine per good line and a LineError per bad one (bad JSON, bad UTF-8); blank lines are skipped."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                yield LineError(number, f"not valid UTF-8 (byte {error.start + 1} of the line)")
                continue
            try:
                yield ChatLine(number, _message(json.loads(line)))
            except json.JSONDecodeError as error:
                yield LineError(number, f"not valid JSON ({error.msg})")
            except ValueError as error:
                yield LineError(number, str(error))


def check_import_file(path: Path) -> None:
    """A clear error unless ``path`` is a regular, readable file."""
    if path.is_dir():
        raise UserFacingError(f"{path} is a directory, not a file.")
    if not path.exists():
        raise UserFacingError(f"No such file: {path}")
    if not path.is_file():
        raise UserFacingError(f"{path} is not a regular file.")
    if not os.access(path, os.R_OK):
        raise UserFacingError(f"Cannot read {path}: permission denied.")
