"""Text that fits a place: shortened at a word boundary, never in the middle of a word."""

from __future__ import annotations

ELLIPSIS = "…"


def elide_words(text: str, limit: int) -> str:
    """``text`` on one line, cut at the last word boundary before ``limit`` characters with an ellipsis.

    A single word longer than the limit is the only thing ever cut inside a word.
    """
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if text[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:-–—(") + ELLIPSIS
