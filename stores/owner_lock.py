"""One owner per data dir: an exclusive lock on ``owner.lock`` that also names the owning process."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

LOCK_FILE = "owner.lock"


@dataclass(frozen=True)
class OwnerInfo:
    """Who owns a data dir: process id, role (``gui`` or ``cli``), the command it runs, since when."""

    pid: int
    role: str
    command: str
    since: float

    def describe(self) -> str:
        what = "the desktop app" if self.role == "gui" else f"mirix-app {self.command}".strip()
        return f"{what} (pid {self.pid})"


def _lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - only Linux is tested
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class OwnerLock:
    """The data dir's owner lock; held for as long as this object holds it (the OS drops it when we die)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_FILE
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self, role: str, command: str = "") -> bool:
        """Take the lock without waiting; True when this process is now the owner."""
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _lock(fd):
            os.close(fd)
            return False
        info = OwnerInfo(os.getpid(), role, command, time.time())
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(asdict(info)).encode(), 0)
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing the descriptor releases the lock
        self._fd = None

    def __enter__(self) -> OwnerLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def read_owner(data_dir: Path) -> OwnerInfo | None:
    """The current owner as written in the lock file (None when unknown: no owner, or it is just starting)."""
    try:
        raw = json.loads((Path(data_dir) / LOCK_FILE).read_text(encoding="utf-8") or "null")
        return OwnerInfo(**raw) if isinstance(raw, dict) else None
    except (OSError, ValueError, TypeError):
        return None
