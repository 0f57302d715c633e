"""ISO-8601 timestamps in UTC and their epoch-second form used for filtering."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow_iso() -> str:
    """The current time as an ISO-8601 string in UTC with microseconds."""
    return datetime.now(UTC).isoformat()


def parse_time(value: str | datetime) -> datetime:
    """Parse an ISO-8601 string (naive means UTC) into an aware datetime."""
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def to_epoch(value: str | datetime | None) -> float | None:
    """Epoch seconds of an ISO-8601 string or datetime; None stays None."""
    return None if value is None else parse_time(value).timestamp()


def normalize_iso(value: str | datetime) -> str:
    """Re-format any ISO-8601 input as an aware ISO-8601 string."""
    return parse_time(value).isoformat()
