"""The desktop app as the owner: CLI commands are its clients; quitting never waits on the OCR backlog."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gui_helpers import open_app, seed_demo_dir, unlock
from helpers import chat, write_jsonl
from proc_helpers import ROOT, cli_env, run

from mirix_app.cli.owner_service import RunHandler
from mirix_app.desktop.integration import claim_instance

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Unix sockets and flock")


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "run"
    path.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(path))
    return path


def _commands(tmp_path: Path) -> list[list[str]]:
    messages = write_jsonl(
        tmp_path / "msgs.jsonl",
        [
            chat(f"gui-{n}", f"Standup note {n}: the Zeppelin{n} rollout", f"2024-03-0{1 + n % 5}T10:00:00")
            for n in range(40)
        ],
    )
    return [
        ["import-chat", "msgs.jsonl"],  # relative: resolved against the client's working dir
        ["search", "Zeppelin17", "--k", "3", "--json"],
        ["memorize", "--offline", "--until-empty"],
        ["search", "Zeppelin23", "--type", "observation", "--k", "5", "--json"],
    ], messages


def test_cli_commands_are_clients_of_the_running_app(qtbot, tmp_path: Path, runtime: Path) -> None:
    data_dir, _ = seed_demo_dir(tmp_path)
    alone = shutil.copytree(data_dir, tmp_path / "alone")
    commands, messages = _commands(tmp_path)
    env = cli_env(runtime)
    expected = []
    for args in commands:
        done = subprocess.run(
            [sys.executable, "-m", "mirix_app.cli", "--data-dir", str(alone), *args],
            env=env,
            cwd=messages.parent,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        expected.append(done.stdout)
    assert json.loads(expected[1])["hits"][0]["sources"] == ["gui-17"]

    gui = open_app(qtbot, data_dir, capture=True)
    unlock(qtbot, gui)
    gui.bridges.capture.stop()  # no timed auto-memorize between the commands: the same steps as the run alone
    instance = claim_instance(data_dir, [])
    assert instance is not None
    instance.run_handler = RunHandler(gui.engine, gui.services)
    client_env = {k: v for k, v in env.items() if k != "MIRIX_PASSPHRASE"}  # the key never crosses: not needed
    try:
        for args, want in zip(commands, expected, strict=True):
            done = subprocess.run(
                [sys.executable, "-m", "mirix_app.cli", "--data-dir", str(data_dir), *args],
                env=client_env,
                cwd=messages.parent,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, done.stderr
            assert _comparable(done.stdout, args) == _comparable(want, args), (args, done.stdout, want)
        assert run(data_dir, client_env, "capture", "--once").returncode == 3  # the app captures itself
        counts = gui.engine.submit(lambda: gui.services.store.observations.counts()).result(20)
        assert counts["pending"] == 0 and counts["done"] >= 40
        assert gui.services.capture.loop is not None  # capture kept running throughout
    finally:
        instance.release()
        gui.close()


def _comparable(out: str, args: list[str]) -> object:
    if "--json" not in args:
        return out.splitlines()[-1].split(";")[0]
    return json.loads(out)["hits"][0]["sources"]  # the best hit (equal scores may tie in any order)


def test_quit_with_20_frames_waiting_for_ocr_exits_0_within_2_s(tmp_path: Path, runtime: Path) -> None:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "quit_app.py"), str(tmp_path / "data"), "20"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    asked = time.monotonic()
    assert line.startswith("QUIT"), proc.communicate(timeout=60)
    assert int(line.split()[-1]) >= 20
    _, err = proc.communicate(timeout=60)
    took = time.monotonic() - asked
    assert proc.returncode == 0, err
    assert "terminate called" not in err and "Traceback" not in err
    assert took < 2.0, f"quit took {took:.2f} s"
