"""Embedded Chroma can run in a child process (the app's default), so its index work never stalls the window."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest
from helpers import PASSPHRASE

from stores.chroma_process import ChromaProcessError
from stores.embedders import HashingEmbedder
from stores.memory_store import MemoryStore


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as handle:  # a zombie is not alive
        return handle.read().split()[2] != "Z"


def test_store_works_through_the_worker_and_close_stops_it(data_dir):
    store = MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder(), vector_process=True)
    worker = store.chroma_client._process
    assert worker.pid != os.getpid() and worker.is_alive()

    memory_id = store.add("semantic", {"name": "Axolotl", "summary": "Axolotls regrow their limbs"})
    assert store.vectors.has("semantic", memory_id)
    assert store.search("axolotl limbs")[0].id == memory_id
    store.close()

    assert not worker.is_alive()
    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder()) as reopened:
        assert reopened.vectors.has("semantic", memory_id)  # the worker wrote to the same persistent index


def test_worker_errors_come_back_as_store_errors(data_dir):
    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder(), vector_process=True) as store:
        store.add("semantic", {"name": "x", "summary": "y"})
        with pytest.raises(ChromaProcessError, match="dimension"):
            store.vectors._collection.query(query_embeddings=[[0.5] * 3], n_results=1)
        assert store.search("x")  # the worker is still serving after the error


CHILD = textwrap.dedent(
    """
    import os, sys
    from stores.embedders import HashingEmbedder
    from stores.memory_store import MemoryStore
    store = MemoryStore.open(sys.argv[1], passphrase=sys.argv[2], embedder=HashingEmbedder(), vector_process=True)
    store.add("semantic", {"name": "x", "summary": "y"})
    print(store.chroma_client._process.pid, flush=True)
    os._exit(9)
    """
)


def test_worker_exits_when_the_app_is_killed(data_dir):
    result = subprocess.run([sys.executable, "-c", CHILD, str(data_dir), PASSPHRASE], capture_output=True, text=True)
    assert result.returncode == 9, result.stderr
    worker_pid = int(result.stdout.strip().splitlines()[-1])
    deadline = time.monotonic() + 30
    while _alive(worker_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker_pid), "the Chroma worker outlived the app"
