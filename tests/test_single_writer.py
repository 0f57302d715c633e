"""One writer thread: capture's writes and a memorize commit both run as engine jobs, so no row is lost."""

from __future__ import annotations

import threading

import numpy as np
from PIL import Image

from mirix_app.capture.frame import Frame, WindowInfo
from mirix_app.capture.ocr import OcrLine, OcrResult
from mirix_app.engine import Engine, EngineStopped
from mirix_app.factories import build_capture_pipeline, make_memorizer
from mirix_app.settings import Settings
from stores.observations import NewObservation


class InstantOcr:
    """Reads every frame as one line naming it (no model: the test is about writes, not OCR)."""

    def read(self, image: Image.Image) -> OcrResult:
        name = f"frame {int(np.asarray(image)[0, 0, 0])}-{int(np.asarray(image)[0, 0, 1])}"
        return OcrResult([OcrLine(name, (0, 0, 10, 10), 0.99)])


def test_capture_hammering_while_memorize_commits_loses_no_row(store) -> None:
    engine = Engine()
    engine.start()
    try:
        chats = [
            NewObservation(kind="chat", source_id=f"c{n}", time=f"2024-03-01T10:{n % 60:02d}:00", text=f"note {n}")
            for n in range(300)
        ]
        engine.call(lambda: store.observations.add_many(chats))
        settings = Settings(embedder="hashing", memorize_batch_size=10)
        pipeline = build_capture_pipeline(store, settings, ocr=InstantOcr(), submit=engine.call)
        memorizer = engine.call(lambda: make_memorizer(store, settings))
        stored: list[str] = []

        def hammer() -> None:
            for n in range(120):
                pixel = np.full((64, 96, 3), (n % 250, n // 250, 7), dtype=np.uint8)
                frame = Frame(Image.fromarray(pixel), 0, 1.7e9 + n, WindowInfo("code", f"file {n}"))
                result = pipeline.ingest(frame, dedupe_key=n, source_id=f"frame-{n}")
                if result is not None:
                    stored.append(result.observation_id)

        thread = threading.Thread(target=hammer)
        thread.start()
        commits = 0
        while thread.is_alive() or commits < 5:
            engine.call(lambda: memorizer.run(offline=True))
            commits += 1
        thread.join()
        counts = engine.call(store.observations.counts)
        frames = engine.call(
            lambda: store._db.execute("SELECT count(*) FROM observation WHERE kind='frame'").fetchone()
        )
    finally:
        engine.stop()
    assert len(stored) == 120
    assert frames[0] == 120
    assert sum(counts.values()) == 420
    assert commits >= 5


def test_a_job_after_stop_is_refused_not_left_waiting() -> None:
    engine = Engine()
    engine.start()
    assert engine.call(lambda: 41 + 1) == 42
    assert engine.stop(2.0)
    try:
        engine.submit(lambda: None)
    except EngineStopped:
        pass
    else:
        raise AssertionError("a stopped engine accepted a job")


def test_a_memorize_run_off_the_engine_touches_the_store_only_through_engine_jobs(store) -> None:
    engine = Engine()
    engine.start()
    seen: dict[str, set[str]] = {"pending": set(), "commit_batch": set()}

    def spy(name: str, real) -> None:
        def recorded(*args, **kwargs):
            seen[name].add(threading.current_thread().name)
            return real(*args, **kwargs)

        return recorded

    try:
        notes = [
            NewObservation(kind="chat", source_id=f"n{n}", time="2024-03-01T10:00:00", text=f"n {n}") for n in range(30)
        ]
        engine.call(lambda: store.observations.add_many(notes))
        store.observations.pending = spy("pending", store.observations.pending)
        store.commit_batch = spy("commit_batch", store.commit_batch)
        settings = Settings(embedder="hashing", memorize_batch_size=10)
        memorizer = make_memorizer(store, settings, run=engine.call)
        worker = threading.Thread(target=lambda: memorizer.run(offline=True, until_empty=True), name="model-lane")
        worker.start()
        worker.join(60)
        counts = engine.call(store.observations.counts)
    finally:
        engine.stop()
    assert counts["pending"] == 0 and counts["done"] == 30
    assert seen["pending"] == {"mirix-engine"} and seen["commit_batch"] == {"mirix-engine"}


def test_two_memorize_runs_on_the_same_batch_store_it_once(store) -> None:
    from agents.ops import MemoryOp, apply_ops

    [obs], _ = store.observations.add_many(
        [NewObservation(kind="chat", source_id="m1", time="2024-03-01T10:00:00", text="I moved to Lisbon")]
    )
    fact = {"name": "home", "summary": "lives in Lisbon", "details": ""}
    first = apply_ops(store, [MemoryOp("add", "semantic", record=fact, sources=[obs])], [obs])
    second = apply_ops(store, [MemoryOp("add", "semantic", record=fact, sources=[obs])], [obs])
    assert first.memory_ids and not first.already_done
    assert second.already_done and second.memory_ids == [] and second.written == {}
    assert store.memories.count("semantic") == 1
