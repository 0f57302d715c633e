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


class _Redactor:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def mark(self, kind: str) -> str:
        self.counts[kind] += 1
        return MARK.format(kind)

    def sub(self, pattern: re.Pattern[str], text: str, decide: Callable[[re.Match[str]], str | None]) -> str:
        def replace(match: re.Match[str]) -> str:
            verdict = decide(match)
            return match.group(0) if verdict is None else verdict

        return pattern.sub(replace, text)


def redact(text: str) -> Redacted:
    """Replace secrets in ``text`` with ``[REDACTED:kind]`` markers; labels such as "Password:" are kept."""
    if not text:
        return Redacted(text or "")
    r = _Redactor()
    text = r.sub(_PRIVATE_KEY_BLOCK, text, lambda m: r.mark("private-key"))
    text = r.sub(_KNOWN_TOKENS, text, lambda m: r.mark("api-key"))
    text = r.sub(_URL_PASSWORD, text, lambda m: m.group(1) + r.mark("password") + m.group(3))
    text = r.sub(
        _BEARER,
        text,
        lambda m: None if _NOT_A_SECRET.match(m.group(2)) else f"{m.group(1)} {r.mark('token')}",
    )

    def labelled(match: re.Match[str]) -> str | None:
        value = match.group(3)
        if _NOT_A_SECRET.match(value) or set(value) <= set("•*●·.∙◦"):
            return None
        label = match.group(1).lower()
        kind = "password" if label.startswith("pass") or label in ("pwd", "pin") else "secret"
        return match.group(1) + match.group(2) + r.mark(kind)

    text = r.sub(_LABELLED, text, labelled)
    text = r.sub(_CARD, text, lambda m: r.mark("card") if _card(m) else None)
    text = r.sub(_LONG_RANDOM, text, lambda m: r.mark("secret") if _random_looking(m.group(0)) else None)
    return Redacted(text, r.counts)


def redact_text(text: str) -> str:
    """``redact(text).text``: the text with secrets replaced."""
    return redact(text).text
