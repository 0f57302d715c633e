"""The validated tool-calling loop: invalid calls go back to the model with the error, a bounded number of times."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydantic
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool

from agents.errors import InvalidModelOutput
from agents.llm_call import LLMCaller


class ToolInputError(ValueError):
    """A tool call whose arguments are well-formed but wrong (unknown id, too long, bad time)."""


@dataclass
class LoopResult:
    """How a tool loop ended: the model's last text, how many tool calls succeeded, the errors fed back."""

    final_text: str = ""
    succeeded: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    model_calls: int = 0


def _json_objects(text: str) -> list[Any]:
    text = re.sub(r"```(?:json)?", "", text)
    found, decoder, i = [], json.JSONDecoder(), 0
    while (match := re.compile(r"[\[{]").search(text, i)) is not None:
        start = match.start()
        try:
            obj, end = decoder.raw_decode(text, start)
        except ValueError:
            i = start + 1
            continue
        found.append(obj)
        i = end
    return found


def salvage_tool_calls(content: Any, tool_names: Sequence[str]) -> list[dict[str, Any]]:
    """Tool calls written as JSON in the message text (common with small local models)."""
    if not isinstance(content, str) or "{" not in content:
        return []
    calls = []
    for obj in _json_objects(content):
        for item in obj if isinstance(obj, list) else [obj]:
            if not isinstance(item, dict):
                continue
            name = item.get("name") or item.get("tool") or item.get("function")
            args = item.get("arguments", item.get("args", item.get("parameters")))
            if isinstance(args, str):
                try:
                    args = json.loads(args)
                except ValueError:
                    continue
            if name in tool_names and isinstance(args, dict):
                calls.append(
                    {"name": name, "args": args, "id": f"salvaged_{uuid.uuid4().hex[:8]}", "type": "tool_call"}
                )
    return calls


def describe_validation_error(error: pydantic.ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ())) or "arguments"
        parts.append(f"{where}: {item.get('msg')}")
    return "; ".join(parts)


def run_tool_loop(
    model: Any,
    messages: list[BaseMessage],
    tools: Sequence[BaseTool],
    call: LLMCaller,
    *,
    purpose: str,
    inject: Mapping[str, Any] | None = None,
    require_tool: bool = False,
    stop_tools: Sequence[str] = (),
    max_steps: int = 8,
    max_invalid: int = 3,
) -> LoopResult:
    """Let the model act through ``tools`` until it answers in text (or calls a stop tool).

    Every call is validated (JSON, schema, then the tool's own checks). An invalid call is answered with
    the error so the model can repair it; after ``max_invalid`` invalid rounds InvalidModelOutput is raised.
    """
    by_name = {t.name: t for t in tools}
    bound = model.bind_tools(list(tools))
    result = LoopResult()
    invalid_rounds = 0
    for _ in range(max_steps):
        ai = call(bound, messages, purpose)
        result.model_calls += 1
        calls = list(ai.tool_calls or [])
        broken = list(getattr(ai, "invalid_tool_calls", None) or [])
        if not calls and not broken:
            calls = salvage_tool_calls(ai.content, list(by_name))
            if calls:
                ai = AIMessage(content="", tool_calls=calls)
        messages.append(ai)
        if not calls and not broken:
            if not require_tool:
                result.final_text = ai.content if isinstance(ai.content, str) else str(ai.content)
                return result
            error = f"You must call one of these tools: {', '.join(by_name)}. Reply with a tool call, not text."
            messages.append(HumanMessage(content=f"Error: {error}"))
            invalid_rounds = _count_invalid(result, [error], invalid_rounds, max_invalid)
            continue
        errors: list[str] = []
        for bad in broken:
            error = f"the arguments of {bad.get('name')!r} are not valid JSON: {bad.get('error') or bad.get('args')}"
            errors.append(error)
            messages.append(ToolMessage(content=f"Error: {error}", tool_call_id=bad.get("id") or "", status="error"))
        stopped = False
        for tool_call in calls:
            reply, error = _run_one(by_name, tool_call, inject or {})
            if error:
                errors.append(error)
                messages.append(
                    ToolMessage(
                        content=f"Error: {error}. Fix it and call again.",
                        tool_call_id=tool_call["id"] or "",
                        status="error",
                    )
                )
                continue
            result.succeeded.append(tool_call["name"])
            messages.append(ToolMessage(content=reply, tool_call_id=tool_call["id"] or ""))
            stopped = stopped or tool_call["name"] in stop_tools
        if errors:
            invalid_rounds = _count_invalid(result, errors, invalid_rounds, max_invalid)
        if stopped and not errors:
            return result
    return result


def _count_invalid(result: LoopResult, errors: list[str], rounds: int, max_invalid: int) -> int:
    result.errors.extend(errors)
    rounds += 1
    if rounds > max_invalid:
        raise InvalidModelOutput(f"still invalid after {max_invalid} retries: {errors[-1]}")
    return rounds


def _run_one(
    by_name: Mapping[str, BaseTool], tool_call: Mapping[str, Any], inject: Mapping[str, Any]
) -> tuple[str, str]:
    name = tool_call.get("name")
    tool = by_name.get(name or "")
    if tool is None:
        return "", f"there is no tool {name!r}; the tools are {', '.join(by_name)}"
    args = tool_call.get("args")
    if not isinstance(args, dict):
        return "", f"the arguments of {name!r} must be a JSON object"
    try:
        reply = tool.invoke({**args, **inject})
    except pydantic.ValidationError as error:
        return "", f"invalid arguments for {name!r}: {describe_validation_error(error)}"
    except ToolInputError as error:
        return "", f"{name!r} refused: {error}"
    return str(reply), ""
