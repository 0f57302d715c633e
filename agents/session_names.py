"""What a chat session may be called in a memory: its own name, never an internal id (a thread UUID, a hash)."""

from __future__ import annotations

import re

_INTERNAL = re.compile(
    r"(?:[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{16,}|[\w-]*:[0-9a-f]{8,})"
)


def readable_session(session: str | None) -> str:
    """The session's name when a person gave it one (a channel, a file); "" for an id only a program reads."""
    name = (session or "").strip()
    if not name or _INTERNAL.fullmatch(name.lower()):
        return ""
    return name
