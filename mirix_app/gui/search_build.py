"""Search hits as the results list shows them: the words of the query highlighted, a snippet where they matched."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from mirix_app.gui.memory_views import short_when
from stores.memory_types import MEMORY_TYPES, OBSERVATION, observation_text, search_text
from ui.text_fit import elide_words
from ui.viewmodels import TYPE_NAMES, SearchResult

TITLE_CHARS = 110  # one line of the results list
SNIPPET_CHARS = 180  # about two lines
_WORD = re.compile(r"\w+", re.UNICODE)
STOP = set(
    "a an and are at be by did do does for from had has have i in is it me my of on or so the to was we what "  # noqa: SIM905
    "when where which who why with you your".split()
)
MARK = '<span style="background-color:#f6d860;color:#1f2328">'


def query_words(query: str) -> list[str]:
    """The words of a query worth highlighting (no stop words, no single letters)."""
    return [w for w in dict.fromkeys(_WORD.findall(query.lower())) if len(w) > 1 and w not in STOP]


def _stem(word: str) -> str:
    """A crude stem: words of four letters or more match on all but their last two (flight ~ flights, book ~ booked)."""
    return word if len(word) < 4 else word[: max(4, len(word) - 2)]


def matches(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Where words of the query occur in ``text`` (start, end), by stem."""
    stems = [_stem(w) for w in words]
    found = []
    for m in _WORD.finditer(text):
        word = m.group().lower()
        if any(word == w or (len(s) >= 4 and word.startswith(s)) for w, s in zip(words, stems, strict=True)):
            found.append((m.start(), m.end()))
    return found


def highlight(text: str, words: list[str]) -> str:
    """``text`` as HTML with the query's words marked."""
    out, last = [], 0
    for start, end in matches(text, words):
        out += [html.escape(text[last:start]), MARK, html.escape(text[start:end]), "</span>"]
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(full: str, shown: str, words: list[str]) -> str:
    """The part of ``full`` around its first match that the title does not already show ('' when none)."""
    full = " ".join(full.split())
    if len(full) <= len(shown.rstrip("…")):
        return ""
    visible = len(shown.rstrip("…")) - 1
    later = [m for m in matches(full, words) if m[0] >= visible]
    if not later:
        return ""
    start = max(0, later[0][0] - SNIPPET_CHARS // 3)
    if start:
        start = full.rfind(" ", 0, start) + 1
    piece = elide_words(full[start:], SNIPPET_CHARS)
    return ("…" if start else "") + piece


def full_text(type_name: str, record: Mapping[str, Any]) -> str:
    """Everything of a record that search reads (never a vault value)."""
    if type_name == OBSERVATION:
        return observation_text(record)
    return search_text(MEMORY_TYPES[type_name], record) or MEMORY_TYPES[type_name].display(record)


def search_result(hit: Any, record: Mapping[str, Any], query: str) -> SearchResult:
    """One row of the results list for a store search hit and its record."""
    words = query_words(query)
    title = elide_words(hit.text, TITLE_CHARS)
    full = full_text(hit.type, record)
    piece = snippet(full, title, words)
    found = bool(matches(f"{hit.text} {full}", words))
    origin = hit.origin or TYPE_NAMES.get(hit.type, hit.type)
    return SearchResult(
        hit.type,
        hit.id,
        highlight(title, words),
        highlight(piece, words),
        origin,
        short_when(hit.time),
        by_meaning=not found,
    )
