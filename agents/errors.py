"""Typed errors of the agents: budget, provider outage and model output that stayed invalid."""

from __future__ import annotations


class AgentError(Exception):
    """Base class of the errors the agents raise on purpose."""


class BudgetExhausted(AgentError):
    """The hourly token budget is used up; work waits (or goes offline) until it frees."""


class ProviderUnavailable(AgentError):
    """The LLM provider failed (timeout, outage, refused key); the batch stays pending untouched."""


class InvalidModelOutput(AgentError):
    """The model's tool calls or structured output stayed invalid after the allowed retries."""


class ProviderConfigError(AgentError):
    """The LLM settings name an unknown provider or lack what it needs (model, base URL, key)."""
