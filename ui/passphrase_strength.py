"""How guessable a passphrase is, estimated by zxcvbn (dictionaries, common words, patterns), in plain words."""

from __future__ import annotations

import math
from dataclasses import dataclass

from zxcvbn import zxcvbn

LABELS = ("very weak", "weak", "fair", "good", "strong")
MIN_SCORE = 3  # zxcvbn 3: under 10^10 guesses is too few for a key that guards everything
APP_WORDS = ("mirix", "mirix-app", "memory", "passphrase", "password")
MAX_CHARS = 100  # zxcvbn slows down on very long input; the rest adds length only


@dataclass(frozen=True)
class Strength:
    """zxcvbn's verdict: score 0-4, its label, bits (log2 of the guesses needed), and what to do about it."""

    score: int
    bits: int
    crack_time: str
    warning: str
    suggestion: str

    @property
    def label(self) -> str:
        return LABELS[self.score]

    @property
    def acceptable(self) -> bool:
        return self.score >= MIN_SCORE

    def describe(self) -> str:
        """'Strength: good (about 38 bits; an attacker with your files needs about 2 years)' and advice."""
        text = f"Strength: {self.label} (about {self.bits} bits; guessing it offline takes {self.crack_time})"
        advice = " ".join(p for p in (self.warning, self.suggestion) if p)
        return f"{text}. {advice}" if advice else text


def estimate(passphrase: str) -> Strength:
    """zxcvbn's estimate, with the app's own words counted as guessable."""
    result = zxcvbn(passphrase[:MAX_CHARS], user_inputs=list(APP_WORDS))
    guesses = max(1.0, float(result["guesses"]))
    feedback = result.get("feedback") or {}
    suggestions = feedback.get("suggestions") or []
    return Strength(
        score=int(result["score"]),
        bits=int(math.log2(guesses)),
        crack_time=str(result["crack_times_display"]["offline_slow_hashing_1e4_per_second"]),
        warning=str(feedback.get("warning") or ""),
        suggestion=str(suggestions[0]) if suggestions else "",
    )
