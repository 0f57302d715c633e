"""Every bad input gets one clear line and the right exit code (3 for problems, 2 for usage), never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import PASSPHRASE, chat, write_jsonl
from PIL import Image

import mirix_app.factories
from mirix_app.cli.main import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_USER_ERROR, main
from stores.embedders import HashingEmbedder
from stores.frames import FrameStore
from stores.memory_store import MemoryStore


@pytest.fixture(autouse=True)
def cli_env(monkeypatch, tmp_path):
    monkeypatch.setenv("MIRIX_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("MIRIX_EMBEDDER", "hashing")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))


def run(data_dir, *args):
    return main(["--data-dir", str(data_dir), *args])


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("content", ["{not json", "[1, 2, 3]", '{"capture": [1]}'])
def test_a_broken_settings_file_is_one_clear_error(data_dir, content, capsys):
    data_dir.mkdir(parents=True)
    (data_dir / "settings.json").write_text(content)
    assert run(data_dir, "stats") == EXIT_USER_ERROR
    assert "settings.json is not valid settings JSON" in one_error_line(capsys)


def test_an_unknown_embedder_is_one_clear_error(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("MIRIX_EMBEDDER", "word2vec")
    assert run(data_dir, "stats") == EXIT_USER_ERROR
    assert "Unknown embedder 'word2vec'" in one_error_line(capsys)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "x", "--since", "notadate"], "not an ISO-8601 date"),
        (["search", "x", "--until", "yesterday-ish"], "not an ISO-8601 date"),
        (["search", "x", "--k", "0"], "must be at least 1"),
        (["search", "x", "--k", "-1"], "must be at least 1"),
    ],
)
def test_bad_search_options_are_usage_errors(data_dir, args, message, capsys):
    with pytest.raises(SystemExit) as exited:
        run(data_dir, *args)
    assert exited.value.code == EXIT_USAGE
    assert message in capsys.readouterr().err


def test_a_directory_or_a_device_is_not_an_import_file(data_dir, tmp_path, capsys):
    assert run(data_dir, "import-chat", str(tmp_path)) == EXIT_USER_ERROR
    assert "is a directory, not a file" in one_error_line(capsys)
    assert run(data_dir, "import-chat", os.devnull) == EXIT_USER_ERROR
    assert "is not a regular file" in one_error_line(capsys)
    assert run(data_dir, "import-chat", str(tmp_path / "missing.jsonl")) == EXIT_USER_ERROR
    assert "No such file" in one_error_line(capsys)


def test_a_binary_file_stops_after_a_few_lines_with_a_summary(data_dir, tmp_path, capsys):
    blob = tmp_path / "photo.jsonl"
    blob.write_bytes(os.urandom(200_000))
    assert run(data_dir, "import-chat", str(blob)) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "does not look like a chat JSONL file" in err
    assert len(err.splitlines()) < 30


def test_a_changed_message_under_a_known_id_is_reported_not_dropped(data_dir, tmp_path, capsys):
    first = write_jsonl(tmp_path / "a.jsonl", [chat("m1", "lunch at noon"), chat("m2", "see you")])
    assert run(data_dir, "import-chat", str(first)) == EXIT_OK
    changed = write_jsonl(tmp_path / "b.jsonl", [chat("m1", "lunch at one"), chat("m2", "see you"), chat("m3", "ok")])
    capsys.readouterr()
    assert run(data_dir, "import-chat", str(changed)) == EXIT_PARTIAL
    captured = capsys.readouterr()
    assert "b.jsonl:1: skipped: message id 'm1' is stored with different text" in captured.err
    assert "imported 1 new message(s), 1 already present, 1 differ" in captured.out


def test_invalid_utf8_is_reported_by_line(data_dir, tmp_path, capsys):
    path = tmp_path / "c.jsonl"
    good = json.dumps(chat("m1", "fine")).encode()
    bad = json.dumps(chat("m2", "caf_")).encode().replace(b"caf_", b"caf\xe9")
    path.write_bytes(good + b"\n" + bad + b"\n")
    assert run(data_dir, "import-chat", str(path)) == EXIT_PARTIAL
    captured = capsys.readouterr()
    assert "c.jsonl:2: skipped: not valid UTF-8" in captured.err
    assert "imported 1 new" in captured.out


def test_search_output_redacts_secrets_like_ask_does(data_dir, tmp_path, capsys):
    secret = "sk-Zq8RtWm4Lp2Xv7Nc9Bd3Hf6J"
    path = write_jsonl(tmp_path / "s.jsonl", [chat("m1", f"the staging api key is {secret} for the deploy")])
    assert run(data_dir, "import-chat", str(path)) == EXIT_OK
    for args in (["search", "staging deploy"], ["search", "staging deploy", "--json"]):
        capsys.readouterr()
        assert run(data_dir, *args) == EXIT_OK
        out = capsys.readouterr().out
        assert "staging" in out and secret not in out


def test_the_chroma_child_does_not_inherit_the_passphrase(tmp_path, monkeypatch):
    from stores.chroma_process import ProcessClient

    monkeypatch.setenv("MIRIX_PASSPHRASE", "hunter2-very-secret")
    client = ProcessClient(tmp_path / "chroma")
    try:
        environ = Path(f"/proc/{client._process.pid}/environ").read_bytes()
    finally:
        client.close()
    assert b"MIRIX_PASSPHRASE" not in environ and b"hunter2" not in environ
    assert os.environ["MIRIX_PASSPHRASE"] == "hunter2-very-secret"  # ours is untouched


def test_orphan_frame_files_are_removed_when_the_owner_opens(data_dir):
    store = MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder())
    frames = FrameStore(data_dir, store.frame_key, 10**9)
    orphan, _ = frames.write(b"RIFF-not-really-an-image", 1.7e9, 0)
    store.close()
    assert (data_dir / orphan).exists()
    MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder()).close()
    assert not (data_dir / orphan).exists()


def test_an_oversized_image_is_skipped_with_a_reason_and_the_rest_imported(
    data_dir, tmp_path, monkeypatch, ocr_engine, capsys
):
    monkeypatch.setattr(mirix_app.factories, "OcrEngine", lambda *a, **k: ocr_engine)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # 2x this is a "decompression bomb"
    shots = tmp_path / "shots"
    shots.mkdir()
    Image.new("RGB", (200, 200), "white").save(shots / "a_huge.png")
    Image.new("RGB", (30, 30), "gray").save(shots / "b_small.png")
    assert run(data_dir, "import-frames", str(shots)) == EXIT_PARTIAL
    captured = capsys.readouterr()
    assert "a_huge.png: failed: skipped: the image is too large to read safely" in captured.err
    assert "imported 1 frame(s)" in captured.out
