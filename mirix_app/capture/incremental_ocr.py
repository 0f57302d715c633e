"""Re-read only the parts of a screen that changed since the last OCR of the same monitor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PIL import Image

from mirix_app.capture.ocr import OcrLine, OcrResult, reading_order

Box = tuple[int, int, int, int]


class TextReader(Protocol):
    """Anything that OCRs a whole image (the rapidocr engine)."""

    def read(self, image: Image.Image) -> OcrResult: ...


@dataclass
class _Previous:
    gray: np.ndarray
    result: OcrResult


def changed_bands(old: np.ndarray, new: np.ndarray, tile: int, threshold: int = 24) -> list[Box]:
    """Rectangles (x0, y0, x1, y1) covering the tiles whose pixels changed, merged into horizontal bands."""
    height, width = new.shape
    diff = np.abs(old.astype(np.int16) - new.astype(np.int16)) > threshold
    rows, cols = -(-height // tile), -(-width // tile)
    padded = np.zeros((rows * tile, cols * tile), dtype=bool)
    padded[:height, :width] = diff
    tiles = padded.reshape(rows, tile, cols, tile).any(axis=(1, 3))
    bands: list[Box] = []
    start = None
    for r in range(rows + 1):
        active = r < rows and tiles[r].any()
        if active and start is None:
            start = r
        if not active and start is not None:
            span = tiles[start:r].any(axis=0).nonzero()[0]
            bands.append(
                (int(span[0]) * tile, start * tile, min(width, (int(span[-1]) + 1) * tile), min(height, r * tile))
            )
            start = None
    return bands


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _union(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


@dataclass(frozen=True)
class Reread:
    """One part of the screen to OCR again: the changed band, the whole lines it touches, and the crop read."""

    band: Box
    core: Box
    crop: Box


def plan_rereads(
    bands: list[Box], lines: list[OcrLine], margin: int, size: tuple[int, int], max_line_height: int = 64
) -> list[Reread]:
    """Widen each changed band to the whole old lines it touches (a half-changed line is read again in full).

    Boxes taller than ``max_line_height`` are not text lines (a chart, a block misread) and do not widen it.
    """
    width, height = size
    plans = []
    for band in bands:
        core = band
        for line in lines:  # tested against the band itself, so growth cannot cascade down the screen
            if line.box[3] - line.box[1] <= max_line_height and _overlaps(band, line.box):
                core = _union(core, line.box)
        x0, y0, x1, y1 = core
        crop = (max(0, x0 - margin), max(0, y0 - margin), min(width, x1 + margin), min(height, y1 + margin))
        plans.append(Reread(band, core, crop))
    return plans


class IncrementalOcr:
    """OCR that keeps each monitor's last result and re-reads only changed bands; a mostly new screen is read whole."""

    def __init__(self, reader: TextReader, tile: int = 32, full_above: float = 0.45, margin: int = 6) -> None:
        self.reader = reader
        self.tile = tile
        self.full_above = full_above
        self.margin = margin
        self._previous: dict[object, _Previous] = {}

    def forget(self, key: object) -> None:
        self._previous.pop(key, None)

    def read(self, key: object, image: Image.Image) -> OcrResult:
        """OCR text of ``image``, reusing unchanged lines of the previous read of ``key``."""
        gray = np.asarray(image.convert("L"))
        previous = self._previous.get(key)
        result = None
        if previous is not None and previous.gray.shape == gray.shape:
            result = self._read_changes(previous, gray, image)
        if result is None:
            result = self.reader.read(image)
        self._previous[key] = _Previous(gray, result)
        return result

    def _read_changes(self, previous: _Previous, gray: np.ndarray, image: Image.Image) -> OcrResult | None:
        bands = changed_bands(previous.gray, gray, self.tile)
        if not bands:
            return previous.result
        plans = plan_rereads(bands, previous.result.lines, self.margin, image.size)
        area = sum((c[2] - c[0]) * (c[3] - c[1]) for c in (p.crop for p in plans))
        if area > self.full_above * image.width * image.height:
            return None
        kept = [line for line in previous.result.lines if not any(_overlaps(line.box, p.band) for p in plans)]
        seen = {(line.text, line.box) for line in kept}
        for plan in plans:
            x0, y0 = plan.crop[0], plan.crop[1]
            for line in self.reader.read(image.crop(plan.crop)).lines:
                box = (line.box[0] + x0, line.box[1] + y0, line.box[2] + x0, line.box[3] + y0)
                centre_y = (box[1] + box[3]) / 2
                if not plan.core[1] <= centre_y <= plan.core[3] or (line.text, box) in seen:
                    continue  # a sliver of a neighbouring, unchanged line caught in the margin
                seen.add((line.text, box))
                kept.append(OcrLine(line.text, box, line.score))
        return OcrResult(reading_order(kept))
