"""Query analysis: topics and a time range ("yesterday", "last Tuesday afternoon", "in March")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import dateparser

MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
PARTS = {"morning": (5, 12), "afternoon": (12, 18), "evening": (18, 23), "night": (21, 28), "tonight": (18, 28)}
_PART = r"(?:\s+(?:in\s+the\s+)?(?P<part>morning|afternoon|evening|night))?"
_PHRASES = [
    ("day", r"\b(?P<p>the day before yesterday|yesterday|today|tonight|this morning|this afternoon|this evening)\b"),
    ("week", r"\b(?P<p>(?:last|this|past|previous) (?:week|weekend))\b"),
    ("month", r"\b(?P<p>(?:last|this|past|previous) month)\b"),
    ("year", r"\b(?P<p>(?:last|this|previous) year)\b"),
    ("ago", r"\b(?P<p>(?P<n>\d+|a|one|two|three|four|five|six) (?P<unit>day|week|month|year)s? ago)\b"),
    (
        "date",
        rf"\b(?P<p>\d{{1,2}}(?:st|nd|rd|th)? (?:of )?(?:{MONTHS}),? \d{{4}}"
        rf"|(?:{MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b",
    ),
    ("weekday", rf"\b(?P<p>(?:last |this |on )?(?:{WEEKDAYS}))\b"),
    ("month_name", rf"\b(?P<p>(?:in |during |since )?(?P<month>{MONTHS})(?: (?P<year>\d{{4}}))?)\b"),
    ("year_number", r"\b(?P<p>in (?P<year>(?:19|20)\d{2}))\b"),
]
_STOP_WORDS = (
    "a an the what when where who whom which why how did do does was were is are am i me my mine we our you your "
    "he she they them his her their it its of in on at to for from with about and or but that this these those "
    "any some there have has had can could would should will tell remember recall show find please"
)
_STOP = frozenset(_STOP_WORDS.split())  # noqa: SIM905 - a readable word list
_WORD = re.compile(r"[\w'-]+")
_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


@dataclass
class QueryAnalysis:
    """What to search for and, if the question names one, the time range (ISO-8601, local time zone)."""

    topics: list[str] = field(default_factory=list)
    since: str | None = None
    until: str | None = None
    time_phrase: str = ""
    source: str = "offline"

    def to_dict(self) -> dict[str, Any]:
        return {
            "topics": self.topics,
            "since": self.since,
            "until": self.until,
            "time_phrase": self.time_phrase,
            "source": self.source,
        }


def _day(d: datetime) -> datetime:
    return d.replace(hour=0, minute=0, second=0, microsecond=0)


def _month_range(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1)
    end = datetime(year + (month == 12), month % 12 + 1, 1)
    return start, end


def _parse(text: str, now: datetime) -> datetime | None:
    return dateparser.parse(text, settings={"RELATIVE_BASE": now, "PREFER_DATES_FROM": "past"})


def _range(kind: str, match: re.Match[str], now: datetime) -> tuple[datetime, datetime] | None:
    phrase = match.group("p").lower()
    if kind == "day":
        base = phrase.replace("this ", "today ").split()[0] if phrase.startswith("this") else phrase
        day = _parse("today" if base in ("today", "tonight") else base, now)
        return (_day(day), _day(day) + timedelta(days=1)) if day else None
    if kind == "week":
        monday = _day(now) - timedelta(days=now.weekday())
        if phrase.endswith("weekend"):
            saturday = monday - timedelta(days=2) if "this" not in phrase else monday + timedelta(days=5)
            return saturday, saturday + timedelta(days=2)
        if phrase.startswith("past"):
            return now - timedelta(days=7), now
        return (monday, now) if phrase.startswith("this") else (monday - timedelta(days=7), monday)
    if kind == "month":
        if phrase.startswith("past"):
            return now - timedelta(days=30), now
        first = _day(now).replace(day=1)
        return (first, now) if phrase.startswith("this") else _month_range(*_previous_month(first))
    if kind == "year":
        year = now.year - (not phrase.startswith("this"))
        return datetime(year, 1, 1), datetime(year + 1, 1, 1) if year < now.year else now
    if kind == "ago":
        n = _NUMBERS.get(match.group("n")) or int(match.group("n"))
        unit = match.group("unit")
        when = _parse(f"{n} {unit}s ago", now)
        if when is None:
            return None
        width = {"day": 1, "week": 7, "month": 31, "year": 366}[unit]
        return _day(when) - timedelta(days=width // 2 if width > 1 else 0), _day(when) + timedelta(
            days=width - width // 2
        )
    if kind == "date":
        day = _parse(phrase, now)
        return (_day(day), _day(day) + timedelta(days=1)) if day else None
    if kind == "weekday":
        name = phrase.split()[-1]
        day = _parse(name, now)
        if day is None:
            return None
        day = _day(day)
        if day >= _day(now):
            day -= timedelta(days=7)
        return day, day + timedelta(days=1)
    if kind == "month_name":
        month = MONTHS.split("|").index(match.group("month").lower()) + 1
        year = int(match.group("year")) if match.group("year") else now.year - (month > now.month)
        return _month_range(year, month)
    if kind == "year_number":
        year = int(match.group("year"))
        return datetime(year, 1, 1), datetime(year + 1, 1, 1)
    return None


def _previous_month(first: datetime) -> tuple[int, int]:
    return (first.year - 1, 12) if first.month == 1 else (first.year, first.month - 1)


def _narrow(start: datetime, end: datetime, part: str | None) -> tuple[datetime, datetime]:
    if not part or end - start > timedelta(days=1):
        return start, end
    lo, hi = PARTS[part]
    return start + timedelta(hours=lo), start + timedelta(hours=hi)


def find_time_range(question: str, now: datetime | None = None) -> tuple[str, datetime, datetime] | None:
    """(phrase, start, end) of the first time expression in ``question``; None when it names no time."""
    now = (now or datetime.now()).replace(tzinfo=None)
    lowered = question.lower()
    for kind, pattern in _PHRASES:
        match = re.search(pattern + _PART, lowered)
        if (
            kind == "month_name"
            and match
            and match.group("month") == "may"
            and not (match.group("year") or match.group("p").startswith(("in ", "during ", "since ")))
        ):
            continue  # "may" is usually the verb
        if match is None:
            continue
        found = _range(kind, match, now)
        if found is None:
            continue
        part = match.group("part") or next(
            (p for p in ("morning", "afternoon", "evening") if p in match.group("p")), None
        )
        start, end = _narrow(*found, part)
        return match.group(0).strip(), start, min(end, max(now, start + timedelta(seconds=1)))
    return None


def topics_of(question: str, drop: str = "") -> list[str]:
    """Content words of a question (the time phrase and question words removed)."""
    text = question.lower().replace(drop.lower(), " ") if drop else question.lower()
    return [w for w in _WORD.findall(text) if w not in _STOP and len(w) > 1]


def analyse_offline(question: str, now: datetime | None = None) -> QueryAnalysis:
    """Topics from the question's words, time range from a date parser; no model involved."""
    local_now = now or datetime.now().astimezone()
    found = find_time_range(question, local_now)
    if found is None:
        return QueryAnalysis(topics_of(question))
    phrase, start, end = found
    tz = local_now.tzinfo or datetime.now().astimezone().tzinfo
    return QueryAnalysis(
        topics_of(question, phrase),
        start.replace(tzinfo=tz).isoformat(),
        end.replace(tzinfo=tz).isoformat(),
        phrase,
    )
