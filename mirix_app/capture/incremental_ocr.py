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


def grow_to_lines(regions: list[Box], lines: list[OcrLine], margin: int, size: tuple[int, int]) -> list[Box]:
    """Widen each region to whole old lines it touches (a half-changed line is read again in full), plus a margin."""
    width, height = size
    grown = []
    for region in regions:
        for line in lines:
            if _overlaps(region, line.box):
                region = _union(region, line.box)
        x0, y0, x1, y1 = region
        grown.append((max(0, x0 - margin), max(0, y0 - margin), min(width, x1 + margin), min(height, y1 + margin)))
    merged: list[Box] = []
    for region in sorted(grown, key=lambda b: b[1]):
        if merged and _overlaps(merged[-1], region):
            merged[-1] = _union(merged[-1], region)
        else:
            merged.append(region)
    return merged


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
        regions = grow_to_lines(bands, previous.result.lines, self.margin, image.size)
        area = sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in regions)
        if area > self.full_above * image.width * image.height:
            return None
        kept = [line for line in previous.result.lines if not any(_overlaps(line.box, r) for r in regions)]
        for x0, y0, x1, y1 in regions:
            for line in self.reader.read(image.crop((x0, y0, x1, y1))).lines:
                bx0, by0, bx1, by1 = line.box
                kept.append(OcrLine(line.text, (bx0 + x0, by0 + y0, bx1 + x0, by1 + y0), line.score))
        return OcrResult(reading_order(kept))
