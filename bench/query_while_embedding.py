"""How long a query waits for its vector in the desktop app's embedder while documents are being embedded.

Command: ``.venv/bin/python bench/query_while_embedding.py``. The app embeds text in a child process
(``stores.embedder_process``); an import or a reindex keeps it busy with batches of 64 documents. Compared: every
input through the child (before), and short inputs through the child's ONNX export opened in the app's process.
"""

from __future__ import annotations

import json
import statistics
import threading
import time

from stores.embedder_process import ProcessEmbedder

QUERY = "what did Caroline research?"
BATCH = ["a document about the quarterly report and the migration plan"] * 64


def measure(short_lane: bool, queries: int = 20) -> dict[str, float]:
    """Query latency idle and while another thread keeps the child embedding batches."""
    embedder = ProcessEmbedder()
    if not short_lane:
        embedder._short_lane = lambda: None  # type: ignore[method-assign]
    embedder.embed(["start the child"] * 8)
    embedder.embed(["warm up"])
    idle = []
    for _ in range(queries):
        start = time.perf_counter()
        embedder.embed([QUERY])
        idle.append((time.perf_counter() - start) * 1000)
    stop = threading.Event()

    def documents() -> None:
        while not stop.is_set():
            embedder.embed(BATCH)

    worker = threading.Thread(target=documents)
    worker.start()
    time.sleep(1.0)
    busy = []
    for _ in range(queries):
        start = time.perf_counter()
        embedder.embed([QUERY])
        busy.append((time.perf_counter() - start) * 1000)
        time.sleep(0.05)
    stop.set()
    worker.join()
    embedder.close()
    return {
        "idle_p50_ms": round(statistics.median(idle), 1),
        "busy_p50_ms": round(statistics.median(busy), 1),
        "busy_max_ms": round(max(busy), 1),
    }


def main() -> None:
    results = {"child only (before)": measure(False), "short lane (after)": measure(True)}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
