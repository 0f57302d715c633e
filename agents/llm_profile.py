"""How to call one configured model: timeout, retries, output size, parallel calls, memorize mode (kind defaults)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlparse

MEMORIZE_MODES = ("auto", "agents", "single_pass")
STRUCTURED_MODES = ("auto", "json_schema", "tools", "text")
# providers whose API can constrain decoding to a JSON schema (OpenAI response_format, llama.cpp, Ollama format)
JSON_SCHEMA_PROVIDERS = {"openai", "openai_compatible", "ollama"}


@dataclass(frozen=True)
class LLMProfile:
    """Resolved call settings for one provider and model (every field has a value)."""

    provider: str = ""
    model: str = ""
    local: bool = False
    timeout_s: float = 120.0
    max_retries: int = 2
    max_tokens: int = 2048
    parallel_calls: int = 4
    memorize_mode: str = "auto"
    structured: str = "auto"
    prompt_chars: int = 12_000
    model_query_analysis: bool = True

    @property
    def key(self) -> str:
        """Identifies the model for the capability memory."""
        return f"{self.provider}:{self.model}"


def is_local_server(provider: str, base_url: str) -> bool:
    """True for Ollama and OpenAI-compatible servers on this machine or a private network (slow, few slots)."""
    if provider == "ollama":
        return True
    if provider != "openai_compatible":
        return False
    host = (urlparse(base_url).hostname or "").lower()
    if host in ("localhost", "") or host.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def resolve_profile(
    provider: str,
    model: str = "",
    base_url: str = "",
    *,
    timeout_s: float | None = None,
    max_retries: int | None = None,
    max_tokens: int | None = None,
    parallel_calls: int | None = None,
    memorize_mode: str = "auto",
    structured: str = "auto",
) -> LLMProfile:
    """Fill every unset value with the default for the provider's kind (a local server or a cloud API)."""
    if memorize_mode not in MEMORIZE_MODES:
        raise ValueError(f"llm.memorize_mode must be one of {', '.join(MEMORIZE_MODES)}, not {memorize_mode!r}")
    if structured not in STRUCTURED_MODES:
        raise ValueError(f"llm.structured_output must be one of {', '.join(STRUCTURED_MODES)}, not {structured!r}")
    local = is_local_server(provider, base_url)
    defaults = (
        {"timeout_s": 900.0, "max_retries": 1, "max_tokens": 1024, "parallel_calls": 1, "prompt_chars": 6_000}
        if local
        else {"timeout_s": 120.0, "max_retries": 2, "max_tokens": 2048, "parallel_calls": 4, "prompt_chars": 12_000}
    )
    return LLMProfile(
        provider=provider,
        model=model,
        local=local,
        timeout_s=float(timeout_s or defaults["timeout_s"]),
        max_retries=int(defaults["max_retries"] if max_retries is None else max_retries),
        max_tokens=int(max_tokens or defaults["max_tokens"]),
        parallel_calls=max(1, int(parallel_calls or defaults["parallel_calls"])),
        memorize_mode=memorize_mode,
        structured=structured,
        prompt_chars=int(defaults["prompt_chars"]),
        model_query_analysis=not local,
    )
