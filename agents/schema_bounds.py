"""Length bounds sent with a schema (a grammar-constrained small model cannot ramble), and text a bound cut, mended."""

from __future__ import annotations

from typing import Any

# bounds sent with the schema (validation stays lenient: a cloud model writing more is not refused)
MAX_CHARS = {
    "summary": 160,
    "details": 240,
    "text": 140,
    "name": 60,
    "title": 120,
    "caption": 120,
    "uri": 200,
    "instruction": 200,
    "reason": 160,
    "content": 400,
}
MAX_STEPS, STEP_CHARS = 8, 120


def bound_text_fields(properties: dict[str, Any]) -> None:
    """Add maxLength to the known text fields of one object schema (and to the steps of a procedure)."""
    for name, limit in MAX_CHARS.items():
        if properties.get(name, {}).get("type") == "string":
            properties[name]["maxLength"] = limit
    if properties.get("steps", {}).get("type") == "array":
        properties["steps"]["maxItems"] = MAX_STEPS
        properties["steps"]["items"] = {"type": "string", "maxLength": STEP_CHARS}


def whole_sentences(name: str, value: Any) -> Any:
    """Text a length bound cut mid-sentence, ended at its last full sentence (or word, with an ellipsis)."""
    limit = MAX_CHARS.get(name)
    if not isinstance(value, str) or limit is None or len(value) < limit - 1:
        return value
    end = max(value.rfind(mark) for mark in (". ", "! ", "? "))
    if end >= limit // 3:
        return value[: end + 1]
    return value[: value.rfind(" ")].rstrip(" ,;:-") + "…" if " " in value else value
