"""`mirix-app forget`: prints what it will delete first, then deletes the range, alone or through the running app."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from gui_helpers import on_engine, open_app, seed_demo_dir, unlock
from helpers import chat, write_jsonl
from proc_helpers import cli_env, run

from mirix_app.cli.owner_service import RunHandler
from mirix_app.desktop.integration import claim_instance

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Unix sockets and flock")
SINCE, UNTIL = "2024-03-02T00:00:00+00:00", "2024-03-02T23:59:59+00:00"


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "run"
    path.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(path))
    return path


def _messages(tmp_path: Path) -> Path:
    """Three days of messages; the middle day's mention 'heliotrope', the others 'marigold'."""
    rows = []
    for day in (1, 2, 3):
        word = "heliotrope" if day == 2 else "marigold"
        rows += [
            chat(f"d{day}-{n}", f"day {day} note {n} about the {word} plan", f"2024-03-0{day}T1{n}:00:00")
            for n in range(4)
        ]
    return write_jsonl(tmp_path / "msgs.jsonl", rows)


def _sources(data_dir: Path, env: dict[str, str], query: str) -> list[str]:
    done = run(data_dir, env, "search", query, "--k", "20", "--json")
    assert done.returncode == 0, done.stderr
    return [s for hit in json.loads(done.stdout)["hits"] for s in hit["sources"]]


def test_forget_alone_prints_the_plan_asks_for_yes_and_deletes_only_the_range(tmp_path: Path, runtime: Path) -> None:
    data, env = tmp_path / "data", cli_env(runtime)
    assert run(data, env, "import-chat", str(_messages(tmp_path))).returncode == 0
    assert run(data, env, "memorize", "--offline", "--until-empty").returncode == 0
    assert any(s.startswith("d2-") for s in _sources(data, env, "heliotrope"))

    dry = run(data, env, "forget", "--since", SINCE, "--until", UNTIL, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would forget everything stored from 2024-03-02" in dry.stdout
    assert "4 observations: 4 messages" in dry.stdout and "dry run: nothing was deleted" in dry.stdout
    refused = run(data, env, "forget", "--since", SINCE, "--until", UNTIL)  # not a terminal, no --yes
    assert refused.returncode == 3 and "--yes" in refused.stderr
    assert any(s.startswith("d2-") for s in _sources(data, env, "heliotrope"))

    done = run(data, env, "forget", "--since", SINCE, "--until", UNTIL, "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.index("will forget") < done.stdout.index("forgot 4 observations")
    assert not any(s.startswith("d2-") for s in _sources(data, env, "heliotrope"))
    kept = _sources(data, env, "marigold")
    assert {s[:2] for s in kept} == {"d1", "d3"}
    stats = json.loads(run(data, env, "stats", "--json").stdout)
    assert stats["observations"]["done"] == 8


def test_a_reversed_range_deletes_nothing(tmp_path: Path, runtime: Path) -> None:
    data, env = tmp_path / "data", cli_env(runtime)
    assert run(data, env, "import-chat", str(_messages(tmp_path))).returncode == 0
    done = run(data, env, "forget", "--since", UNTIL, "--until", SINCE, "--yes")
    assert done.returncode == 3 and "before --since" in done.stderr


def test_forget_is_a_client_of_the_running_app(qtbot, tmp_path: Path, runtime: Path) -> None:
    data_dir, _ = seed_demo_dir(tmp_path)
    env = {k: v for k, v in cli_env(runtime).items() if k != "MIRIX_PASSPHRASE"}  # the key never crosses
    gui = open_app(qtbot, data_dir, capture=True)
    unlock(qtbot, gui)
    gui.bridges.stop()
    instance = claim_instance(data_dir, [])
    assert instance is not None
    instance.run_handler = RunHandler(gui.engine, gui.services)
    try:
        assert run(data_dir, env, "import-chat", str(_messages(tmp_path))).returncode == 0
        dry = run(data_dir, env, "forget", "--since", SINCE, "--until", UNTIL, "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert "4 observations: 4 messages" in dry.stdout
        done = run(data_dir, env, "forget", "--since", SINCE, "--until", UNTIL, "--yes")
        assert done.returncode == 0, done.stderr
        assert "forgot 4 observations" in done.stdout
        found = on_engine(gui, lambda: gui.services.store.search("heliotrope", k=20))
        assert not [s for hit in found for s in hit.sources if s.startswith("d2-")]
        assert any(s.startswith("d1-") for s in _sources(data_dir, env, "marigold"))
    finally:
        instance.release()
        gui.close()
