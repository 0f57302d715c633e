"""The data dir itself: created private to the user (0700)."""

from __future__ import annotations

import os
from pathlib import Path

from stores.errors import DataDirError


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` readable by the user only (0700); tighten it if it already exists."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if (path.stat().st_mode & 0o777) != 0o700:
            os.chmod(path, 0o700)
    except OSError as error:
        raise DataDirError(f"Cannot create the data dir {path}: {error.strerror or error}") from error
    return path
