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
            parts = ", ".join(f"{n} {_KIND_WORDS.get(k, k)}" for k, n in sorted(self.observations.items()))
            out.append(f"{self.total_observations} observation(s): {parts}")
        out.append(f"{self.frame_files} encrypted frame file(s), {self.image_vectors} image vector(s)")
        if self.memories_deleted:
            parts = ", ".join(f"{n} {t}" for t, n in sorted(self.memories_deleted.items()))
            out.append(f"{sum(self.memories_deleted.values())} memor(ies) made only from this range: {parts}")
        if self.memories_trimmed:
            parts = ", ".join(f"{n} {t}" for t, n in sorted(self.memories_trimmed.items()))
            out.append(
                f"{sum(self.memories_trimmed.values())} memor(ies) with sources outside the range keep those "
                f"and lose this range's ({parts}; the change is kept in their history)"
            )
        if self.chat_messages:
            out.append(f"{self.chat_messages} chat message(s)")
        return out


_KIND_WORDS = {
    "frame": "screen frame(s)",
    "chat": "message(s)",
    "chat_turn": "question(s) you asked",
    "note": "note(s)",
}
