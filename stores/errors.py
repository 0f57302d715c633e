"""Typed errors of the stores: the environment's fault (show the user) versus not-found lookups."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path


class StoreError(Exception):
    """Base class of every error the stores raise on purpose."""


class NotFoundError(StoreError, KeyError):
    """A memory or observation with the given id does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class UserFacingError(StoreError):
    """An error caused by the environment or the user's input, with a message fit to show them."""


class WrongKeyError(UserFacingError):
    """The database key or passphrase does not open this data dir."""


class KeyUnavailableError(UserFacingError):
    """No OS keyring works and no passphrase was given."""


class DataDirError(UserFacingError):
    """The data dir cannot be created, read or written (permissions, full disk)."""


class ValidationError(StoreError, ValueError):
    """A record has a missing or invalid field."""


class DiskFullError(DataDirError):
    """The disk holding the data dir is full; the failed write was rolled back."""


class VectorIndexError(UserFacingError):
    """The vector index failed in a way a rebuild (``mirix-app reindex``) repairs."""


_FULL = ("database or disk is full", "no space left on device", "disk is full", "errno 28", "os error 28")


def is_disk_full(error: BaseException) -> bool:
    """True when ``error`` (or what caused it, also across the Chroma process) is a full disk."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if getattr(current, "errno", None) == errno.ENOSPC or any(m in str(current).lower() for m in _FULL):
            return True
        current = current.__cause__ or current.__context__
    return False


def disk_full_message(path: Path) -> str:
    """What to tell the user when the disk holding ``path`` is full."""
    try:
        free = shutil.disk_usage(path).free / 1024**2
    except OSError:
        return "The disk is full; nothing was lost. Free some space and run the command again."
    return f"The disk is full ({free:.0f} MB free); nothing was lost. Free some space and run the command again."


class BatchAlreadyDone(StoreError):
    """Another memorize run marked some of this batch's observations done first; nothing of it was written."""
