"""Only the changed part of a screen is OCR'd again; unchanged lines are reused and the text stays right."""

from __future__ import annotations

from capture_helpers import screen

from mirix_app.capture.incremental_ocr import IncrementalOcr, changed_bands

LINES = [f"Line {n}: quarterly budget review item {n}" for n in range(12)]


class CountingReader:
    """Wraps the real OCR engine and records the size of every image it is asked to read."""

    def __init__(self, engine):
        self.engine = engine
        self.sizes = []

    def read(self, image):
        self.sizes.append(image.size)
        return self.engine.read(image)


def test_a_changed_line_is_reread_and_the_rest_reused(ocr_engine):
    reader = CountingReader(ocr_engine)
    ocr = IncrementalOcr(reader)
    first = ocr.read(0, screen(LINES))
    assert "item 11" in first.text

    edited = list(LINES)
    edited[5] = "Line 5: invoice from Zanzibar Logistics overdue"
    second = ocr.read(0, screen(edited))

    assert "Zanzibar" in second.text
    assert "quarterly budget review item 5" not in second.text
    assert "item 0" in second.text and "item 11" in second.text
    full_area = 1280 * 800
    assert reader.sizes[0] == (1280, 800)
    assert all(w * h < full_area / 4 for w, h in reader.sizes[1:])
    assert second.text.splitlines()[5].startswith("Line 5: invoice")


def test_an_unchanged_screen_is_not_read_again(ocr_engine):
    reader = CountingReader(ocr_engine)
    ocr = IncrementalOcr(reader)
    first = ocr.read("m", screen(LINES))
    again = ocr.read("m", screen(LINES))
    assert again.text == first.text
    assert len(reader.sizes) == 1


def test_a_mostly_new_screen_is_read_whole(ocr_engine):
    reader = CountingReader(ocr_engine)
    ocr = IncrementalOcr(reader)
    ocr.read(1, screen(LINES))
    result = ocr.read(1, screen([f"Completely different text row {n}" for n in range(14)], bg="#8899bb"))
    assert reader.sizes[-1] == (1280, 800)
    assert "different text row 13" in result.text


def test_changed_bands_cover_only_changed_rows():
    old = screen(LINES).convert("L")
    new_lines = list(LINES)
    new_lines[2] = "something else entirely"
    import numpy as np

    bands = changed_bands(np.asarray(old), np.asarray(screen(new_lines).convert("L")), tile=32)
    assert len(bands) == 1
    x0, y0, x1, y1 = bands[0]
    assert y1 - y0 <= 96


def _dense(lines):
    from capture_helpers import FONT
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1280, 800), "white")
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(FONT, 16)
    for i, line in enumerate(lines):
        draw.text((40, 20 + i * 17), line, fill=(20, 20, 20), font=font)
    return image


def test_densely_packed_lines_do_not_grow_the_reread_down_the_screen(ocr_engine):
    lines = [f"{n:>2} invoice ledger entry for account {n * 7}" for n in range(30)]
    reader = CountingReader(ocr_engine)
    ocr = IncrementalOcr(reader)
    ocr.read(0, _dense(lines))
    edited = list(lines)
    edited[10] = "10 PAYMENT RECEIVED FROM WOMBAT TRADING"

    result = ocr.read(0, _dense(edited))

    assert "WOMBAT" in result.text
    assert "for account 63" in result.text and "for account 77" in result.text  # the neighbours survive
    assert all(h < 160 for _, h in reader.sizes[1:])
