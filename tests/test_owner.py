"""One owner per data dir, with real processes: simultaneous commands, kill -9, a broken vector index."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from pathlib import Path

import pytest
from proc_helpers import chat_file, cli_env, observation_count, run, start

from stores.owner_lock import OwnerLock, read_owner

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Unix sockets and flock")
IMPORTED = re.compile(r"imported (\d+) new message")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    return cli_env(runtime)


def test_owner_lock_is_exclusive_and_names_its_owner(tmp_path: Path) -> None:
    first, second = OwnerLock(tmp_path), OwnerLock(tmp_path)
    assert first.try_acquire("cli", "import-chat")
    assert not second.try_acquire("cli", "search")
    owner = read_owner(tmp_path)
    assert owner is not None and owner.pid == os.getpid() and "import-chat" in owner.describe()
    first.release()
    assert second.try_acquire("cli", "search")
    second.release()


def test_two_imports_started_at_once_on_a_new_data_dir_both_succeed(tmp_path: Path, env) -> None:
    data = tmp_path / "new"
    files = [chat_file(tmp_path / f"{p}.jsonl", p, 500) for p in ("alpha", "beta")]
    procs = [start(data, env, "import-chat", str(f)) for f in files]
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (_out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err and "passphrase" not in err.lower()
    reported = sum(int(IMPORTED.search(out).group(1)) for out, _ in results)
    assert reported == 1000
    assert observation_count(data, env) == 1000
    for prefix in ("alpha", "beta"):
        found = run(data, env, "search", f"{prefix} message number 499", "--k", "3", "--json")
        assert found.returncode == 0, found.stderr
        assert f"{prefix}-499" in [s for h in json.loads(found.stdout)["hits"] for s in h["sources"]]


def test_a_second_writer_waits_for_the_owner_and_says_so(tmp_path: Path, env) -> None:
    data = tmp_path / "data"
    assert run(data, env, "import-chat", str(chat_file(tmp_path / "seed.jsonl", "seed", 10))).returncode == 0
    big = chat_file(tmp_path / "big.jsonl", "big", 1500)
    first = start(data, env, "import-chat", str(big))
    _wait_for_owner(data, first)
    second = run(data, env, "memorize", "--offline", "--until-empty")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == 0, second.stderr
    assert re.search(r"waiting for mirix-app import-chat \(pid \d+\)", second.stderr)
    assert "Traceback" not in second.stderr + err
    assert observation_count(data, env) == 1510


def test_a_search_during_an_import_leaves_search_working(tmp_path: Path, env) -> None:
    data = tmp_path / "data"
    assert run(data, env, "import-chat", str(chat_file(tmp_path / "seed.jsonl", "seed", 50))).returncode == 0
    importer = start(data, env, "import-chat", str(chat_file(tmp_path / "big.jsonl", "big", 1500)))
    _wait_for_owner(data, importer)
    during = run(data, env, "search", "seed message number 7", "--json")
    importer.communicate(timeout=300)
    assert importer.returncode == 0
    assert during.returncode == 0, during.stderr
    after = run(data, env, "search", "big message number 1499", "--json")
    assert after.returncode == 0, after.stderr
    assert "big-1499" in after.stdout
    assert run(data, env, "stats").returncode == 0


def test_kill_9_of_the_owner_mid_write_then_every_command_works(tmp_path: Path, env) -> None:
    data = tmp_path / "data"
    assert run(data, env, "import-chat", str(chat_file(tmp_path / "seed.jsonl", "seed", 20))).returncode == 0
    big = chat_file(tmp_path / "big.jsonl", "big", 2500)
    victim = start(data, env, "import-chat", str(big))
    line = victim.stderr.readline()
    while line and "messages read" not in line:
        line = victim.stderr.readline()
    assert "messages read" in line, "the import never reported progress"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(30)
    for args in (["search", "seed message"], ["stats"], ["memorize", "--offline"]):
        done = run(data, env, *args)
        assert done.returncode in (0, 1), f"{args}: {done.stderr}"
        assert "Traceback" not in done.stderr
    again = run(data, env, "import-chat", str(big))
    assert again.returncode == 0, again.stderr
    assert observation_count(data, env) == 2520


def test_a_corrupted_vector_index_is_rebuilt_on_open(tmp_path: Path, env) -> None:
    data = tmp_path / "data"
    assert run(data, env, "import-chat", str(chat_file(tmp_path / "c.jsonl", "c", 200))).returncode == 0
    chroma = data / "chroma"
    for path in chroma.rglob("*"):
        if path.is_file():
            path.write_bytes(os.urandom(min(4096, max(64, path.stat().st_size))))
    found = run(data, env, "search", "c message number 123", "--json")
    assert found.returncode == 0, found.stderr
    assert "rebuilt it from the database" in found.stderr
    assert "c-123" in [s for h in json.loads(found.stdout)["hits"] for s in h["sources"]]
    stats = run(data, env, "stats", "--json")
    assert json.loads(stats.stdout)["vectors"] == 200
    assert "rebuilt" not in stats.stderr  # once repaired, it stays repaired


def test_reindex_rebuilds_with_progress(tmp_path: Path, env) -> None:
    data = tmp_path / "data"
    assert run(data, env, "import-chat", str(chat_file(tmp_path / "c.jsonl", "c", 300))).returncode == 0
    done = run(data, env, "reindex")
    assert done.returncode == 0, done.stderr
    assert "300/300" in done.stderr
    assert "re-indexed 300 item(s)" in done.stdout
    assert json.loads(run(data, env, "stats", "--json").stdout)["vectors"] == 300


def _wait_for_owner(data: Path, proc, timeout: float = 60) -> None:
    """Until ``proc`` owns the data dir (its pid is in the lock file)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        owner = read_owner(data)
        if owner is not None and owner.pid == proc.pid:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the command never became the owner")
