"""The capture pipeline on real rendered screens: OCR, dedupe, exclusions, redaction, encryption, status, loop."""

from __future__ import annotations

import io
import json

import numpy as np
from capture_helpers import frame_files, frame_rows, make_loop, make_pipeline, screen
from PIL import Image

from mirix_app.capture.frame import Frame, WindowInfo
from mirix_app.capture.frame_search import search_frames
from mirix_app.capture.idle import FixedIdle
from mirix_app.capture.image_embedder import ImageEmbedder
from mirix_app.factories import build_capture_pipeline
from mirix_app.settings import Settings

REPORT = ["Quarterly revenue for Zanzibar Holdings", "Meeting with Priya on Thursday", "Total 48213 EUR approved"]


def decrypt_image(pipeline, rel) -> Image.Image:
    return Image.open(io.BytesIO(pipeline.frames.read(rel)))


def test_ocr_finds_known_words_in_reading_order_with_line_boxes(ocr_engine):
    result = ocr_engine.read(screen(REPORT))
    text = result.text
    for word in ("Zanzibar", "Holdings", "Priya", "Thursday", "48213", "approved"):
        assert word in text
    assert text.index("Zanzibar") < text.index("Priya") < text.index("approved")
    first = next(line for line in result.lines if "Zanzibar" in line.text)
    x0, y0, x1, y1 = first.box
    assert 40 <= x0 <= 80 and 60 <= y0 <= 100 and x1 > 400 and y1 > y0


def test_unchanged_frame_is_dropped_and_changed_one_kept(store, ocr_engine):
    pipeline = make_pipeline(store, ocr_engine)
    first, changed = screen(REPORT), screen([*REPORT, "New line: invoice 7781 sent to Bob"])
    loop, source = make_loop(pipeline, [[first], [first.copy()], [changed]])
    for _ in range(3):
        for item in loop.tick():
            pipeline.process(item)

    rows = frame_rows(store)
    assert len(rows) == 2
    assert "invoice 7781" not in rows[0]["text"] and "invoice 7781" in rows[1]["text"]
    assert len(frame_files(store.data_dir)) == 2
    status = pipeline.status.snapshot()
    assert (status.seen, status.kept, status.dropped) == (3, 2, {"duplicate": 1})
    assert rows[0]["app"] == "code" and rows[0]["title"] == "notes.txt - Visual Studio Code"
    assert rows[0]["monitor"] == 0 and rows[0]["status"] == "pending"
    assert store.search("invoice 7781", types=["observation"])[0].id == rows[1]["id"]


def test_private_browsing_window_is_never_stored_not_even_as_a_file(store, ocr_engine, data_dir):
    pipeline = make_pipeline(store, ocr_engine)
    secret_screen = screen(["Searching for divorce lawyers near me"])
    loop, source = make_loop(pipeline, [[secret_screen]], window=("firefox", "Mozilla Firefox Private Browsing"))
    assert loop.run_once() == 0
    assert loop.run_once() == 0

    assert source.grabs == 0  # the screen is not even read while an excluded window has the focus
    assert frame_rows(store) == [] and frame_files(data_dir) == []
    assert pipeline.status.snapshot().dropped == {"excluded": 2}
    everything = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    assert b"divorce" not in everything and b"Private Browsing" not in everything


def test_excluded_apps_and_title_patterns_from_settings(store, ocr_engine):
    settings = Settings()
    settings.capture.excluded_title_patterns = [r"bank(ing)? login"]
    pipeline = make_pipeline(store, ocr_engine, settings)
    image = screen(["Balance 1234 EUR"])
    for app, title in [
        ("keepassxc", "Passwords.kdbx"),
        ("firefox", "MyBank Banking Login"),
        ("chromium", "New Tab (Incognito)"),
    ]:
        assert pipeline.ingest(Frame(image, 0, 1.0e9, WindowInfo(app=app, title=title))) is None
    assert frame_rows(store) == [] and frame_files(store.data_dir) == []
    assert pipeline.status.snapshot().dropped == {"excluded": 3}


def test_secret_on_screen_is_redacted_from_text_boxes_and_the_stored_picture(store, ocr_engine):
    pipeline = make_pipeline(store, ocr_engine)
    key = "sk-proj-Zq8Xw2Lm5Np7Rt4Vb9Kc3Hd6"
    stored = pipeline.ingest(
        Frame(screen(["Deploy settings", f"OPENAI_API_KEY = {key}", "Password: hunter2secret"]), 0, 1.0e9)
    )
    assert stored is not None

    row = frame_rows(store)[0]
    assert "Deploy settings" in row["text"]
    assert "[REDACTED:" in row["text"]
    for secret in ("Zq8Xw2Lm5Np7", "hunter2secret"):
        assert secret not in row["text"]
        assert secret not in row["meta"]
        assert not store.search(secret, types=["observation"]) or secret not in store.search(secret)[0].text
    assert json.loads(row["meta"])["redactions"]
    # the stored picture has the secret lines painted over: OCR of the decrypted frame cannot read them
    again = ocr_engine.read(decrypt_image(pipeline, row["frame_file"])).text
    assert "Deploy" in again and "Zq8Xw2Lm5Np7" not in again and "hunter2secret" not in again


