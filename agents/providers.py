"""Build a LangChain chat model from the LLM settings; the only module importing provider packages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agents.errors import ProviderConfigError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "mirix-app"
PROVIDERS = ("openai", "anthropic", "google", "ollama", "openai_compatible")
NEEDS_KEY = {"openai", "anthropic", "google"}
DEFAULT_MODELS = {
    "openai": "gpt-4o-mini",
    "anthropic": "claude-3-5-haiku-latest",
    "google": "gemini-2.0-flash",
    "ollama": "qwen2.5:7b-instruct",
}
DEFAULT_TIMEOUT_S = 120.0
# llama.cpp's DRY sampler: a phrase the reply already holds is penalised (servers without it ignore the field);
# greedy small models otherwise repeat one summary until the schema's length limit cuts it
REPEAT_GUARD = {"dry_multiplier": 0.8}


@dataclass(frozen=True)
class ProviderSpec:
    """What the provider factory needs: which provider, model, server and how to read its key."""

    provider: str
    model: str = ""
    base_url: str = ""
    timeout_s: float = DEFAULT_TIMEOUT_S
    temperature: float = 0.0
    max_retries: int = 1
    max_tokens: int = 2048
    repeat_guard: bool = False  # a local server: ask it to penalise repeated phrases (small models loop when greedy)


def keyring_account(provider: str) -> str:
    return f"llm-api-key:{provider}"


def read_api_key(provider: str) -> str | None:
    """The provider's API key from the OS keyring; None when absent or no keyring works."""
    import keyring
    import keyring.errors

    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_account(provider))
    except keyring.errors.KeyringError as error:
        log.warning("cannot read the %s API key from the keyring: %s", provider, error)
        return None


def store_api_key(provider: str, key: str) -> None:
    """Save the provider's API key in the OS keyring (never in settings.json)."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, keyring_account(provider), key)


def is_configured(provider: str) -> bool:
    """True when settings name a provider: otherwise the app runs offline (a normal state)."""
    return bool(provider)


def build_chat_model(spec: ProviderSpec, key_lookup: Callable[[str], str | None] = read_api_key) -> Any:
    """A ``BaseChatModel`` for ``spec``, or None when no provider is configured (offline mode)."""
    if not is_configured(spec.provider):
        return None
    if spec.provider not in PROVIDERS:
        raise ProviderConfigError(f"Unknown LLM provider {spec.provider!r}; expected one of {', '.join(PROVIDERS)}.")
    model = spec.model or DEFAULT_MODELS.get(spec.provider, "")
    if not model:
        raise ProviderConfigError(f"Set llm.model for the {spec.provider} provider.")
    key = key_lookup(spec.provider)
    if spec.provider in NEEDS_KEY and not key:
        raise ProviderConfigError(
            f"No API key for {spec.provider} in the OS keyring (service {KEYRING_SERVICE!r}, "
            f"account {keyring_account(spec.provider)!r}). Add it in Settings."
        )
    return _BUILDERS[spec.provider](spec, model, key)


def _openai(spec: ProviderSpec, model: str, key: str | None) -> Any:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=model,
        api_key=key,
        base_url=spec.base_url or None,
        timeout=spec.timeout_s,
        max_retries=spec.max_retries,
        max_tokens=spec.max_tokens,
        temperature=spec.temperature,
        stream_usage=True,
    )


def _openai_compatible(spec: ProviderSpec, model: str, key: str | None) -> Any:
    if not spec.base_url:
        raise ProviderConfigError("Set llm.base_url (e.g. http://localhost:8080/v1) for an OpenAI-compatible server.")
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=model,
        api_key=key or "not-needed",
        base_url=spec.base_url,
        timeout=spec.timeout_s,
        max_retries=spec.max_retries,
        max_tokens=spec.max_tokens,
        temperature=spec.temperature,
        stream_usage=True,
        extra_body=REPEAT_GUARD if spec.repeat_guard else None,
    )


def _anthropic(spec: ProviderSpec, model: str, key: str | None) -> Any:
    from langchain_anthropic import ChatAnthropic

    kwargs: dict[str, Any] = {"base_url": spec.base_url} if spec.base_url else {}
    return ChatAnthropic(
        model=model,
        api_key=key,
        timeout=spec.timeout_s,
        max_retries=spec.max_retries,
        max_tokens=spec.max_tokens,
        temperature=spec.temperature,
        **kwargs,
    )


def _google(spec: ProviderSpec, model: str, key: str | None) -> Any:
    from langchain_google_genai import ChatGoogleGenerativeAI

    return ChatGoogleGenerativeAI(
        model=model,
        google_api_key=key,
        timeout=spec.timeout_s,
        max_retries=spec.max_retries,
        max_output_tokens=spec.max_tokens,
        temperature=spec.temperature,
    )


def _ollama(spec: ProviderSpec, model: str, key: str | None) -> Any:
    from langchain_ollama import ChatOllama

    return ChatOllama(
        model=model,
        base_url=spec.base_url or None,
        temperature=spec.temperature,
        num_predict=spec.max_tokens,
        client_kwargs={"timeout": spec.timeout_s},
    )


_BUILDERS: dict[str, Callable[[ProviderSpec, str, str | None], Any]] = {
    "openai": _openai,
    "openai_compatible": _openai_compatible,
    "anthropic": _anthropic,
    "google": _google,
    "ollama": _ollama,
}
