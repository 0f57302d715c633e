"""Near-duplicate detection: a downscaled grayscale thumbnail per monitor, compared with the last kept one."""

from __future__ import annotations

import threading

import numpy as np
from PIL import Image

THUMB_SIZE = (160, 90)
PIXEL_DELTA = 10  # a thumbnail cell "changed" when its gray level moved by more than this (0..255)


def thumbnail(image: Image.Image) -> np.ndarray:
    """A small grayscale signature of a frame (cheap: a box-reduce first, then a box resize)."""
    factor = max(1, min(image.width // (THUMB_SIZE[0] * 2), image.height // (THUMB_SIZE[1] * 2)))
    small = image.reduce(factor) if factor > 1 else image
    return np.asarray(small.convert("L").resize(THUMB_SIZE, Image.Resampling.BOX), dtype=np.int16)


def changed_fraction(a: np.ndarray, b: np.ndarray) -> float:
    """The share of thumbnail cells whose gray level changed noticeably (0 = identical, 1 = all)."""
    return float(np.count_nonzero(np.abs(a - b) > PIXEL_DELTA)) / a.size


class Deduper:
    """Keeps a frame only when enough of it changed since that monitor's previous kept frame."""

    def __init__(self, threshold: float) -> None:
        self.threshold = float(threshold)
        self._last: dict[str | int, np.ndarray] = {}
        self._lock = threading.Lock()

    def is_duplicate(self, key: str | int, thumb: np.ndarray) -> bool:
        """True when ``thumb`` is nearly identical to the last kept thumbnail for ``key``."""
        with self._lock:
            last = self._last.get(key)
        return last is not None and last.shape == thumb.shape and changed_fraction(last, thumb) < self.threshold

    def remember(self, key: str | int, thumb: np.ndarray) -> None:
        """Record ``thumb`` as the last kept frame of ``key`` (call only once the frame is stored)."""
        with self._lock:
            self._last[key] = thumb

    def forget(self, key: str | int | None = None) -> None:
        with self._lock:
            if key is None:
                self._last.clear()
            else:
                self._last.pop(key, None)