def test_stored_frame_is_a_downscaled_webp_within_the_byte_cap(store, ocr_engine):
    pipeline = make_pipeline(store, ocr_engine)
    rng = np.random.default_rng(1)
    noisy = Image.fromarray(rng.integers(0, 255, (1080, 1920, 3), dtype=np.uint8))  # worst case for a codec
    stored = pipeline.ingest(Frame(noisy, 0, 1.0e9))
    assert stored is not None and stored.stored_bytes <= Settings().capture.frame_max_bytes + 64
    image = decrypt_image(pipeline, stored.frame_file)
    assert image.format == "WEBP" and image.width <= 1280


def test_paused_and_idle_and_locked_drop_every_frame_and_are_counted(store, ocr_engine):
    pipeline = make_pipeline(store, ocr_engine)
    idle = FixedIdle(0.0)
    loop, source = make_loop(pipeline, [[screen(["one"])], [screen(["two"])]], idle=idle)
    loop.pause()
    assert loop.run_once() == 0 and pipeline.status.snapshot().state == "stopped"
    loop.resume()
    idle.idle_s = 10_000
    assert loop.run_once() == 0
    idle.idle_s, idle.is_locked = 0.0, True
    assert loop.run_once() == 0
    idle.is_locked = False
    assert loop.run_once() == 1
    assert source.grabs == 1
    status = pipeline.status.snapshot()
    assert status.dropped == {"paused": 1, "idle": 1, "locked": 1} and status.kept == 1
    assert status.frames_on_disk == 1 and status.frame_bytes > 0
    saved = json.loads((store.data_dir / "capture_status.json").read_text())
    assert saved["kept"] == 1 and saved["dropped"]["idle"] == 1


def test_without_weights_image_search_is_off_and_says_so(store, ocr_engine):
    embedder = ImageEmbedder(None)
    assert not embedder.available and "off" in embedder.status and "weights" in embedder.status
    pipeline = build_capture_pipeline(store, Settings(), ocr=ocr_engine, image_embedder=embedder)
    assert pipeline.ingest(Frame(screen(REPORT), 0, 1.0e9)) is not None
    assert store._db.execute("SELECT count(*) FROM frame_vector").fetchone()[0] == 0
    assert pipeline.status.snapshot().image_search.startswith("off")


def test_image_vectors_are_stored_indexed_and_searchable_by_text(store, ocr_engine, clip_random):
    pipeline = build_capture_pipeline(store, Settings(), ocr=ocr_engine, image_embedder=clip_random)
    red = screen(["Sales chart"], bg="white")
    red.paste((220, 20, 20), (200, 300, 1000, 700))
    blue = screen(["Ocean photos"], bg="white")
    blue.paste((20, 40, 220), (200, 300, 1000, 700))
    ids = [pipeline.ingest(Frame(img, 0, 1.0e9 + i)).observation_id for i, img in enumerate((red, blue))]
    pipeline.sync_vectors()

    assert pipeline.image_index.count() == 2 and pipeline.image_index.pending() == 0
    # the nearest frame to a frame's own vector is itself (vectors really describe the images)
    own = clip_random.embed_images([red.resize((1280, 800))])[0]
    assert pipeline.image_index.query(own, 1)[0].observation_id == ids[0]
    hits = search_frames(store, pipeline.image_index, clip_random, "a red chart", k=2)
    assert sorted(h.observation_id for h in hits) == sorted(ids)
    assert all(h.frame_file for h in hits)


def test_loop_threads_capture_then_stop_without_half_written_frames(store, ocr_engine):
    pipeline = make_pipeline(store, ocr_engine)
    ticks = [[screen([f"Chapter {i} of the Zanzibar report"] * (i + 1))] for i in range(3)]
    loop, source = make_loop(pipeline, ticks)
    loop.start()
    while pipeline.status.snapshot().kept < 2:  # the worker stores in the background
        assert loop.wait(0.05) is False
    loop.stop()

    rows = frame_rows(store)
    assert len(rows) >= 2
    files = {p.relative_to(store.data_dir).as_posix() for p in frame_files(store.data_dir)}
    assert {r["frame_file"] for r in rows} == files  # every observation has its file, no orphans, no .tmp
    assert pipeline.status.snapshot().state == "stopped"
