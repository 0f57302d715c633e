"""Local OCR with rapidocr (models ship in its wheel): loaded once, direction classifier off, reading order."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

log = logging.getLogger(__name__)

MIN_SCORE = 0.5
DET_MAX_SIDE = 1280


@dataclass(frozen=True)
class OcrLine:
    """One line of text and its box (x0, y0, x1, y1) in the OCR'd image's pixels."""

    text: str
    box: tuple[int, int, int, int]
    score: float


@dataclass
class OcrResult:
    """Lines of text in reading order (top to bottom, left to right within a row)."""

    lines: list[OcrLine] = field(default_factory=list)

    @property
    def text(self) -> str:
        rows: list[list[OcrLine]] = []
        for line in self.lines:
            if rows and _same_row(rows[-1][-1], line):
                rows[-1].append(line)
            else:
                rows.append([line])
        return "\n".join("  ".join(item.text for item in row) for row in rows)

    def boxes(self) -> list[dict[str, Any]]:
        """The lines as JSON-ready dicts (stored in the observation's meta for the UI to highlight)."""
        return [{"text": ln.text, "box": list(ln.box), "score": round(ln.score, 3)} for ln in self.lines]


def _same_row(a: OcrLine, b: OcrLine) -> bool:
    height = max(1, min(a.box[3] - a.box[1], b.box[3] - b.box[1]))
    return abs((a.box[1] + a.box[3]) / 2 - (b.box[1] + b.box[3]) / 2) < height / 2


def reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Sort lines into rows by vertical centre, then left to right within each row."""
    ordered = sorted(lines, key=lambda ln: ((ln.box[1] + ln.box[3]) / 2, ln.box[0]))
    rows: list[list[OcrLine]] = []
    for line in ordered:
        if rows and _same_row(rows[-1][0], line):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda ln: ln.box[0])]


class OcrEngine:
    """rapidocr, created on first use (about a second) and reused; safe to call from one worker thread."""

    def __init__(self, max_width: int = 1920, threads: int = 0) -> None:
        self.max_width = int(max_width)
        self._threads = int(threads)
        self._engine: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._engine is None:
            from rapidocr import RapidOCR

            params: dict[str, Any] = {
                "Global.use_cls": False,  # screens are upright; the classifier flips long UI lines (STACK.md)
                "Global.log_level": "error",
                "Det.limit_type": "max",  # detect on at most DET_MAX_SIDE px; recognition still reads full-size crops
                "Det.limit_side_len": DET_MAX_SIDE,
                "Rec.rec_batch_num": 16,  # fewer, larger batches: ~15% less CPU on text-heavy screens
            }
            if self._threads > 0:
                params["EngineConfig.onnxruntime.intra_op_num_threads"] = self._threads
            self._engine = RapidOCR(params=params)
            logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        return self._engine

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    def warm_up(self) -> None:
        with self._lock:
            self._load()

    def read(self, image: Image.Image) -> OcrResult:
        """OCR text of an RGB image; boxes are in the coordinates of ``image``."""
        scale = 1.0
        if image.width > self.max_width:
            scale = image.width / self.max_width
            image = image.resize((self.max_width, round(image.height / scale)), Image.Resampling.LANCZOS)
        with self._lock:
            output = self._load()(np.asarray(image.convert("RGB")), use_cls=False)
        texts = getattr(output, "txts", None) or ()
        boxes = getattr(output, "boxes", None)
        scores = getattr(output, "scores", None) or ()
        lines = []
        for i, text in enumerate(texts):
            if not text or not text.strip() or (scores and scores[i] < MIN_SCORE):
                continue
            pts = np.asarray(boxes[i], dtype=float) * scale
            box = (int(pts[:, 0].min()), int(pts[:, 1].min()), int(pts[:, 0].max()), int(pts[:, 1].max()))
            lines.append(OcrLine(text.strip(), box, float(scores[i]) if scores else 1.0))
        return OcrResult(reading_order(lines))
