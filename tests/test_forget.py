"""Forget a time range: exactly its rows, files and vectors go; memories with other sources stay, with history."""

from __future__ import annotations

from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from agents.ops import MemoryOp
from stores.frames import FrameStore
from stores.observations import NewObservation
from stores.timeutil import to_epoch

BEFORE, INSIDE_A, INSIDE_B, AFTER = (
    "2024-05-01T09:00:00+00:00",
    "2024-05-01T10:05:00+00:00",
    "2024-05-01T10:20:00+00:00",
    "2024-05-01T11:00:00+00:00",
)
SINCE, UNTIL = "2024-05-01T10:00:00+00:00", "2024-05-01T10:30:00+00:00"


def _png(text: str) -> bytes:
    out = BytesIO()
    Image.new("RGB", (32, 16), (len(text) * 9 % 255, 40, 90)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def filled(store):
    """Frames and messages before, inside and after the range; memories made from them; image vectors; a thread."""
    frames = FrameStore(store.data_dir, store.frame_key, 10**9)
    images = store.image_index("test-model", 4)
    ids = {}
    for name, when, text in [
        ("before", BEFORE, "kestrel before the range"),
        ("inside_a", INSIDE_A, "zanzibar password reset inside"),
        ("inside_b", INSIDE_B, "zanzibar quarterly figures inside"),
        ("after", AFTER, "osprey after the range"),
    ]:
        rel, _ = frames.write(_png(name), to_epoch(when))
        obs_id, _ = store.observations.add(
            NewObservation(kind="frame", source_id=f"frame:{name}", time=when, text=text, app="code", frame_file=rel)
        )
        images.record(obs_id, np.ones(4, dtype=np.float32) * (len(ids) + 1), to_epoch(when), "code")
        ids[name] = obs_id
    chat_id, _ = store.observations.add(
        NewObservation(kind="chat_turn", source_id="chat-turn:x", time=INSIDE_B, text="my zanzibar pin", speaker="user")
    )
    ids["chat"] = chat_id
    images.sync()
    store.sync_vectors()
    only_inside = store.add("episodic", {"occurred_at": INSIDE_A, "summary": "zanzibar reset"}, [ids["inside_a"]])
    mixed = store.add("semantic", {"name": "quarterly figures", "summary": "osprey numbers"}, [ids["inside_b"]])
    store.update("semantic", mixed, {}, [ids["after"]])
    outside = store.add("resource", {"title": "kestrel notes", "summary": "seen before"}, [ids["before"]])
    manual = store.add("core", {"label": "human", "value": "likes tea"})
    return store, ids, {"only_inside": only_inside, "mixed": mixed, "outside": outside, "manual": manual}


def test_dry_run_counts_and_changes_nothing(filled):
    store, _, _ = filled
    before = (store.observations.counts(), store.frame_counts(), store.vectors.count(), len(_files(store)))
    report = store.forget_range(SINCE, UNTIL, dry_run=True)
    assert report.observations == {"frame": 2, "chat_turn": 1}
    assert report.frame_files == 2 and report.image_vectors == 2
    assert report.memories_deleted == {"episodic": 1} and report.memories_trimmed == {"semantic": 1}
    assert (store.observations.counts(), store.frame_counts(), store.vectors.count(), len(_files(store))) == before
    assert "1 memory made only from this range or quoting it (1 episodic)" in report.lines()


def test_forget_removes_exactly_the_range_everywhere(filled):
    store, ids, mem = filled
    outside_record = store.get("resource", mem["outside"])
    files_before = _files(store)
    report = store.forget_range(SINCE, UNTIL)
    assert report.total_observations == 3 and not report.dry_run
    # observations: only the range's are gone
    assert store.observations.get_many(list(ids.values())) == store.observations.get_many([ids["before"], ids["after"]])
    # frame files: the two in the range are gone from disk, the others are untouched
    files_after = _files(store)
    assert len(files_after) == len(files_before) - 2
    assert all(store.observations.get(ids[n])["frame_file"] in files_after for n in ("before", "after"))
    # text vectors and image vectors of the range are gone, the rest stay
    for name in ("inside_a", "inside_b", "chat"):
        assert not store.vectors.has("observation", ids[name])
    assert store.vectors.has("observation", ids["before"]) and store.vectors.has("observation", ids["after"])
    assert not store.vectors.has("episodic", mem["only_inside"])
    images = store.image_index("test-model", 4)
    assert images.count() == 2 and store.frame_counts() == (2, 2)
    # memories: made only from the range -> gone with its history; mixed -> kept with its other source
    with pytest.raises(Exception, match="not found"):
        store.get("episodic", mem["only_inside"])
    assert store.history("episodic", mem["only_inside"]) == []
    mixed = store.get("semantic", mem["mixed"])
    assert mixed["sources"] == [ids["after"]]
    history = store.history("semantic", mem["mixed"])
    assert history[-1]["action"] == "forget" and ids["inside_b"] in history[-1]["record"]["sources"]
    assert store.get("resource", mem["outside"]) == outside_record
    assert store.get("core", mem["manual"])["value"] == "likes tea"
    # search finds nothing from inside the range
    assert [h for h in store.search("zanzibar", k=20) if h.type != "semantic"] == []
    assert all(ids["inside_b"] not in h.observation_ids for h in store.search("zanzibar quarterly", k=20))
    assert store.search("kestrel", k=5) and store.search("osprey", k=5)
    assert store.forget_range(SINCE, UNTIL).nothing


def test_forget_deletes_the_chat_messages_of_the_range(filled):
    store, _, _ = filled
    threads = store.chat_threads()
    thread = threads.create("zanzibar")
    threads.add_message(thread, "user", "what is my zanzibar pin?")
    threads.add_message(thread, "assistant", "it is 1234")
    now = store.forget_range("2000-01-01T00:00:00+00:00", None, dry_run=True)
    assert now.chat_messages == 2
    store.forget_range("2000-01-01T00:00:00+00:00", None)
    assert threads.list() == []


def test_a_batch_that_lost_observations_to_a_forget_writes_nothing(filled):
    store, ids, _ = filled
    store.forget_range(SINCE, UNTIL)
    op = MemoryOp("add", "episodic", record={"occurred_at": INSIDE_A, "summary": "zanzibar again"}, sources=[])
    written = store.commit_batch([op], [ids["inside_a"], ids["after"]])
    assert written == []
    assert store.observations.get(ids["after"])["status"] == "pending"
    assert store.search("zanzibar again", types=["episodic"], k=5) == []


def test_a_range_that_ends_before_it_starts_is_refused(store):
    with pytest.raises(ValueError, match="before its start"):
        store.forget_range(UNTIL, SINCE)


def _files(store) -> list[str]:
    return sorted(f.rel_path for f in FrameStore(store.data_dir, store.frame_key, 10**9).files())


def test_a_frame_in_ocr_while_its_range_is_forgotten_is_never_written(store, ocr_engine):
    from capture_helpers import frame_files, frame_rows, make_pipeline, screen

    from mirix_app.capture.frame import Frame

    pipeline = make_pipeline(store, ocr_engine)
    kept = pipeline.screen(Frame(screen(["Typed a private note"]), 0, to_epoch(INSIDE_A)))
    store.forget_range(SINCE, UNTIL)  # the user forgets while the frame is still being read
    pipeline.forgotten(to_epoch(SINCE), to_epoch(UNTIL))
    assert pipeline.process(kept) is None
    assert frame_rows(store) == [] and frame_files(store.data_dir) == []
    assert pipeline.status.snapshot().dropped == {"forgotten": 1}
