"""Time spans named in text ("in May 2023", "last Tuesday", "on 8 May, 2023"), resolved against a reference time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]  # fmt: skip
_MON = "|".join(MONTHS + [m[:3] for m in MONTHS if m != "may"] + ["sept"])
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}

Span = tuple[float, float]

_PATTERNS = [
    ("dmy", rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MON})\.?,?\s+((?:19|20)\d\d)\b"),
    ("mdy", rf"\b({_MON})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b"),
    ("iso", r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b"),
    ("my", rf"\b({_MON})\.?,?\s+((?:19|20)\d\d)\b"),
    ("m", r"\b(?:in|during|since|last|this)\s+(" + "|".join(MONTHS) + r")\b"),
    ("y", r"\b(?:in|during|of)\s+((?:19|20)\d\d)\b"),
    ("rel_day", r"\b(the day before yesterday|yesterday|today|tonight|this morning)\b"),
    ("rel_span", r"\b(last|this|past|previous)\s+(week|weekend|month|year)\b"),
    ("ago", r"\b(\d+|an?|one|two|three|four|five|six)\s+(day|week|month|year)s?\s+ago\b"),
    ("weekday", r"\b(last|this|on)\s+(" + "|".join(WEEKDAYS) + r")\b"),
]
_COMPILED = [(name, re.compile(rx, re.IGNORECASE)) for name, rx in _PATTERNS]


def _month(name: str) -> int:
    name = name.lower()[:3]
    return [m[:3] for m in MONTHS].index(name) + 1


def _day(d: datetime) -> Span:
    start = d.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.timestamp(), (start + timedelta(days=1)).timestamp() - 1e-3


def _month_span(year: int, month: int) -> Span:
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    return start.timestamp(), end.timestamp() - 1e-3


def _year_span(year: int) -> Span:
    return datetime(year, 1, 1, tzinfo=UTC).timestamp(), datetime(year + 1, 1, 1, tzinfo=UTC).timestamp() - 1e-3


def _span(name: str, m: re.Match[str], now: datetime) -> Span | None:
    g = m.groups()
    if name == "dmy":
        return _day(datetime(int(g[2]), _month(g[1]), int(g[0]), tzinfo=UTC))
    if name == "mdy":
        return _day(datetime(int(g[2]), _month(g[0]), int(g[1]), tzinfo=UTC))
    if name == "iso":
        return _day(datetime(int(g[0]), int(g[1]), int(g[2]), tzinfo=UTC))
    if name == "my":
        return _month_span(int(g[1]), _month(g[0]))
    if name == "m":
        month = _month(g[0])
        return _month_span(now.year if month <= now.month else now.year - 1, month)
    if name == "y":
        return _year_span(int(g[0]))
    if name == "rel_day":
        back = {"the day before yesterday": 2, "yesterday": 1}.get(g[0].lower(), 0)
        return _day(now - timedelta(days=back))
    if name == "rel_span":
        return _relative_span(g[0].lower(), g[1].lower(), now)
    if name == "ago":
        n = int(g[0]) if g[0].isdigit() else _NUM[g[0].lower()]
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[g[1].lower()] * n
        centre = now - timedelta(days=days)
        slack = timedelta(days=max(1, days // 7))
        return (centre - slack).timestamp(), (centre + slack).timestamp()
    if name == "weekday":
        target = WEEKDAYS.index(g[1].lower())
        back = (now.weekday() - target) % 7 or (7 if g[0].lower() == "last" else 0)
        return _day(now - timedelta(days=back))
    return None


def _relative_span(which: str, unit: str, now: datetime) -> Span:
    current = which == "this"
    if unit in ("week", "weekend"):
        monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
        start = monday if current else monday - timedelta(days=7)
        if unit == "weekend":
            start += timedelta(days=5)
            return start.timestamp(), (start + timedelta(days=2)).timestamp() - 1e-3
        return start.timestamp(), (start + timedelta(days=7)).timestamp() - 1e-3
    if unit == "month":
        year, month = (now.year, now.month) if current else (now.year - (now.month == 1), (now.month - 2) % 12 + 1)
        return _month_span(year, month)
    return _year_span(now.year if current else now.year - 1)


def time_spans(text: str, now: datetime | float | None = None) -> list[tuple[str, Span]]:
    """Every time span ``text`` names, with the phrase that named it; relative phrases count from ``now``."""
    if now is None:
        ref = datetime.now(UTC)
    elif isinstance(now, datetime):
        ref = now if now.tzinfo else now.replace(tzinfo=UTC)
    else:
        ref = datetime.fromtimestamp(now, UTC)
    found: list[tuple[str, Span]] = []
    taken: list[tuple[int, int]] = []
    for name, rx in _COMPILED:
        for m in rx.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            try:
                span = _span(name, m, ref)
            except (ValueError, KeyError):
                continue
            if span is not None:
                found.append((m.group(0), span))
                taken.append((m.start(), m.end()))
    return found


def query_span(text: str, now: datetime | float | None = None) -> Span | None:
    """The one time span a query asks about (the first it names), or None."""
    spans = time_spans(text, now)
    return spans[0][1] if spans else None
