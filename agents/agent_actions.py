"""A memory agent's tool calls as one schema-constrained reply (for models that never emit native tool calls)."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.tools import BaseTool

from agents.schema_bounds import bound_text_fields, whole_sentences
from agents.structured import StructuredRequest, structured_call
from agents.tools import run_one_tool

READ_ONLY_TOOLS = {"search_memories"}


@dataclass
class ActionsResult:
    """How a structured agent run ended: successful calls, the errors fed back, model calls made."""

    succeeded: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    model_calls: int = 0


def _args_schema(tool: BaseTool, refs: Sequence[str]) -> dict[str, Any]:
    schema = copy.deepcopy(tool.tool_call_schema.model_json_schema())
    schema.pop("title", None)
    schema.pop("description", None)
    props = schema.get("properties", {})
    bound_text_fields(props)
    if "sources" in props and refs:
        props["sources"] = {"type": "array", "items": {"type": "string", "enum": list(refs)}}
    return schema


def actions_request(tools: Sequence[BaseTool], refs: Sequence[str]) -> StructuredRequest[list[dict[str, Any]]]:
    """A reply of one or more ``{"tool", "args"}`` actions, each matching its tool's argument schema."""
    writers = [t for t in tools if t.name not in READ_ONLY_TOOLS]
    variants = [
        {
            "type": "object",
            "properties": {"tool": {"type": "string", "enum": [t.name]}, "args": _args_schema(t, refs)},
            "required": ["tool", "args"],
        }
        for t in writers
    ]
    schema = {
        "type": "object",
        "properties": {"actions": {"type": "array", "minItems": 1, "items": {"anyOf": variants}}},
        "required": ["actions"],
    }
    names = {t.name for t in writers}

    def validate(obj: dict[str, Any]) -> list[dict[str, Any]]:
        actions = obj.get("actions")
        if not isinstance(actions, list) or not actions:
            raise ValueError(f"give at least one action in 'actions', using the tools {', '.join(sorted(names))}")
        for action in actions:
            if not isinstance(action, dict) or action.get("tool") not in names:
                raise ValueError(f"each action needs 'tool' (one of {', '.join(sorted(names))}) and 'args'")
        return actions

    return StructuredRequest("memory_actions", "the memory tools to call, in order", schema, validate)


def run_agent_actions(
    model: Any,
    messages: list[BaseMessage],
    tools: Sequence[BaseTool],
    refs: Sequence[str],
    inject: dict[str, Any],
    *,
    max_invalid: int,
    **call_args: Any,
) -> ActionsResult:
    """Ask for the agent's actions, run them through the tools, and send refused ones back for repair."""
    by_name = {t.name: t for t in tools}
    request = actions_request(tools, refs)
    result = ActionsResult()
    for _ in range(max_invalid + 1):
        actions = structured_call(model, messages, request, max_invalid=max_invalid, **call_args)
        result.model_calls += 1
        errors = []
        for action in actions:
            args = action.get("args")
            if isinstance(args, dict):
                args = {name: whole_sentences(name, value) for name, value in args.items()}
            call = {"name": action["tool"], "args": args, "id": uuid.uuid4().hex[:8]}
            _, error = run_one_tool(by_name, call, inject)
            if error:
                errors.append(error)
            else:
                result.succeeded.append(action["tool"])
        result.errors.extend(errors)
        if not errors or result.succeeded:
            return result
        messages = [
            *messages,
            AIMessage(content=json.dumps({"actions": actions})),
            HumanMessage(content="Error: " + "; ".join(errors) + ". Fix these actions and answer again."),
        ]
    return result
