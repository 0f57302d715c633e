"""The text embedder in its own process gives the same vectors as in the app's process, and stops with it."""

from __future__ import annotations

import numpy as np

from stores.embedder_process import ProcessEmbedder


def test_same_vectors_as_in_process_and_the_child_stops_on_close(minilm):
    texts = ["Flight to Lisbon booked for Friday", "plane trip", "", "Dentist on Monday", "tooth", "x"]  # a batch
    embedder = ProcessEmbedder()
    try:
        vectors = embedder.embed(texts)
        process = embedder._process
        assert process.pid != __import__("os").getpid() and process.is_alive()
    finally:
        embedder.close()
    assert np.allclose(vectors, minilm.embed(texts), atol=1e-5)
    assert vectors.shape == (6, embedder.dim) and embedder.name == minilm.name
    process.join(5)
    assert not process.is_alive(), "the embedder process ends with close()"
    assert embedder.embed([]).shape == (0, 384)


SHORT_LANE_CHILD = """
import json, sys, threading, time
from stores.embedder_process import ProcessEmbedder

embedder = ProcessEmbedder()
embedder.embed(["the child starts, loads the model and exports it for short inputs"])
long_batch = ["a long document about the quarterly report and the migration plan"] * 2000
busy = threading.Thread(target=embedder.embed, args=(long_batch,))
busy.start()  # the child is now busy for seconds with a batch of documents
time.sleep(0.5)
query = embedder.embed(["flight to Lisbon"])
answered_while_busy = busy.is_alive()
busy.join()
embedder.close()
print(json.dumps({"query": query[0].tolist(), "while_busy": answered_while_busy, "torch": "torch" in sys.modules}))
"""


def test_a_query_is_answered_here_while_the_child_embeds_a_long_batch_with_the_same_vector(minilm, tmp_path):
    import json
    import os
    import subprocess
    import sys

    minilm.embed(["make sure the export exists in this cache"])  # the tests' shared model cache
    run = subprocess.run([sys.executable, "-c", SHORT_LANE_CHILD], capture_output=True, text=True, env=os.environ)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["while_busy"], "the query did not wait for the child's batch of 2,000 documents"
    assert not result["torch"], "the app's process answered without loading torch"
    assert np.allclose(result["query"], minilm.embed(["flight to Lisbon"])[0], atol=1e-4)
