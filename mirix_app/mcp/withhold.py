"""What other assistants never see: vault values (of any sensitivity), high-sensitivity vault entries, secrets in text.

Applied by the owner to every result of an MCP query before it leaves the process that holds the key.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from agents.redact import scrub
from stores.redaction import redact_text

VAULT = "knowledge_vault"
SECRET_FIELD = "secret_value"
WITHHELD = "[withheld secret]"


class Withheld:
    """The vault as other assistants may know it: which entries are unlisted, which values to scrub from text."""

    def __init__(self, entries: Iterable[tuple[str, str]], values: Iterable[str]) -> None:
        self.unlisted = {vault_id for vault_id, sensitivity in entries if sensitivity == "high"}
        # longest first, so a value that contains another is removed whole
        self.values = sorted({v for v in values if v}, key=len, reverse=True)

    @classmethod
    def of(cls, store: Any) -> Withheld:
        """The policy for ``store``'s vault right now (the values are read here and never leave the owner)."""
        entries = store.vault_entries()
        return cls(
            [(vault_id, sensitivity) for vault_id, sensitivity, _ in entries], [store.reveal(e[0]) for e in entries]
        )

    def listed(self, type_name: str, item_id: str) -> bool:
        """False for a high-sensitivity vault entry: other assistants are not told it exists."""
        return not (type_name == VAULT and item_id in self.unlisted)

    def text(self, text: str) -> str:
        """``text`` without any vault value and with every secret-looking string redacted."""
        return redact_text(scrub(text, self.values, WITHHELD))

    def record(self, record: dict[str, Any]) -> dict[str, Any]:
        """A memory record without its secret field (not even a mask), every text cleaned."""
        return {k: self.clean(v) for k, v in record.items() if k != SECRET_FIELD}

    def clean(self, value: Any) -> Any:
        """Every string inside ``value`` (dicts, lists) cleaned; secret fields dropped wherever they appear."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return self.record(value)
        if isinstance(value, list | tuple):
            return [self.clean(v) for v in value]
        return value
