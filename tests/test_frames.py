"""Frame files: AES-GCM on disk (no readable image or text), a byte budget that drops the oldest, deletion by time."""

from __future__ import annotations

import io

import pytest
from capture_helpers import screen
from helpers import all_bytes_under

from mirix_app.capture.encode import encode_webp
from stores.errors import NotFoundError, WrongKeyError
from stores.frames import FrameStore, forget_frame_files
from stores.observations import NewObservation

KEY = bytes(range(32))
T0 = 1_714_557_600.0  # 2024-05-01T10:00:00Z


def webp(words: str) -> bytes:
    return encode_webp(screen([words]), 150_000)


def test_a_frame_file_on_disk_contains_no_readable_image_or_text(tmp_path):
    frames = FrameStore(tmp_path, KEY, 10**9)
    plain = webp("Zanzibar quarterly numbers")
    png = io.BytesIO()
    screen(["Zanzibar quarterly numbers"]).save(png, "PNG")
    rel, _ = frames.write(plain, T0)

    on_disk = (tmp_path / rel).read_bytes()
    for marker in (b"RIFF", b"WEBP", b"\x89PNG", b"JFIF", b"Zanzibar", plain[:64], plain[-64:]):
        assert marker not in on_disk
    assert (tmp_path / rel).stat().st_mode & 0o777 == 0o600
    assert frames.read(rel) == plain
    with pytest.raises(WrongKeyError):
        FrameStore(tmp_path, bytes(32), 10**9).read(rel)
    assert not [p for p, _ in all_bytes_under(tmp_path) if p.suffix == ".tmp"]


def test_budget_deletes_the_oldest_frames_first(tmp_path):
    blobs = [webp(f"frame number {i}") for i in range(5)]
    per_file = max(len(b) for b in blobs) + 64
    frames = FrameStore(tmp_path, KEY, budget_bytes=3 * per_file)
    written = []
    for i in (3, 0, 4, 1, 2):  # out of order on purpose: age is capture time, not write order
        rel, deleted = frames.write(blobs[i], T0 + i * 60)
        written.append((i, rel, deleted))
    kept = [f.rel_path for f in frames.files()]
    assert len(kept) == 3
    by_index = {i: rel for i, rel, _ in written}
    assert kept == [by_index[2], by_index[3], by_index[4]]
    assert frames.usage()[1] <= 3 * per_file
    with pytest.raises(NotFoundError):
        frames.read(by_index[0])
    # a new instance (app restart) sees the same files and keeps enforcing the budget
    again = FrameStore(tmp_path, KEY, budget_bytes=per_file)
    assert again.enforce_budget() == [by_index[2], by_index[3]]


def test_deleted_frames_leave_their_observations_in_place(store):
    frames = FrameStore(store.data_dir, store.frame_key, 10**9)
    rels = []
    for i in range(3):
        rel, _ = frames.write(webp(f"screen {i}"), T0 + i * 3600)
        rels.append(rel)
        store.observations.add(
            NewObservation(
                kind="frame", source_id=f"f{i}", time=f"2024-05-01T1{i}:00:00Z", text=f"screen {i}", frame_file=rel
            )
        )
    deleted = frames.delete_range(T0 + 1800, T0 + 3 * 3600)
    assert deleted == rels[1:]
    assert forget_frame_files(store._db, deleted) == 2
    rows = {
        r["source_id"]: r
        for r in store.observations.get_many([store.observations.by_source_id(f"f{i}")["id"] for i in range(3)])
    }
    assert rows["f0"]["frame_file"] == rels[0]
    assert rows["f1"]["frame_file"] is None and rows["f1"]["text"] == "screen 1"
    assert [f.rel_path for f in frames.files()] == rels[:1]
    assert store.search("screen 2", types=["observation"])[0].sources == ["f2"]
