"""Exclusion rules: apps and window titles that must never be captured (private browsing by default)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mirix_app.capture.frame import WindowInfo

BROWSERS = (
    "firefox", "firefox-esr", "navigator", "librewolf", "google-chrome", "chrome", "chromium", "chromium-browser",
    "microsoft-edge", "msedge", "brave", "brave-browser",
)  # fmt: skip

# How private windows announce themselves in their title or class (Firefox, Chrome/Chromium, Edge, Brave).
PRIVATE_TITLE_PATTERNS = (
    r"private browsing",
    r"\(incognito\)",
    r"\bincognito\b",
    r"\binprivate\b",
    r"\(private\)",
    r"- private\b",
)
PRIVATE_CLASS_PATTERNS = (r"private", r"incognito")


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error:
        return re.compile(re.escape(pattern), re.IGNORECASE)


@dataclass(frozen=True)
class Exclusion:
    """Why a window is excluded: the rule kind ("app", "title", "private") and what matched."""

    rule: str
    matched: str


class ExclusionRules:
    """Decides whether the focused window may be captured."""

    def __init__(
        self,
        excluded_apps: Sequence[str] = (),
        excluded_title_patterns: Sequence[str] = (),
        exclude_private_browsing: bool = True,
    ) -> None:
        self.apps = {a.strip().lower() for a in excluded_apps if a.strip()}
        self.titles = [_compile(p) for p in excluded_title_patterns if p.strip()]
        self.private = exclude_private_browsing
        self._private_titles = [_compile(p) for p in PRIVATE_TITLE_PATTERNS]
        self._private_classes = [_compile(p) for p in PRIVATE_CLASS_PATTERNS]

    def check(self, window: WindowInfo) -> Exclusion | None:
        """The rule that excludes ``window``, or None when it may be captured."""
        names = {window.app.lower(), window.process.lower(), *(c.lower() for c in window.wm_class)} - {""}
        for name in names:
            if name in self.apps:
                return Exclusion("app", name)
        for pattern in self.titles:
            if pattern.search(window.title):
                return Exclusion("title", pattern.pattern)
        if self.private:
            for pattern in self._private_titles:
                if pattern.search(window.title):
                    return Exclusion("private", pattern.pattern)
            if names & set(BROWSERS) or any(b in n for n in names for b in BROWSERS):
                for name in names:
                    if any(p.search(name) for p in self._private_classes):
                        return Exclusion("private", name)
        return None
