"""Frame images for storage: downscale to the max width and encode as WebP under a per-frame byte cap."""

from __future__ import annotations

import io

from PIL import Image

QUALITY_STEPS = (60, 45, 30, 20)


def downscale(image: Image.Image, max_width: int) -> Image.Image:
    """``image`` no wider than ``max_width`` (aspect ratio kept)."""
    if image.width <= max_width:
        return image
    height = max(1, round(image.height * max_width / image.width))
    return image.resize((max_width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)


def encode_webp(image: Image.Image, max_bytes: int, quality: int = QUALITY_STEPS[0]) -> bytes:
    """WebP bytes of ``image`` no larger than ``max_bytes``: lower quality first, then a smaller size."""
    steps = [quality, *(q for q in QUALITY_STEPS if q < quality)]
    current = image.convert("RGB")
    while True:
        for q in steps:
            buffer = io.BytesIO()
            current.save(buffer, "WEBP", quality=q, method=4)
            data = buffer.getvalue()
            if max_bytes <= 0 or len(data) <= max_bytes:
                return data
        if current.width <= 320:
            return data
        current = current.resize((current.width * 3 // 4, max(1, current.height * 3 // 4)), Image.Resampling.LANCZOS)
