"""Cheap signs that a batch holds the rare kinds of memory (how-tos, resources, exact values) worth asking for."""

from __future__ import annotations

import re

RARE_KINDS = ("procedural", "resource", "knowledge_vault")
_ACT = "(open|click|press|select|pick|choose|type|enter|go to|tap|run)"
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?")  # the batch's own line headers are no sign

_SIGNS = {
    "procedural": re.compile(
        r"(^|\n)\s*(\[o\d+\][^\n]*?\|\s*)?(\d+[.)]|step\b|-\s)|\b(steps?|how to|instructions?|recipe|tutorial|guide)\b"
        r"|(^|[\s/])(\$ |sudo |pip |git |npm |apt |make )|\bto (reset|install|set up|configure|fix|enable|connect)\b"
        rf"|\b{_ACT}\b[^.\n]{{0,40}}(,|\bthen\b)\s*(then\s+)?{_ACT}\b",
        re.IGNORECASE,
    ),
    "resource": re.compile(
        r"https?://|\bwww\.|\b[\w-]+\.(pdf|docx?|xlsx?|pptx?|txt|md|csv|png|jpe?g|py|js|ts|html?|zip)\b"
        r"|\b(book|novel|song|album|movie|film|show|series|article|paper|document|report|podcast|playlist|repo"
        r"|repository|website|site|link|video|slides|spreadsheet|file|titled|called)s?\b"
        r"|(?-i:'[A-Z][^'\n]{2,40}'|\"[A-Z][^\"\n]{2,40}\"|“[^”\n]{3,40}”)",  # a quoted title
        re.IGNORECASE,
    ),
    "knowledge_vault": re.compile(
        r"\[SECRET_\d+|\b(?-i:(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9-]{5,})\b|\b\d[\d -]{6,}\d\b"
        r"|\b(password|passcode|passphrase|pin|account (number|no)|iban|booking (code|reference)|confirmation"
        r"|reference (number|code)|license key|serial|wi-?fi|phone number|address is|api key|token)\b",
        re.IGNORECASE,
    ),
}


def kinds_with_signs(text: str) -> set[str]:
    """The rare kinds whose signs appear in ``text`` (a triaged batch): a URL or a title, numbered steps, a code."""
    content = _TIMESTAMP.sub(" ", text or "")
    return {kind for kind, sign in _SIGNS.items() if sign.search(content)}
