"""Before text reaches an LLM: secret-looking strings become placeholders, known vault values disappear."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from stores.redaction import find_secrets as _find
from stores.redaction import redact_text


def find_secrets(text: str) -> list[tuple[int, int, str]]:
    """Spans (start, end, kind) of secret-looking strings in ``text`` (the one table in stores.redaction)."""
    return [(start, end, kind.replace("-", "_")) for start, end, kind in _find(text)]


@dataclass
class Redactor:
    """Replaces secrets with numbered placeholders and remembers them (never shown to a model)."""

    known_values: tuple[str, ...] = ()
    secrets: dict[str, str] = field(default_factory=dict)

    def redact(self, text: str) -> str:
        for value in self.known_values:
            if value and len(value) >= 4 and value in text:
                text = text.replace(value, self._placeholder(value, "vault value"))
        out, last = [], 0
        for start, end, kind in find_secrets(text):
            out.append(text[last:start])
            out.append(self._placeholder(text[start:end], kind))
            last = end
        out.append(text[last:])
        return redact_text("".join(out))

    def _placeholder(self, value: str, kind: str) -> str:
        for ref, known in self.secrets.items():
            if known == value:
                return ref
        ref = f"[SECRET_{len(self.secrets) + 1}: {kind}]"
        self.secrets[ref] = value
        return ref

    def resolve(self, text: str) -> str | None:
        """The real value behind a placeholder the model quoted (e.g. ``[SECRET_1: api_key]`` or ``SECRET_1``)."""
        match = re.search(r"SECRET_(\d+)", text)
        if not match:
            return None
        for ref, value in self.secrets.items():
            if ref.startswith(f"[SECRET_{match.group(1)}:"):
                return value
        return None


def scrub(text: str, values: Iterable[str], replacement: str = "[withheld secret]") -> str:
    """Remove every occurrence of known secret values from ``text``."""
    for value in values:
        if value and len(value) >= 4:
            text = text.replace(value, replacement)
    return text
