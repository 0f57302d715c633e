"""The text embedder in its own process gives the same vectors as in the app's process, and stops with it."""

from __future__ import annotations

import numpy as np

from stores.embedder_process import ProcessEmbedder


def test_same_vectors_as_in_process_and_the_child_stops_on_close(minilm):
    texts = ["Flight to Lisbon booked for Friday", "plane trip", ""]
    embedder = ProcessEmbedder()
    try:
        vectors = embedder.embed(texts)
        process = embedder._process
        assert process.pid != __import__("os").getpid() and process.is_alive()
    finally:
        embedder.close()
    assert np.allclose(vectors, minilm.embed(texts), atol=1e-5)
    assert vectors.shape == (3, embedder.dim) and embedder.name == minilm.name
    process.join(5)
    assert not process.is_alive(), "the embedder process ends with close()"
    assert embedder.embed([]).shape == (0, 384)
