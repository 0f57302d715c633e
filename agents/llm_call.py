"""One way to call a model: budget check first, provider failures typed, tokens charged afterwards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage

from agents.errors import AgentError, ProviderUnavailable
from agents.token_budget import TokenBudget


@dataclass
class LLMCaller:
    """Calls a (tool-bound) model under the token budget (the ledger is the store's, behind its gate)."""

    budget: TokenBudget | None

    def __call__(self, model: Any, messages: Sequence[BaseMessage], purpose: str) -> AIMessage:
        self._check()
        try:
            response = model.invoke(list(messages))
        except AgentError:
            raise
        except Exception as error:  # noqa: BLE001 - any provider failure (timeout, HTTP, refused key)
            raise ProviderUnavailable(f"{type(error).__name__}: {error}") from error
        self._charge(messages, response, purpose)
        return response

    def stream(
        self, model: Any, messages: Sequence[BaseMessage], purpose: str, on_token: Callable[[str], None]
    ) -> AIMessage:
        """Stream the answer's tokens to ``on_token``; returns the whole message."""
        self._check()
        whole: AIMessageChunk | None = None
        try:
            for chunk in model.stream(list(messages)):
                whole = chunk if whole is None else whole + chunk
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    on_token(text)
        except AgentError:
            raise
        except Exception as error:  # noqa: BLE001 - any provider failure
            raise ProviderUnavailable(f"{type(error).__name__}: {error}") from error
        response = AIMessage(
            content=whole.content if whole is not None else "",
            usage_metadata=getattr(whole, "usage_metadata", None),
        )
        self._charge(messages, response, purpose)
        return response

    def _check(self) -> None:
        if self.budget is not None:
            self.budget.check()

    def _charge(self, messages: Sequence[BaseMessage], response: Any, purpose: str) -> None:
        if self.budget is not None:
            self.budget.charge(messages, response, purpose)
