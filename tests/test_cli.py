"""The mirix-app command line: import-chat, search (single and batch), stats, errors and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from helpers import PASSPHRASE, all_bytes_under, chat, write_jsonl

from mirix_app.cli.main import EXIT_OK, EXIT_PARTIAL, EXIT_USER_ERROR, main

MARKER = "Xylophone7Quasar"


@pytest.fixture(autouse=True)
def cli_env(monkeypatch):
    monkeypatch.setenv("MIRIX_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("MIRIX_EMBEDDER", "hashing")


def run(data_dir, *args):
    return main(["--data-dir", str(data_dir), *args])


@pytest.fixture
def chat_file(tmp_path):
    return write_jsonl(
        tmp_path / "chat.jsonl",
        [
            chat("m1", f"The vault code word is {MARKER}", "2024-03-01T10:00:00"),
            chat("m2", "Let's get noodles on Friday", "2024-03-02T12:00:00", speaker="Bob", session="s1"),
            chat("m3", "Look at this", "2024-03-03T09:00:00", image_caption="a photo of a red bicycle"),
        ],
    )


def test_import_then_search_finds_the_message_with_its_source_id(data_dir, chat_file, capsys):
    assert run(data_dir, "import-chat", str(chat_file)) == EXIT_OK
    assert "imported 3 new" in capsys.readouterr().out

    assert run(data_dir, "search", MARKER, "--json") == EXIT_OK
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert hits[0]["sources"] == ["m1"]
    assert MARKER in hits[0]["text"]
    assert set(hits[0]) == {"type", "id", "score", "text", "sources"}


def test_image_captions_are_searchable(data_dir, chat_file, capsys):
    run(data_dir, "import-chat", str(chat_file))
    capsys.readouterr()
    run(data_dir, "search", "bicycle", "--json")
    assert json.loads(capsys.readouterr().out)["hits"][0]["sources"] == ["m3"]


def test_reimporting_the_same_ids_adds_nothing(data_dir, chat_file, capsys):
    run(data_dir, "import-chat", str(chat_file))
    run(data_dir, "import-chat", str(chat_file))
    assert "imported 0 new message(s), 3 already present" in capsys.readouterr().out
    run(data_dir, "stats", "--json")
    assert json.loads(capsys.readouterr().out)["observations"]["pending"] == 3


def test_malformed_lines_are_reported_by_number_and_good_lines_kept(data_dir, tmp_path, capsys):
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            chat("ok1", "first good line"),
            "{not json",
            {"id": "no-time", "speaker": "A", "text": "x"},
            chat("bad-time", "x", time="yesterday"),
            chat("ok2", "second good line"),
        ],
    )
    assert run(data_dir, "import-chat", str(path)) == EXIT_PARTIAL
    captured = capsys.readouterr()
    assert "mixed.jsonl:2:" in captured.err and "not valid JSON" in captured.err
    assert "mixed.jsonl:3:" in captured.err and "'time'" in captured.err
    assert "mixed.jsonl:4:" in captured.err and "ISO-8601" in captured.err
    assert "imported 2 new" in captured.out
    run(data_dir, "search", "good line", "--json")
    assert {h["sources"][0] for h in json.loads(capsys.readouterr().out)["hits"]} == {"ok1", "ok2"}


def test_batch_search_prints_one_json_line_per_query(data_dir, chat_file, tmp_path, capsys):
    run(data_dir, "import-chat", str(chat_file))
    queries = write_jsonl(tmp_path / "q.jsonl", [{"id": "q1", "query": "noodles"}, {"id": "q2", "query": MARKER}])
    capsys.readouterr()
    assert run(data_dir, "search", "--queries", str(queries), "--k", "2", "--json") == EXIT_OK
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["q1", "q2"]
    assert lines[0]["hits"][0]["sources"] == ["m2"]
    assert lines[1]["hits"][0]["sources"] == ["m1"]
    assert all(len(line["hits"]) <= 2 for line in lines)


def test_search_filters_by_time_and_type(data_dir, chat_file, capsys):
    run(data_dir, "import-chat", str(chat_file))
    capsys.readouterr()
    run(data_dir, "search", "noodles Friday code word", "--since", "2024-03-02T00:00:00", "--json")
    assert [h["sources"] for h in json.loads(capsys.readouterr().out)["hits"]] == [["m2"]]
    run(data_dir, "search", "noodles", "--type", "semantic", "--json")
    assert json.loads(capsys.readouterr().out)["hits"] == []


def test_wrong_passphrase_exits_nonzero_with_one_clear_line(data_dir, chat_file, capsys, monkeypatch):
    run(data_dir, "import-chat", str(chat_file))
    capsys.readouterr()
    monkeypatch.setenv("MIRIX_PASSPHRASE", "wrong")
    assert run(data_dir, "stats") == EXIT_USER_ERROR
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: Wrong passphrase or key: the memory database could not be decrypted. Nothing was changed."]


def test_no_passphrase_and_no_keyring_is_a_clear_error(data_dir, capsys, monkeypatch):
    monkeypatch.delenv("MIRIX_PASSPHRASE")
    assert run(data_dir, "stats") == EXIT_USER_ERROR
    assert "MIRIX_PASSPHRASE" in capsys.readouterr().err
    assert not (data_dir / "memory.db").exists()


def test_missing_file_is_a_clear_error(data_dir, tmp_path, capsys):
    assert run(data_dir, "import-chat", str(tmp_path / "nope.jsonl")) == EXIT_USER_ERROR
    assert "No such file" in capsys.readouterr().err


def test_stats_counts_types_and_sizes(data_dir, chat_file, capsys):
    run(data_dir, "import-chat", str(chat_file))
    capsys.readouterr()
    run(data_dir, "stats", "--json")
    stats = json.loads(capsys.readouterr().out)
    assert set(stats["memories"]) == {"core", "episodic", "semantic", "procedural", "resource", "knowledge_vault"}
    assert stats["database_bytes"] > 0 and stats["vector_bytes"] > 0
    assert stats["vectors"] == 3


def test_installed_entry_point_imports_and_searches_with_the_real_model_and_leaks_no_plaintext(tmp_path, chat_file):
    """End to end through the installed ``mirix-app`` with the real MiniLM model, offline."""
    exe = shutil.which("mirix-app", path=os.path.dirname(sys.executable))
    assert exe, "mirix-app entry point is not installed in the venv"
    data_dir = tmp_path / "e2e"
    env = {**os.environ, "MIRIX_PASSPHRASE": PASSPHRASE, "HF_HUB_OFFLINE": "1"}
    env.pop("MIRIX_EMBEDDER", None)
    common = [exe, "--data-dir", str(data_dir)]
    subprocess.run([*common, "import-chat", str(chat_file)], env=env, check=True, capture_output=True)
    out = subprocess.run([*common, "search", MARKER, "--json"], env=env, check=True, capture_output=True, text=True)

    assert json.loads(out.stdout)["hits"][0]["sources"] == ["m1"]
    leaks = [str(p) for p, data in all_bytes_under(data_dir) if MARKER.encode() in data or b"noodles" in data]
    assert leaks == []


def test_help_and_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert "mirix-app" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "import-chat" in out and "gui" in out and "opens the desktop app" in out


def test_no_command_opens_the_desktop_app(monkeypatch, tmp_path):
    import mirix_app.gui.run

    opened = []
    monkeypatch.setattr(mirix_app.gui.run, "run_gui", lambda data_dir, serve=None: opened.append(data_dir) or 0)
    assert main(["--data-dir", str(tmp_path)]) == EXIT_OK
    assert main(["--data-dir", str(tmp_path), "gui"]) == EXIT_OK
    assert opened == [tmp_path, tmp_path]
