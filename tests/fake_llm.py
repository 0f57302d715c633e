"""A scripted fake chat model: plays back AIMessages (with tool calls) per agent and records every prompt."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, Field

Reply = AIMessage | Callable[[list[BaseMessage]], AIMessage]

META = "meta memory manager"
SINGLE_PASS = "You build a personal memory"
QUERY = "Analyse the user's question"
ANSWER = "Answer the question from the memories below"


def agent(name: str) -> str:
    """The script key of a memory agent (a phrase of its system prompt)."""
    return f"You are the {name.replace('_', '-')} agent" if name == "knowledge_vault" else f"the {name} memory agent"


def call(tool_name: str, call_id: str = "c1", /, **args: Any) -> AIMessage:
    """An AIMessage with one tool call."""
    return AIMessage(content="", tool_calls=[{"name": tool_name, "args": args, "id": call_id, "type": "tool_call"}])


def json_reply(value: Any) -> AIMessage:
    """An AIMessage whose text is ``value`` as JSON (what a schema-constrained server returns)."""
    return AIMessage(content=json.dumps(value))


def route(*pairs: tuple[str, str]) -> AIMessage:
    return call("route_to_memory_agents", "route", routes=[{"agent": a, "instruction": i} for a, i in pairs])


class ScriptedChatModel(FakeMessagesListChatModel):
    """Replies from the script whose key appears in the system prompt; "done" when a script runs out.

    ``prompts`` holds every message list it was sent (as text), so tests can check what a model ever saw.
    ``before_call(key)`` runs before each reply (e.g. a barrier proving two agents run at once).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)
    responses: list = Field(default_factory=list)
    scripts: dict[str, list[Any]] = Field(default_factory=dict)
    default: Any = None
    prompts: list[str] = Field(default_factory=list)
    keys_called: list[str] = Field(default_factory=list)
    call_kwargs: list[dict] = Field(default_factory=list)
    before_call: Callable[[str], None] | None = None
    lock: Any = Field(default_factory=threading.Lock)

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedChatModel:
        return self

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        system = next((m.content for m in messages if m.type == "system"), "")
        key = next((k for k in self.scripts if k in system), "")
        if self.before_call:
            self.before_call(key)
        with self.lock:
            self.prompts.append("\n".join(str(m.content) + str(getattr(m, "tool_calls", "")) for m in messages))
            self.keys_called.append(key)
            self.call_kwargs.append(dict(kwargs))
            script = self.scripts.get(key)
            reply = script.pop(0) if script else (self.default or AIMessage(content="done"))
        message = reply(messages) if callable(reply) else reply.model_copy()
        return ChatResult(generations=[ChatGeneration(message=message)])

    @property
    def _llm_type(self) -> str:
        return "scripted-fake"

    def saw(self, text: str) -> bool:
        """True when ``text`` appears in any prompt this model received."""
        return any(text in prompt for prompt in self.prompts)
