"""search_memory latency (p50/p95) over MCP stdio at N stored items: what an assistant waits for each call.

One command: ``.venv/bin/python bench/mcp_latency.py`` (10k items, LoCoMo vocabulary, 100 queries, k=10);
``--pause 30`` waits between ``initialize`` and the first call, as an assistant would (the model loads meanwhile).

The store is built as in ``bench/search_latency.py`` (LoCoMo turns recombined, hashed bulk vectors, the real MiniLM
for every query). Then ``mirix-app mcp`` is started by the official MCP SDK's stdio client and each query is one
``tools/call search_memory`` round trip, timed at the client. Scenarios:

- ``in-process``: ``MemoryStore.search`` on the same store and queries (the floor);
- ``mcp (owner)``: the MCP server owns the memory itself (no desktop app running);
- ``mcp (client of an owner)``: a second MCP server that asks the first one over the owner socket.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "tests"))
from search_latency import FastBulkEmbedder, Vocabulary, populate  # noqa: E402

from stores.memory_store import MemoryStore  # noqa: E402

PASSPHRASE = "a bench passphrase"


def percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(0.95 * len(ordered)) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def timed_calls(call, queries: list[str]) -> list[float]:
    out = []
    for query in queries:
        start = time.perf_counter()
        call(query)
        out.append((time.perf_counter() - start) * 1000)
    return out


def server_env(runtime: Path, with_key: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIRIX_")}
    env.update(XDG_RUNTIME_DIR=str(runtime), PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    if with_key:
        env["MIRIX_PASSPHRASE"] = PASSPHRASE
    return env


def main() -> None:
    from mcp_helpers import mcp_session

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--vocabulary", choices=["locomo", "synthetic"], default="locomo")
    parser.add_argument(
        "--pause", type=float, default=0.0, help="seconds between initialize and the first call (the model warms up)"
    )
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "mcp_latency.json")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    vocab = Vocabulary(args.vocabulary)
    queries = [vocab.query(random.Random(i)) for i in range(args.queries)]
    results: dict = {
        "items": args.items,
        "queries": args.queries,
        "k": 10,
        "vocabulary": args.vocabulary,
        "load_average_at_start": os.getloadavg()[0],
        "machine": f"{platform.node()} {os.cpu_count()} cores, {platform.processor() or platform.machine()}",
    }
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, runtime = Path(tmp) / "data", Path(tmp) / "run"
        runtime.mkdir(mode=0o700)
        print(f"== building {args.items} items", file=sys.stderr)
        store = MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=FastBulkEmbedder(), prefer_passphrase=True)
        populate(store, args.items, random.Random(args.items), vocab)
        store.search("warm up the caches", k=10)
        results["in-process"] = percentiles(timed_calls(lambda q: store.search(q, k=10), queries))
        store.close()
        print(json.dumps(results["in-process"]), file=sys.stderr)

        with contextlib.ExitStack() as stack:
            errlog = Path(tmp) / "mcp.err"
            started = time.perf_counter()
            owner = stack.enter_context(mcp_session(data_dir, server_env(runtime, True), errlog=errlog))
            results["mcp_initialize_s"] = round(time.perf_counter() - started, 2)
            time.sleep(args.pause)
            results["pause_before_first_call_s"] = args.pause
            started = time.perf_counter()
            owner.ok("search_memory", query="warm up: open the memory, load the model", k=10)
            results["mcp_first_call_s"] = round(time.perf_counter() - started, 2)  # opens the store, loads MiniLM

            def search_owner(query: str) -> None:
                assert owner.ok("search_memory", query=query, k=10)["hits"]

            results["mcp (owner)"] = percentiles(timed_calls(search_owner, queries))
            print(json.dumps(results["mcp (owner)"]), file=sys.stderr)

            client = stack.enter_context(mcp_session(data_dir, server_env(runtime, False), errlog=errlog))
            client.ok("search_memory", query="warm up the socket", k=10)

            def search_client(query: str) -> None:
                assert client.ok("search_memory", query=query, k=10)["hits"]

            results["mcp (client of an owner)"] = percentiles(timed_calls(search_client, queries))
            print(json.dumps(results["mcp (client of an owner)"]), file=sys.stderr)
    results["load_average_at_end"] = os.getloadavg()[0]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
