"""The validated tool-calling loop: invalid calls go back to the model with the error, a bounded number of times."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydantic
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool

from agents.errors import InvalidModelOutput
from agents.json_text import call_parts, fit_arguments, json_values
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


def salvage_tool_calls(content: Any, tools: Sequence[BaseTool]) -> tuple[list[dict[str, Any]], list[str]]:
    """Tool calls written as JSON in the message text (common with small local models), and why others were not.

    Accepts fenced or bare JSON, doubled braces, ``{"name", "arguments"}`` / ``{"tool", "parameters"}`` /
    OpenAI's ``{"function": {...}}`` shapes, a list of calls, and arguments given as a bare list when the tool
    has exactly one list parameter.
    """
    if not isinstance(content, str) or not any(c in content for c in "{["):
        return [], []
    by_name = {t.name: t for t in tools}
    calls, problems = [], []
    for value in json_values(content):
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, dict):
                continue
            name, args = call_parts(item)
            if name not in by_name:
                if name is not None:
                    problems.append(f"there is no tool {name!r}; the tools are {', '.join(by_name)}")
                continue
            args = fit_arguments(args, _args_schema(by_name[name]))
            if not isinstance(args, dict):
                problems.append(f"the arguments of {name!r} must be a JSON object, got {type(args).__name__}")
                continue
            calls.append({"name": name, "args": args, "id": f"salvaged_{uuid.uuid4().hex[:8]}", "type": "tool_call"})
    return calls, problems


def _args_schema(tool: BaseTool) -> dict[str, Any]:
    return tool.tool_call_schema.model_json_schema() if hasattr(tool.tool_call_schema, "model_json_schema") else {}


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
        salvage_problems: list[str] = []
        if not calls and not broken:
            calls, salvage_problems = salvage_tool_calls(ai.content, tools)
            if calls:
                ai = AIMessage(content="", tool_calls=calls)
        messages.append(ai)
        if not calls and not broken:
            if salvage_problems:
                error = "; ".join(salvage_problems)
                messages.append(HumanMessage(content=f"Error: {error}. Fix it and call again."))
                invalid_rounds = _count_invalid(result, [error], invalid_rounds, max_invalid)
                continue
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
            reply, error = run_one_tool(by_name, tool_call, inject or {})
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


def run_one_tool(
    by_name: Mapping[str, BaseTool], tool_call: Mapping[str, Any], inject: Mapping[str, Any]
) -> tuple[str, str]:
    """Run one call; returns (reply, "") or ("", the error to send back to the model)."""
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
