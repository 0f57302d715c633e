"""Redact secret-looking text (API keys, tokens, card numbers, passwords, private keys) before it is stored."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

MARK = "[REDACTED:{}]"


@dataclass
class Redacted:
    """Redacted text and how many secrets of each kind were removed."""

    text: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def luhn_ok(digits: str) -> bool:
    """True when a string of digits passes the Luhn checksum used by payment card numbers."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


_PRIVATE_KEY_BLOCK = re.compile(
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----.*?(-----END[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|\Z)", re.S
)
_KNOWN_TOKENS = re.compile(
    r"""(?x)
    \b(
      sk-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_\-]{20,}     # OpenAI / Anthropic style
    | (?:gh[pousr]_|github_pat_)[A-Za-z0-9_]{20,}          # GitHub tokens
    | glpat-[A-Za-z0-9_\-]{20,}                            # GitLab
    | xox[abposr]-[A-Za-z0-9\-]{10,}                       # Slack
    | (?:AKIA|ASIA)[0-9A-Z]{16}                            # AWS access key id
    | AIza[0-9A-Za-z_\-]{35}                               # Google API key
    | (?:sk|pk|rk)_(?:live|test)_[0-9A-Za-z]{16,}          # Stripe
    | hf_[A-Za-z0-9]{30,}                                  # Hugging Face
    | eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}  # JSON Web Token
    )""",
)
_BEARER = re.compile(r"(?i)\b(bearer|token)\s+([A-Za-z0-9._~+/\-]{16,}=*)")
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s:/@]+:)([^\s@/]+)(@)")
_LABELLED = re.compile(
    r"""(?ix)
    \b(pass(?:word|wd|phrase|code)?|pwd|pin|secret|client[\s_\-]?secret|api[\s_\-]?key|access[\s_\-]?key
      |secret[\s_\-]?key|private[\s_\-]?key|auth[\s_\-]?token|access[\s_\-]?token|token)
    (\s*["']?\s*[:=]\s*["']?)
    ([^\s"',;]{3,})
    """
)
_CARD = re.compile(r"(?<![\d-])\d(?:[ \-]?\d){12,18}(?![\d-])")
_LONG_RANDOM = re.compile(r"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{32,}={0,2}(?![A-Za-z0-9+/_\-])")
_NOT_A_SECRET = re.compile(r"^\[REDACTED:")


def _card(match: re.Match[str]) -> str | None:
    digits = re.sub(r"\D", "", match.group(0))
    return "card" if 13 <= len(digits) <= 19 and luhn_ok(digits) else None


def _random_looking(token: str) -> bool:
    """Mixed upper, lower and digits, long: looks like a generated key, not a word, path or hex hash."""
    core = token.rstrip("=")
    classes = sum(bool(re.search(p, core)) for p in (r"[a-z]", r"[A-Z]", r"\d"))
    return classes == 3 and not core.isalpha() and len(set(core)) >= 12


Decide = Callable[[re.Match[str]], bool]


@dataclass(frozen=True)
class SecretPattern:
    """One row of the pattern table: what it finds, which group is the secret, and an extra check."""

    kind: str
    pattern: re.Pattern[str]
    group: int = 0  # the secret itself; the rest of the match (a label, a URL) stays
    check: Decide | None = None


def _not_masked(group: int) -> Decide:
    return lambda m: not _NOT_A_SECRET.match(m.group(group)) and not set(m.group(group)) <= set("•*●·.∙◦")


def _labelled_kind(match: re.Match[str]) -> str:
    label = match.group(1).lower()
    return "password" if label.startswith("pass") or label in ("pwd", "pin") else "secret"


_SAID = re.compile(
    r"(?i)\b(pass(?:word|wd|phrase|code)?|pwd|pin|secret|token|api[\s_\-]?key)\s+is\s+([A-Za-z0-9_\-./+!@#$%^&*]{6,})"
)
_SHORT_KEYS = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-]{16,}\b")

# The one pattern table of the app: capture's OCR text, stored text, every printed output and LLM prompts.
# Earlier rows win where matches overlap.
PATTERNS: tuple[SecretPattern, ...] = (
    SecretPattern("private-key", _PRIVATE_KEY_BLOCK),
    SecretPattern("api-key", _KNOWN_TOKENS, 1),
    SecretPattern("api-key", _SHORT_KEYS),
    SecretPattern("password", _URL_PASSWORD, 2),
    SecretPattern("token", _BEARER, 2, _not_masked(2)),
    SecretPattern("labelled", _LABELLED, 3, _not_masked(3)),
    SecretPattern("labelled", _SAID, 2, _not_masked(2)),
    SecretPattern("card", _CARD, 0, lambda m: _card(m) is not None),
    SecretPattern("secret", _LONG_RANDOM, 0, lambda m: _random_looking(m.group(0))),
)


def find_secrets(text: str) -> list[tuple[int, int, str]]:
    """Spans (start, end, kind) of the secrets in ``text``, by the one pattern table, in text order."""
    spans: list[tuple[int, int, str]] = []
    for row in PATTERNS:
        for match in row.pattern.finditer(text):
            if row.check is not None and not row.check(match):
                continue
            start, end = match.span(row.group)
            if start == end or any(s < end and start < e for s, e, _ in spans):
                continue
            spans.append((start, end, _labelled_kind(match) if row.kind == "labelled" else row.kind))
    return sorted(spans)


def redact(text: str) -> Redacted:
    """Replace secrets in ``text`` with ``[REDACTED:kind]`` markers; labels such as "Password:" are kept."""
    if not text:
        return Redacted(text or "")
    counts: Counter[str] = Counter()
    out, last = [], 0
    for start, end, kind in find_secrets(text):
        out.append(text[last:start])
        out.append(MARK.format(kind))
        counts[kind] += 1
        last = end
    out.append(text[last:])
    return Redacted("".join(out), counts)


def redact_text(text: str) -> str:
    """``redact(text).text``: the text with secrets replaced."""
    return redact(text).text
