"""Capture status for the UI and `mirix-app stats`: state, frames seen/kept/dropped by reason, backlog, disk."""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from stores.timeutil import utcnow_iso

RUNNING, PAUSED, EXCLUDED, IDLE, STOPPED = "running", "paused", "excluded", "idle", "stopped"
STATUS_FILE = "capture_status.json"

OWN_WINDOW, SECRET_SHOWN = "own window", "secret shown"  # the app never records itself (self_guard.py)
# Drop reasons, in the order the pipeline checks them.
DROP_REASONS = (
    "paused", "idle", "locked", SECRET_SHOWN, OWN_WINDOW, "excluded", "duplicate", "backlog", "forgotten", "error",
)  # fmt: skip


@dataclass
class CaptureStatus:
    """A snapshot of the capture state (no screen content, no titles: safe to show and to save)."""

    state: str = STOPPED
    seen: int = 0
    kept: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    ocr_backlog: int = 0
    frames_on_disk: int = 0
    frame_bytes: int = 0
    frame_budget_bytes: int = 0
    image_search: str = ""
    last_error: str = ""
    updated_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class StatusBoard:
    """Thread-safe counters that the capture threads update and the UI reads."""

    def __init__(self, image_search: str = "", budget_bytes: int = 0) -> None:
        self._lock = threading.Lock()
        self._state = STOPPED
        self._seen = 0
        self._kept = 0
        self._dropped: Counter[str] = Counter()
        self._backlog = 0
        self._last_error = ""
        self._disk = (0, 0)
        self.image_search = image_search
        self.budget_bytes = budget_bytes

    def set_state(self, state: str) -> None:
        with self._lock:
            self._state = state

    @property
    def state(self) -> str:
        with self._lock:
            return self._state

    def saw(self, n: int = 1) -> None:
        with self._lock:
            self._seen += n

    def kept(self) -> None:
        with self._lock:
            self._kept += 1

    def dropped(self, reason: str, n: int = 1) -> None:
        with self._lock:
            self._dropped[reason] += n

    def set_backlog(self, n: int) -> None:
        with self._lock:
            self._backlog = n

    def set_disk(self, files: int, size: int) -> None:
        with self._lock:
            self._disk = (files, size)

    def error(self, message: str) -> None:
        with self._lock:
            self._dropped["error"] += 1
            self._last_error = message[:500]

    def snapshot(self) -> CaptureStatus:
        with self._lock:
            return CaptureStatus(
                state=self._state,
                seen=self._seen,
                kept=self._kept,
                dropped={r: self._dropped[r] for r in DROP_REASONS if self._dropped[r]},
                ocr_backlog=self._backlog,
                frames_on_disk=self._disk[0],
                frame_bytes=self._disk[1],
                frame_budget_bytes=self.budget_bytes,
                image_search=self.image_search,
                last_error=self._last_error,
                updated_at=utcnow_iso(),
            )


def save_status(data_dir: Path, status: CaptureStatus) -> None:
    """Write the snapshot to the data dir (user-only), so `mirix-app stats` in another process can show it."""
    path = Path(data_dir) / STATUS_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(status.to_dict(), handle)
    os.replace(tmp, path)


def load_status(data_dir: Path) -> dict[str, Any] | None:
    """The last saved capture snapshot, or None."""
    path = Path(data_dir) / STATUS_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def capture_summary(store: Any) -> dict[str, Any]:
    """Frames on disk, image vectors and the last saved capture status of a store's data dir (for `stats`)."""
    from stores.frames import FrameStore

    if store.data_dir is None:
        return {}
    data_dir = store.data_dir
    files, size = FrameStore(data_dir, store.frame_key, 0).usage()
    frames, vectors = store.frame_counts()
    return {
        "frame_observations": frames,
        "frames_on_disk": files,
        "frame_bytes": size,
        "image_vectors": vectors,
        "last_status": load_status(data_dir),
    }
