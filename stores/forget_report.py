"""What forgetting a time range removes: counts per kind, and the lines a person reads before confirming."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ForgetReport:
    """What forgetting a time range removes (or, for a dry run, would remove)."""

    since: float
    until: float
    observations: dict[str, int] = field(default_factory=dict)  # per kind (frame, chat, chat_turn, note)
    frame_files: int = 0
    image_vectors: int = 0
    memories_deleted: dict[str, int] = field(default_factory=dict)  # per memory type
    memories_trimmed: dict[str, int] = field(default_factory=dict)  # kept, with the range's sources removed
    chat_messages: int = 0
    dry_run: bool = False

    @property
    def range(self) -> tuple[float, float]:
        return self.since, self.until

    @property
    def total_observations(self) -> int:
        return sum(self.observations.values())

    @property
    def nothing(self) -> bool:
        counts = (self.total_observations, self.frame_files, self.image_vectors, self.chat_messages)
        return not any(counts) and not self.memories_deleted and not self.memories_trimmed

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "observations": dict(self.observations),
            "frame_files": self.frame_files,
            "image_vectors": self.image_vectors,
            "memories_deleted": dict(self.memories_deleted),
            "memories_trimmed": dict(self.memories_trimmed),
            "chat_messages": self.chat_messages,
            "dry_run": self.dry_run,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ForgetReport:
        return cls(**{k: raw[k] for k in cls.__dataclass_fields__ if k in raw})

    def lines(self) -> list[str]:
        """What a person reads: one line per kind of thing, in plain words."""
        if self.nothing:
            return ["nothing is stored in this range"]
        out = []
        if self.observations:
            parts = ", ".join(
                plural(n, *_KIND_WORDS.get(k, (k, k + "s"))) for k, n in sorted(self.observations.items())
            )
            out.append(f"{plural(self.total_observations, 'observation')}: {parts}")
        if self.frame_files or self.image_vectors:
            out.append(
                f"{plural(self.frame_files, 'encrypted frame file')}, {plural(self.image_vectors, 'image vector')}"
            )
        if self.memories_deleted:
            parts = ", ".join(f"{n} {t}" for t, n in sorted(self.memories_deleted.items()))
            count = plural(sum(self.memories_deleted.values()), "memory", "memories")
            out.append(f"{count} made only from this range or quoting it ({parts})")
        if self.memories_trimmed:
            parts = ", ".join(f"{n} {t}" for t, n in sorted(self.memories_trimmed.items()))
            n = sum(self.memories_trimmed.values())
            verbs = ("keeps its", "loses", "its") if n == 1 else ("keep their", "lose", "their")
            out.append(
                f"{plural(n, 'memory', 'memories')} with sources outside the range {verbs[0]} other sources and "
                f"{verbs[1]} this range's ({parts}; {verbs[2]} history keeps the change)"
            )
        if self.chat_messages:
            out.append(plural(self.chat_messages, "chat message"))
        return out

    def summary(self) -> str:
        """One line saying what was deleted."""
        if self.nothing:
            return "nothing was stored in this range; nothing changed"
        kept = sum(self.memories_trimmed.values())
        return (
            f"forgot {plural(self.total_observations, 'observation')}, {plural(self.frame_files, 'frame file')}, "
            f"{plural(sum(self.memories_deleted.values()), 'memory', 'memories')}"
            + (
                f"; {plural(kept, 'memory', 'memories')} kept {'its' if kept == 1 else 'their'} other sources"
                if kept
                else ""
            )
        )


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 frame', '3 frames'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


_KIND_WORDS = {
    "frame": ("screen frame", "screen frames"),
    "chat": ("message", "messages"),
    "chat_turn": ("question you asked", "questions you asked"),
    "note": ("note", "notes"),
}
