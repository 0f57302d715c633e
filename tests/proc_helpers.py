"""Helpers for tests that run several real mirix-app processes against one data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from helpers import PASSPHRASE, chat, write_jsonl

ROOT = Path(__file__).resolve().parent.parent


def cli_env(runtime_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a CLI child: passphrase, hashing embedder, a private runtime dir for the socket."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIRIX_")}
    env.update(
        MIRIX_PASSPHRASE=PASSPHRASE,
        MIRIX_EMBEDDER="hashing",
        XDG_RUNTIME_DIR=str(runtime_dir),
        PYTHONPATH=str(ROOT),
        QT_QPA_PLATFORM="offscreen",
    )
    env.update(extra)
    return env


def start(data_dir: Path, env: dict[str, str], *args: str) -> subprocess.Popen:
    """Start ``mirix-app --data-dir DATA ARGS`` as its own process (stdout and stderr captured)."""
    return subprocess.Popen(
        [sys.executable, "-m", "mirix_app.cli", "--data-dir", str(data_dir), *args],
        env=env,
        cwd=str(ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(data_dir: Path, env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    proc = start(data_dir, env, *args)
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def chat_file(path: Path, prefix: str, count: int) -> Path:
    """``count`` chat messages with ids ``<prefix>-<n>``."""
    rows = [chat(f"{prefix}-{n}", f"{prefix} message number {n} about topic{n % 17}") for n in range(count)]
    return write_jsonl(path, rows)


def stats(data_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    done = run(data_dir, env, "stats", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def observation_count(data_dir: Path, env: dict[str, str]) -> int:
    inbox = stats(data_dir, env)["observations"]
    return int(sum(v for v in inbox.values() if isinstance(v, int)))
