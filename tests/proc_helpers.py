"""Helpers for tests that run real processes: several mirix-app commands on one data dir, a private X server."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
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


@contextlib.contextmanager
def xvfb_display(first: int, size: str = "1280x800x24") -> Iterator[str]:
    """A private Xvfb server on the first free display number from ``first``; yields its name (":N")."""
    binary = shutil.which("Xvfb")
    if binary is None:
        pytest.skip("Xvfb is not installed (install.sh installs it)")
    number = next(n for n in range(first, first + 40) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    proc = subprocess.Popen([binary, f":{number}", "-screen", "0", size, "-nolisten", "tcp"])
    try:
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(10)
