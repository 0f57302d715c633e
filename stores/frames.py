"""Encrypted frame files: AES-GCM image files under a byte budget, oldest deleted first, deletable by time."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from stores.errors import NotFoundError
from stores.field_cipher import FieldCipher

log = logging.getLogger(__name__)

FRAMES_DIR = "frames"
SUFFIX = ".mxf"
MAGIC = b"MXF1"


@dataclass(frozen=True)
class FrameFile:
    """One stored frame file: its path relative to the data dir, its capture time and size."""

    rel_path: str
    epoch_ms: int
    size: int


def _name_epoch_ms(name: str) -> int | None:
    head = name.split("-", 1)[0]
    return int(head) if head.isdigit() else None


class FrameStore:
    """Frame images encrypted with the data dir's frame key, named by capture time, kept under a byte budget."""

    def __init__(self, data_dir: Path, key: bytes, budget_bytes: int) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / FRAMES_DIR
        self.budget_bytes = int(budget_bytes)
        self._cipher = FieldCipher(key)
        self._lock = threading.Lock()
        self._files: list[FrameFile] | None = None  # sorted oldest first; loaded on first use

    # -- index -------------------------------------------------------------------------------
    def _index(self) -> list[FrameFile]:
        if self._files is None:
            found = []
            if self.root.exists():
                for path in self.root.rglob("*" + SUFFIX):
                    epoch_ms = _name_epoch_ms(path.name)
                    if epoch_ms is not None:
                        rel = path.relative_to(self.data_dir).as_posix()
                        found.append(FrameFile(rel, epoch_ms, path.stat().st_size))
            found.sort(key=lambda f: (f.epoch_ms, f.rel_path))
            self._files = found
        return self._files

    def rescan(self) -> None:
        """Forget the cached listing (another process may have added or removed frames)."""
        with self._lock:
            self._files = None

    def files(self) -> list[FrameFile]:
        with self._lock:
            return list(self._index())

    def usage(self) -> tuple[int, int]:
        """(number of frame files, bytes on disk)."""
        with self._lock:
            files = self._index()
            return len(files), sum(f.size for f in files)

    # -- write / read ------------------------------------------------------------------------
    def write(self, image_bytes: bytes, epoch: float, monitor: int = 0) -> tuple[str, list[str]]:
        """Encrypt and store one encoded image; returns (relative path, relative paths deleted for the budget).

        The file appears atomically (temporary file, fsync, rename): a crash never leaves half a frame.
        """
        with self._lock:
            self._index()  # list what is already there before this file appears
        epoch_ms = int(epoch * 1000)
        day = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")
        name = f"{epoch_ms:013d}-m{int(monitor)}-{secrets.token_hex(6)}{SUFFIX}"
        folder = self.root / day
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        rel = (folder / name).relative_to(self.data_dir).as_posix()
        blob = MAGIC + self._cipher.encrypt_bytes(image_bytes, rel)
        tmp = folder / (name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, folder / name)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        with self._lock:
            files = self._index()
            files.append(FrameFile(rel, epoch_ms, len(blob)))
            if len(files) > 1 and files[-2].epoch_ms > epoch_ms:
                files.sort(key=lambda f: (f.epoch_ms, f.rel_path))
            deleted = self._enforce_budget(keep=rel)
        return rel, deleted

    def read(self, rel_path: str) -> bytes:
        """The decrypted image bytes of a stored frame (NotFoundError when deleted)."""
        path = self._resolve(rel_path)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise NotFoundError(f"frame {rel_path} is no longer on disk (deleted or over the budget)") from None
        if not blob.startswith(MAGIC):
            raise NotFoundError(f"{rel_path} is not a mirix-app frame file")
        return self._cipher.decrypt_bytes(blob[len(MAGIC) :], rel_path)

    def _resolve(self, rel_path: str) -> Path:
        path = (self.data_dir / rel_path).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise NotFoundError(f"{rel_path} is not inside the frames folder")
        return path

    # -- delete ------------------------------------------------------------------------------
    def _enforce_budget(self, keep: str | None = None) -> list[str]:
        files = self._index()
        total = sum(f.size for f in files)
        deleted: list[str] = []
        while total > self.budget_bytes and files:
            victim = files[0]
            if victim.rel_path == keep and len(files) == 1:
                break
            files.pop(0)
            self._unlink(victim.rel_path)
            total -= victim.size
            deleted.append(victim.rel_path)
        if deleted:
            log.info("frame budget: deleted %d oldest frame file(s)", len(deleted))
        return deleted

    def enforce_budget(self) -> list[str]:
        """Delete the oldest frames until the total fits the budget; returns what was deleted."""
        with self._lock:
            return self._enforce_budget()

    def delete_range(self, since: float | None, until: float | None) -> list[str]:
        """Delete every frame captured in [since, until] (epoch seconds; None is open-ended)."""
        low = -1 if since is None else int(since * 1000)
        high = 1 << 62 if until is None else int(until * 1000)
        with self._lock:
            files = self._index()
            doomed = [f for f in files if low <= f.epoch_ms <= high]
            for frame in doomed:
                self._unlink(frame.rel_path)
            self._files = [f for f in files if not (low <= f.epoch_ms <= high)]
        return [f.rel_path for f in doomed]

    def delete(self, rel_paths: Sequence[str]) -> None:
        wanted = set(rel_paths)
        with self._lock:
            for rel in wanted:
                self._unlink(rel)
            self._files = [f for f in self._index() if f.rel_path not in wanted]

    def _unlink(self, rel_path: str) -> None:
        path = self.data_dir / rel_path
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            path.parent.rmdir()  # an emptied day folder


def forget_frame_files(db: sqlite_utils.Database, rel_paths: Sequence[str]) -> int:
    """Clear ``frame_file`` on observations whose frame was deleted; the observations themselves stay."""
    changed = 0
    with db.atomic():
        for start in range(0, len(rel_paths), 500):
            chunk = list(rel_paths[start : start + 500])
            marks = ",".join("?" * len(chunk))
            cursor = db.execute(f"UPDATE observation SET frame_file = NULL WHERE frame_file IN ({marks})", chunk)
            changed += cursor.rowcount
    return changed


def remove_orphan_frames(data_dir: Path, db: sqlite_utils.Database) -> int:
    """Delete frame files that no observation names (written just before a crash); run by the owner at start."""
    root = Path(data_dir) / FRAMES_DIR
    if not root.exists():
        return 0
    named = {r[0] for r in db.execute("SELECT frame_file FROM observation WHERE frame_file IS NOT NULL")}
    removed = 0
    for path in list(root.rglob("*" + SUFFIX)):
        if path.relative_to(data_dir).as_posix() not in named:
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
                with contextlib.suppress(OSError):
                    path.parent.rmdir()
    if removed:
        log.info("removed %d frame file(s) that no observation names", removed)
    return removed
