"""Knowledge-vault agent: credentials, addresses, account numbers; secret values stay encrypted and unseen."""

from __future__ import annotations

from typing import Annotated

from langchain_core.tools import InjectedToolArg, tool

from agents.memory_agents.base import COMMON_RULES, COMMON_TOOLS, Workspace, checked_changes
from agents.memory_agents.spec import AgentSpec
from agents.ops import ADD, UPDATE, MemoryOp
from agents.tools import ToolInputError
from stores.memory_types import SENSITIVITIES

PROMPT = f"""You are the knowledge-vault agent of a personal memory assistant.
The vault keeps exact values the user may need again: API keys, passwords, account or card numbers,
addresses, phone numbers, booking codes. Secret values you cannot see appear as placeholders such as
[SECRET_2: api_key]; store them by passing that placeholder as secret_value: the real value is filled in
without you ever seeing it. The caption says what the value is and where it was seen (no secret in it).
Sensitivity: high for credentials and financial numbers, medium for personal contact data, low otherwise.

{COMMON_RULES}"""


@tool(parse_docstring=True)
def insert_vault_entry(
    ws: Annotated[Workspace, InjectedToolArg],
    caption: str,
    secret_value: str,
    sensitivity: str = "high",
    entry_type: str = "credential",
    source: str = "",
    sources: list[str] | None = None,
) -> str:
    """Store an exact value in the encrypted vault.

    Args:
        caption: what the value is and where it was seen, without the value itself.
        secret_value: the value exactly as written, or the batch's own SECRET placeholder that stands for it.
        sensitivity: high, medium or low.
        entry_type: credential, api_key, account_number, address, phone, booking, other.
        source: the app or site it belongs to.
        sources: observation refs (o1, o2, ...) it comes from.
    """
    if sensitivity not in SENSITIVITIES:
        raise ToolInputError(f"sensitivity must be one of {', '.join(SENSITIVITIES)}")
    value = ws.batch.redactor.resolve(secret_value) if "SECRET_" in secret_value else secret_value.strip()
    if not value:
        raise ToolInputError(f"{secret_value!r} is not a placeholder from these observations")
    if not caption.strip():
        raise ToolInputError("caption must not be empty")
    record = {
        "caption": ws.batch.redactor.redact(caption.strip()),
        "secret_value": value,
        "sensitivity": sensitivity,
        "entry_type": entry_type,
        "source": source,
    }
    op = ws.stage(MemoryOp(ADD, "knowledge_vault", id=ws.new_id(), record=record, sources=ws.sources(sources)))
    ws.staged[op.id] = {k: v for k, v in record.items() if k != "secret_value"}
    return f"stored vault entry {op.id}"


@tool(parse_docstring=True)
def update_vault_entry(
    ws: Annotated[Workspace, InjectedToolArg],
    memory_id: str,
    caption: str | None = None,
    sensitivity: str | None = None,
    sources: list[str] | None = None,
) -> str:
    """Change the caption or sensitivity of a vault entry (its value never changes through you).

    Args:
        memory_id: the vault entry to change.
        caption: a new caption, without the value.
        sensitivity: high, medium or low.
        sources: observation refs (o1, o2, ...) behind the change.
    """
    ws.current(memory_id)
    if sensitivity is not None and sensitivity not in SENSITIVITIES:
        raise ToolInputError(f"sensitivity must be one of {', '.join(SENSITIVITIES)}")
    changes = checked_changes("knowledge_vault", {"caption": caption, "sensitivity": sensitivity})
    if not changes:
        raise ToolInputError("give caption or sensitivity")
    ws.stage(MemoryOp(UPDATE, "knowledge_vault", id=memory_id, record=changes, sources=ws.sources(sources)))
    return f"updated vault entry {memory_id}"


SPEC = AgentSpec(
    name="knowledge_vault",
    description="exact values to keep safely: credentials, API keys, account/card numbers, addresses, phone numbers",
    prompt=PROMPT,
    tools=[insert_vault_entry, update_vault_entry, *COMMON_TOOLS],
)
