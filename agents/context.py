"""Run-time context injected into the graphs (store handles, model caller, limits); never global."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agents.capabilities import CapabilityMemory
from agents.llm_call import LLMCaller
from agents.llm_profile import LLMProfile
from stores.chat_threads import ChatThreads
from stores.memory_store import MemoryStore


@dataclass
class MemorizeContext:
    """What the memorize graph's nodes may use: the store, the budgeted model caller and the limits."""

    store: MemoryStore
    call: LLMCaller
    max_invalid: int = 3
    max_steps: int = 8
    related_k: int = 6
    max_attempts: int = 3
    backoff_s: float = 60.0
    profile: LLMProfile = field(default_factory=LLMProfile)
    capabilities: CapabilityMemory = field(default_factory=CapabilityMemory)


@dataclass
class ChatContext:
    """What the chat graph's nodes may use; ``on_token`` receives the answer while it streams.

    ``withhold_vault`` (answers for other assistants): no knowledge-vault value reaches the model or the
    answer, whatever its sensitivity, and high-sensitivity entries are left out altogether.
    """

    store: MemoryStore
    threads: ChatThreads
    call: LLMCaller
    on_token: Callable[[str], None] | None = None
    k: int = 8
    allow_medium_vault: bool = False
    withhold_vault: bool = False
    now: Callable[[], object] | None = field(default=None)
    profile: LLMProfile = field(default_factory=LLMProfile)
    capabilities: CapabilityMemory = field(default_factory=CapabilityMemory)
