"""Structured output that cannot fail to parse: schema-constrained decoding first, then a tool call, then JSON text.

Which of the three a model supports is found once (the first that works) and remembered per provider and model.
Every answer is validated; an invalid one goes back to the model with the reason, a bounded number of times.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pydantic
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from agents.capabilities import CapabilityMemory
from agents.errors import InvalidModelOutput, ProviderUnavailable
from agents.json_text import cut_off_object, object_for, without_last_item
from agents.llm_call import LLMCaller
from agents.llm_profile import JSON_SCHEMA_PROVIDERS, LLMProfile
from agents.tools import describe_validation_error

log = logging.getLogger(__name__)

T = TypeVar("T")
JSON_SCHEMA, TOOLS, TEXT = "json_schema", "tools", "text"


class ModeUnsupported(Exception):
    """The provider refused a way of asking for structured output (e.g. no ``response_format``)."""


@dataclass(frozen=True)
class StructuredRequest(Generic[T]):
    """What to ask for: a name, a JSON schema for the reply, and a validator that builds the value or raises."""

    name: str
    description: str
    schema: dict[str, Any]
    validate: Callable[[dict[str, Any]], T]


def request_for(model_cls: type[pydantic.BaseModel], name: str, description: str) -> StructuredRequest[Any]:
    """A request whose schema and validation come from a pydantic model."""
    return StructuredRequest(name, description, model_cls.model_json_schema(), model_cls.model_validate)


def modes_to_try(profile: LLMProfile, memory: CapabilityMemory) -> list[str]:
    """The remembered mode first, then the others this provider may support, best first."""
    if profile.structured != "auto":
        return [profile.structured]
    candidates = [JSON_SCHEMA, TOOLS, TEXT] if profile.provider in JSON_SCHEMA_PROVIDERS else [TOOLS, TEXT]
    known = memory.mode(profile.key)
    refused = memory.refused(profile.key)
    order = ([known] if known in candidates else []) + [m for m in candidates if m != known and m not in refused]
    return order or [TEXT]


def structured_call(
    model: Any,
    messages: Sequence[BaseMessage],
    request: StructuredRequest[T],
    call: LLMCaller,
    *,
    profile: LLMProfile,
    memory: CapabilityMemory,
    purpose: str,
    max_invalid: int = 2,
) -> T:
    """Ask ``model`` for one value matching ``request``; raises InvalidModelOutput or ProviderUnavailable."""
    for mode in modes_to_try(profile, memory):
        try:
            value = _ask(model, list(messages), request, call, mode, profile, purpose, max_invalid)
        except ModeUnsupported as error:
            log.info("%s does not support %s output (%s); trying the next way", profile.key, mode, error)
            memory.record_refused(profile.key, mode)
            continue
        except InvalidModelOutput:
            memory.record_invalid(profile.key)
            raise
        memory.record_mode(profile.key, mode)
        return value
    raise InvalidModelOutput(f"{profile.key or 'the model'} supports no way of returning structured output")


def _ask(
    model: Any,
    messages: list[BaseMessage],
    request: StructuredRequest[T],
    call: LLMCaller,
    mode: str,
    profile: LLMProfile,
    purpose: str,
    max_invalid: int,
) -> T:
    bound = _bind(model, mode, request, profile)
    if mode == TEXT:
        messages = [*messages, HumanMessage(content=_text_instruction(request))]
    last_error = ""
    for _ in range(max_invalid + 1):
        try:
            reply = call(bound, messages, f"{purpose}:{mode}")
        except ProviderUnavailable as error:
            if _is_refusal(error, mode):
                raise ModeUnsupported(str(error)) from error
            if type(error.__cause__).__name__ != "LengthFinishReasonError":  # openai's parse() on a cut-off reply
                raise
            reply = AIMessage(content=_cut_reply_text(error), response_metadata={"finish_reason": "length"})
        obj = _reply_object(reply, request)
        if obj is None and _cut_off(reply):
            kept = _complete_items(_reply_text(reply), request)
            if kept is not None:  # the items written before the cut are whole: keep them rather than ask again
                log.info("%s: reply cut off at the output limit; kept the complete items", request.name)
                return kept
            last_error = "the reply was cut off at the output limit; answer again with fewer and shorter items"
        elif obj is None:
            last_error = "the reply holds no JSON object; reply with JSON only"
        else:
            try:
                return request.validate(obj)
            except pydantic.ValidationError as error:
                last_error = describe_validation_error(error)
            except ValueError as error:
                last_error = str(error)
        messages = [*messages, AIMessage(content=_reply_text(reply)), HumanMessage(content=f"Error: {last_error}.")]
    raise InvalidModelOutput(f"{request.name}: still invalid after {max_invalid} retries: {last_error}")


def _bind(model: Any, mode: str, request: StructuredRequest[Any], profile: LLMProfile) -> Any:
    if mode == JSON_SCHEMA:
        if profile.provider == "ollama":
            return model.bind(format=request.schema)
        json_schema = {"name": request.name, "description": request.description, "schema": request.schema}
        return model.bind(response_format={"type": "json_schema", "json_schema": {**json_schema, "strict": False}})
    if mode == TOOLS:
        tool = {"type": "function", "function": {**_tool_head(request), "parameters": request.schema}}
        try:
            return model.bind_tools([tool], tool_choice=request.name)
        except (TypeError, ValueError, NotImplementedError):
            return model.bind_tools([tool])
    return model


def _tool_head(request: StructuredRequest[Any]) -> dict[str, str]:
    return {"name": request.name, "description": request.description}


def _text_instruction(request: StructuredRequest[Any]) -> str:
    schema = json.dumps(request.schema, separators=(",", ":"))
    return f"Reply with one JSON object only, no other text, matching this JSON schema:\n{schema}"


def _reply_text(reply: Any) -> str:
    if getattr(reply, "tool_calls", None):
        return json.dumps(reply.tool_calls[0].get("args") or {})
    return reply.content if isinstance(reply.content, str) else str(reply.content)


def _reply_object(reply: Any, request: StructuredRequest[Any]) -> dict[str, Any] | None:
    for tool_call in getattr(reply, "tool_calls", None) or []:
        if isinstance(tool_call.get("args"), dict):
            return tool_call["args"]
    return object_for(_reply_text(reply), request.name, request.schema)


def _cut_reply_text(error: ProviderUnavailable) -> str:
    """The text of a reply openai's parse() refused because the output limit cut it."""
    choices = getattr(getattr(error.__cause__, "completion", None), "choices", None) or []
    message = getattr(choices[0], "message", None) if choices else None
    return getattr(message, "content", None) or ""


def _complete_items(text: str, request: StructuredRequest[T]) -> T | None:
    """A valid value from the whole items of a cut-off reply (the unfinished last ones dropped), or None."""
    obj, dropped = cut_off_object(text), False
    while obj:
        try:
            value = request.validate(obj)
        except (pydantic.ValidationError, ValueError):
            obj, dropped = without_last_item(obj), True
            continue
        kept_any = any(isinstance(v, list) and v for v in obj.values())
        return value if kept_any or not dropped else None  # nothing whole was kept: ask again
    return None


def _cut_off(reply: Any) -> bool:
    metadata = getattr(reply, "response_metadata", None) or {}
    return metadata.get("finish_reason") == "length" or metadata.get("done_reason") == "length"


def _is_refusal(error: ProviderUnavailable, mode: str) -> bool:
    """An HTTP 400/422 about the structured-output parameter (not a timeout or an outage)."""
    cause = error.__cause__
    status = getattr(cause, "status_code", None) or getattr(getattr(cause, "response", None), "status_code", None)
    text = str(error).lower()
    about = ("response_format", "json_schema", "format", "tool") if mode != TEXT else ()
    return status in (400, 404, 422, 501) and any(word in text for word in about)
