"""With a Chroma server URL in the settings, vectors go to a real `chroma run` server over HTTP."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
from helpers import PASSPHRASE, all_bytes_under

from stores.embedders import HashingEmbedder
from stores.memory_store import MemoryStore


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    exe = shutil.which("chroma", path=os.path.dirname(sys.executable))
    assert exe, "the chroma CLI ships with chromadb and must be installed"
    port = _free_port()
    path = tmp_path / "chroma-server"
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield f"http://127.0.0.1:{port}", path
    proc.terminate()
    proc.wait(timeout=10)


def test_vectors_live_on_the_server_and_hold_no_memory_text(chroma_server, data_dir):
    url, server_path = chroma_server
    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder(), chroma_url=url) as store:
        memory_id = store.add("semantic", {"name": "Okapi", "summary": "Okapis are related to giraffes"})
        assert store.vectors.has("semantic", memory_id)
        assert store.search("okapi giraffes")[0].id == memory_id
    assert not (data_dir / "chroma").exists()
    assert [p for p, data in all_bytes_under(server_path) if b"giraffes" in data] == []
