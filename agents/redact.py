"""Before text reaches an LLM: secret-looking strings become placeholders, known vault values disappear."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from stores.redaction import redact_text

# Placeholders the vault agent can resolve; stores.redaction (capture's redactor) then catches anything else.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("api_key", re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-]{16,}\b")),
    ("api_key", re.compile(r"\b(?:ghp|gho|ghs|github_pat|glpat|xox[abpr])[-_][A-Za-z0-9_\-]{16,}\b")),
    ("api_key", re.compile(r"\bAKIA[0-9A-Z]{16}\b")),
    ("api_key", re.compile(r"\bAIza[0-9A-Za-z_\-]{30,}\b")),
    ("private_key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)")),
    ("password", re.compile(r"(?i)\b(?:password|passwd|pwd|passphrase|pin)\b\s*(?:is|[:=])\s*(\S+)")),
    ("token", re.compile(r"(?i)\b(?:token|secret|api[_ -]?key)\b\s*(?:is|[:=])\s*([A-Za-z0-9_\-./+]{12,})")),
    ("card_number", re.compile(r"\b\d(?:[ -]?\d){12,18}\b")),
)


def _luhn_ok(digits: str) -> bool:
    total, parity = 0, len(digits) % 2
    for i, ch in enumerate(digits):
        d = int(ch)
        if i % 2 == parity:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def find_secrets(text: str) -> list[tuple[int, int, str]]:
    """Spans (start, end, kind) of secret-looking strings in ``text``."""
    spans: list[tuple[int, int, str]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span(1) if match.lastindex else match.span()
            value = text[start:end]
            if kind == "card_number" and not _luhn_ok(re.sub(r"\D", "", value)):
                continue
            if any(s < end and start < e for s, e, _ in spans):
                continue
            spans.append((start, end, kind))
    return sorted(spans)


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
