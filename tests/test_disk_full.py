"""A data dir on a tmpfs filled to the last byte: one clear message, exit 3, and everything works once space is free."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
from pathlib import Path

import pytest
from proc_helpers import chat_file, cli_env, run

pytestmark = pytest.mark.skipif(os.name != "posix", reason="tmpfs mounts")


@pytest.fixture
def small_disk(tmp_path: Path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48m,mode=0700", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here ({done.stderr.strip() or 'not root'}); run as root where mounts are allowed"
        )
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Write a filler file until not one more byte fits."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as handle:
        for size in (1 << 20, 1 << 12, 1):
            with contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * size)
    with pytest.raises(OSError) as full:
        (disk / "one-more").write_bytes(b"x")
    assert full.value.errno == errno.ENOSPC
    return filler


def test_a_full_disk_is_one_clear_message_and_nothing_is_lost(small_disk: Path, tmp_path: Path) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = cli_env(runtime)
    data = small_disk / "data"
    assert run(data, env, "import-chat", str(chat_file(tmp_path / "seed.jsonl", "seed", 300))).returncode == 0
    big = chat_file(tmp_path / "big.jsonl", "big", 3000)
    filler = fill(small_disk)

    failed = run(data, env, "import-chat", str(big))
    assert failed.returncode == 3, failed.stdout + failed.stderr
    assert "Traceback" not in failed.stderr
    assert "The disk is full (" in failed.stderr and "nothing was lost" in failed.stderr

    filler.unlink()
    for args in (["search", "seed message number 42", "--json"], ["stats", "--json"]):
        done = run(data, env, *args)
        assert done.returncode == 0, done.stderr
    assert "seed-42" in run(data, env, "search", "seed message number 42", "--json").stdout
    inbox = json.loads(run(data, env, "stats", "--json").stdout)["observations"]
    assert sum(inbox.values()) >= 300
    again = run(data, env, "import-chat", str(big))
    assert again.returncode == 0, again.stderr
    inbox = json.loads(run(data, env, "stats", "--json").stdout)["observations"]
    assert sum(inbox.values()) == 3300
    hits = json.loads(run(data, env, "search", "big message number 2999", "--json").stdout)["hits"]
    assert "big-2999" in [s for h in hits for s in h["sources"]]
