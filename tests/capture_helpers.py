"""Helpers for capture tests: render screens with text, build pipelines and loops on fake sources."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from mirix_app.capture.active_window import FixedWindow
from mirix_app.capture.idle import FixedIdle
from mirix_app.capture.screen_source import ImageScreenSource
from mirix_app.factories import build_capture_loop, build_capture_pipeline
from mirix_app.settings import Settings

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def screen(lines: list[str], size: tuple[int, int] = (1280, 800), bg: str = "white", font_px: int = 28) -> Image.Image:
    """A screen-like image with ``lines`` of dark text on a light background."""
    image = Image.new("RGB", size, bg)
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype(FONT, font_px)
    except OSError:
        font = ImageFont.load_default(font_px)
    for i, line in enumerate(lines):
        draw.text((60, 80 + i * int(font_px * 1.9)), line, fill=(20, 20, 20), font=font)
    return image


def make_pipeline(store, ocr, settings: Settings | None = None, image_embedder=None):
    return build_capture_pipeline(store, settings or Settings(), ocr=ocr, image_embedder=image_embedder)


def make_loop(pipeline, ticks, window=("code", "notes.txt - Visual Studio Code"), idle=None, settings=None):
    source = ImageScreenSource(ticks)
    loop = build_capture_loop(
        pipeline,
        settings or Settings(),
        source_factory=lambda: source,
        active_window=FixedWindow(*window),
        idle=idle or FixedIdle(0.0),
        interval_s=0.05,
    )
    return loop, source


def frame_files(data_dir: Path) -> list[Path]:
    root = data_dir / "frames"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def frame_rows(store) -> list[dict]:
    from stores.rows import fetch_dicts

    return fetch_dicts(store._db, "SELECT * FROM observation WHERE kind = 'frame' ORDER BY time_epoch, rowid", [])
