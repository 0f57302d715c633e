"""Turn the environment's failures (full disk, broken vector index, busy database) into one user-facing error."""

from __future__ import annotations

from pathlib import Path

from stores.errors import (
    DiskFullError,
    UserFacingError,
    VectorIndexError,
    disk_full_message,
    is_disk_full,
)


def user_error(error: BaseException, data_dir: Path | None) -> UserFacingError | None:
    """The user-facing form of ``error``, or None for a bug (which keeps its traceback)."""
    if is_disk_full(error):
        return DiskFullError(disk_full_message(data_dir or Path.cwd()))
    if isinstance(error, UserFacingError):
        return error
    module = type(error).__module__ or ""
    if module.startswith("chromadb"):
        return VectorIndexError(
            f"The vector index (Chroma) failed: {error}. Run `mirix-app reindex` to rebuild it from the database."
        )
    if module.startswith("sqlcipher3") and "locked" in str(error):
        return UserFacingError(f"The memory database stayed busy for too long ({error}); try again.")
    return None
