"""A process killed between the SQLite commit and the Chroma write is repaired on the next open."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from helpers import PASSPHRASE

from stores.embedders import HashingEmbedder
from stores.memory_store import MemoryStore

CHILD = textwrap.dedent(
    """
    import os, sys
    from stores.embedders import HashingEmbedder
    from stores.memory_store import MemoryStore
    from stores.vectors import VectorIndex

    def killed_before_chroma(self, items):
        os._exit(9)   # the SQLite transaction has committed; the vector write never happens

    store = MemoryStore.open(sys.argv[1], passphrase=sys.argv[2], embedder=HashingEmbedder())
    VectorIndex.upsert = killed_before_chroma
    store.add("semantic", {"id": "fact-1", "name": "Pangolin", "summary": "Pangolins eat ants"})
    """
)


def test_killed_process_is_repaired_on_reopen(data_dir):
    result = subprocess.run([sys.executable, "-c", CHILD, str(data_dir), PASSPHRASE], capture_output=True)
    assert result.returncode == 9, result.stderr.decode()

    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder(), drain=False) as store:
        assert store.get("semantic", "fact-1")["summary"] == "Pangolins eat ants"
        assert not store.vectors.has("semantic", "fact-1")
        assert store.vector_sync.pending() > 0

    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder()) as store:
        assert store.vectors.has("semantic", "fact-1")
        assert store.vector_sync.pending() == 0


def test_chroma_failure_keeps_the_outbox_for_later(store, monkeypatch):
    def chroma_down(self, items):
        raise ConnectionError("chroma server unreachable")

    monkeypatch.setattr(type(store.vectors), "upsert", chroma_down)
    memory_id = store.add("semantic", {"name": "Tapir", "summary": "Tapirs are shy"})
    assert store.vector_sync.pending() > 0
    assert [h.id for h in store.search("tapirs")] == [memory_id]  # full-text search still works

    monkeypatch.undo()
    store.sync_vectors()
    assert store.vectors.has("semantic", memory_id)
    assert store.vector_sync.pending() == 0
