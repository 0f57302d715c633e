"""Read the JSON a model wrote as text: fenced or bare, doubled braces, a call wrapper, a bare list of arguments."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

_FENCE = re.compile(r"```(?:json|JSON)?")
_OPEN = re.compile(r"[\[{]")
_CALL_NAME_KEYS = ("name", "tool", "function", "tool_name")
_CALL_ARG_KEYS = ("arguments", "args", "parameters", "input")


def json_values(text: str) -> list[Any]:
    """Every JSON object or list in ``text``, in order (code fences ignored, ``{{ }}`` undoubled)."""
    text = _FENCE.sub("", text or "")
    if "{{" in text:  # never valid JSON outside a string: the model doubled every brace (a prompt-template habit)
        return _scan(text.replace("{{", "{").replace("}}", "}")) or _scan(text)
    return _scan(text)


def _scan(text: str) -> list[Any]:
    found, decoder, i = [], json.JSONDecoder(), 0
    while (match := _OPEN.search(text, i)) is not None:
        start = match.start()
        try:
            obj, end = decoder.raw_decode(text, start)
        except ValueError:
            i = start + 1
            continue
        found.append(obj)
        i = end
    return found


def call_parts(item: Mapping[str, Any]) -> tuple[str | None, Any]:
    """(name, arguments) of a call: ``{"name", "arguments"}``, ``{"tool", "parameters"}`` or OpenAI's nesting."""
    inner = item.get("function")
    if isinstance(inner, Mapping):
        return call_parts(inner)
    name = next((item[k] for k in _CALL_NAME_KEYS if isinstance(item.get(k), str)), None)
    args = next((item[k] for k in _CALL_ARG_KEYS if k in item), None)
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except ValueError:
            args = None
    return name, args


def fit_arguments(args: Any, schema: Mapping[str, Any]) -> Any:
    """Arguments shaped for ``schema``: a bare list goes into the schema's only list property."""
    if not isinstance(args, list):
        return args
    props = schema.get("properties") or {}
    lists = [name for name, spec in props.items() if isinstance(spec, Mapping) and spec.get("type") == "array"]
    return {lists[0]: args} if len(lists) == 1 else args


def object_for(text: str, name: str, schema: Mapping[str, Any]) -> dict[str, Any] | None:
    """The first JSON object in ``text`` that answers ``schema`` directly or as a call of ``name``."""
    props = set((schema.get("properties") or {}).keys())
    for value in json_values(text):
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, Mapping):
                continue
            called, args = call_parts(item)
            if called is not None and args is not None and (called == name or not props & set(item)):
                args = fit_arguments(args, schema)
                if isinstance(args, dict):
                    return args
            if props & set(item) or not props:
                return dict(item)
        if isinstance(value, list):
            fitted = fit_arguments(value, schema)
            if isinstance(fitted, dict):
                return fitted
    return None


def cut_off_object(text: str) -> dict[str, Any] | None:
    """The complete part of a JSON object a reply began but the output limit cut (unfinished strings left out)."""
    import pydantic_core

    text = _FENCE.sub("", text or "")
    start = text.find("{")
    if start < 0:
        return None
    try:
        value = pydantic_core.from_json(text[start:], allow_partial=True)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def without_last_item(obj: dict[str, Any]) -> dict[str, Any] | None:
    """``obj`` with the last item of its last non-empty list dropped (where a cut reply ends); None if none is left."""
    for key in reversed(list(obj)):
        value = obj[key]
        if isinstance(value, list) and value:
            return {**obj, key: value[:-1]}
    return None
