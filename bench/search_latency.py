"""Search latency (p50/p95) of the hybrid search at N stored items, with and without filters.

One command: ``.venv/bin/python bench/search_latency.py`` (10k and 100k items, LoCoMo vocabulary, 100 queries each).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from locomo_data import DEFAULT_DATA, load_samples  # noqa: E402

from stores.embedders import HashingEmbedder, MiniLMEmbedder  # noqa: E402
from stores.memory_store import MemoryStore  # noqa: E402
from stores.observations import NewObservation  # noqa: E402

PEOPLE = ["Ann", "Bob", "Chen", "Dara", "Emeka", "Farah", "Goran", "Hana", "Ivo", "Jules"]
TOPICS = [
    "billing migration",
    "quarterly report",
    "kubernetes upgrade",
    "holiday in Lisbon",
    "dentist appointment",
    "pull request review",
    "customer churn analysis",
    "new espresso machine",
    "marathon training plan",
    "tax return",
    "database failover",
    "design review of the login page",
    "birthday party for Mia",
    "flight to Tokyo",
    "guitar lessons",
    "rust borrow checker error",
    "onboarding a new hire",
    "budget spreadsheet",
]
VERBS = ["discussed", "read about", "wrote notes on", "searched for", "watched a video about", "emailed about"]
APPS = ["firefox", "code", "slack", "terminal", "thunderbird", "libreoffice"]
TYPES = ["episodic", "semantic", "resource", "procedural"]


class FastBulkEmbedder:
    """MiniLM for queries (one text at a time), hashed 384-d vectors for bulk population.

    HNSW query cost depends on the number and dimension of stored vectors, not their content, so this keeps
    a 100k-item build to minutes on 2 cores while every measured query still pays the real model's cost.
    """

    def __init__(self) -> None:
        self._real = MiniLMEmbedder()
        self._bulk = HashingEmbedder(self._real.dim)
        self.name, self.dim = self._real.name, self._real.dim

    def embed(self, texts):
        return self._real.embed(texts) if len(texts) == 1 else self._bulk.embed(texts)


class Vocabulary:
    """Sentences, speakers and queries: real LoCoMo turns recombined (default), or the tiny synthetic set."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        if kind == "locomo":
            samples = load_samples(DEFAULT_DATA)
            self.turns = [
                turn["text"]
                for sample in samples
                for key, session in sample["conversation"].items()
                if key.startswith("session_") and isinstance(session, list)
                for turn in session
            ]
            self.people = sorted({s["conversation"][k] for s in samples for k in ("speaker_a", "speaker_b")})
            self.questions = [q["question"] for s in samples for q in s["qa"]]
        else:
            self.people = PEOPLE

    def sentence(self, rng: random.Random) -> str:
        if self.kind == "locomo":  # the first half of one real turn and the second half of another
            a, b = rng.choice(self.turns).split(), rng.choice(self.turns).split()
            return " ".join(a[: max(1, len(a) // 2)] + b[len(b) // 2 :])
        who, what, verb = rng.choice(PEOPLE), rng.choice(TOPICS), rng.choice(VERBS)
        extra = " ".join(" ".join(rng.choice(TOPICS).split()[:2]) for _ in range(2))
        return f"{who} {verb} the {what} with {rng.choice(PEOPLE)}; also {extra} ({rng.randint(1, 9999)})"

    def query(self, rng: random.Random) -> str:
        if self.kind == "locomo":
            return rng.choice(self.questions)
        return f"when did {rng.choice(PEOPLE)} talk about the {rng.choice(TOPICS)}"


def populate(store: MemoryStore, n: int, rng: random.Random, vocab: Vocabulary) -> None:
    start = time.time()
    base = time.mktime((2024, 1, 1, 0, 0, 0, 0, 0, 0))
    n_obs = int(n * 0.7)
    batch, obs_ids = [], []
    for i in range(n_obs):
        when = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(base + i * 60))
        speaker, session = rng.choice(vocab.people), f"session-{i // 20}"
        batch.append(NewObservation("chat", f"msg-{i}", when, vocab.sentence(rng), speaker=speaker, session=session))
        if len(batch) == 2000:
            obs_ids += store.observations.add_many(batch)[0]
            batch.clear()
    obs_ids += store.observations.add_many(batch)[0]
    with store.transaction():
        for i in range(n - n_obs):
            when = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(base + i * 90))
            kind = TYPES[i % len(TYPES)]
            text = vocab.sentence(rng)
            record = {
                "episodic": {"summary": text, "occurred_at": when, "app": rng.choice(APPS)},
                "semantic": {"name": rng.choice(TOPICS), "summary": text, "valid_from": when},
                "resource": {"title": rng.choice(TOPICS), "summary": text, "uri": f"file:///doc/{i}.md"},
                "procedural": {"summary": text, "steps": ["open it", "do it", "check it"]},
            }[kind]
            first = (i * 8) % max(1, len(obs_ids) - 8)
            store.memories.add(kind, record, obs_ids[first : first + 8] if kind == "episodic" else ())
    print(f"  inserted {n} items in {time.time() - start:.1f}s; embedding...", file=sys.stderr)
    start = time.time()
    store.vector_sync.drain(batch_size=1024)
    print(f"  embedded and indexed in {time.time() - start:.1f}s", file=sys.stderr)


def _iso_at(store: MemoryStore, fraction: float) -> str:
    """The time with ``fraction`` of the stored items before it (by rank: undated items stamped now do not skew it)."""
    total = store._db.execute("SELECT count(*) FROM search_doc").fetchone()[0]
    (at,) = store._db.execute(
        "SELECT time FROM search_doc ORDER BY time LIMIT 1 OFFSET ?", [int(fraction * max(total - 1, 0))]
    ).fetchone()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at))


def measure(store: MemoryStore, rng: random.Random, n_queries: int, vocab: Vocabulary) -> dict[str, dict[str, float]]:
    middle = {"since": _iso_at(store, 0.35), "until": _iso_at(store, 0.65)}
    scenarios = {
        "no filter": {},
        "type filter": {"types": ["episodic", "semantic"]},
        "one type (semantic, 7.5%)": {"types": ["semantic"]},
        "type: observations": {"types": ["observation"]},
        "time range (middle 30%)": middle,
        "app": {"app": "slack"},
        "type+time": {"types": ["observation"], **middle},
        "time+app": {"since": _iso_at(store, 0.5), "app": "slack"},
        "type+time+app": {"types": ["episodic"], "since": _iso_at(store, 0.5), "app": "slack"},
    }
    out = {}
    for name, filters in scenarios.items():
        latencies = []
        for _ in range(n_queries):
            query = vocab.query(rng)
            start = time.perf_counter()
            store.search(query, k=10, **filters)
            latencies.append((time.perf_counter() - start) * 1000)
        first = latencies[0]  # this filter's first search: its items are counted (and listed when few) afresh
        latencies.sort()
        out[name] = {
            "first_ms": round(first, 1),
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(latencies[int(0.95 * len(latencies)) - 1], 1),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument(
        "--embedder",
        choices=["minilm", "fast-bulk", "hashing"],
        default="fast-bulk",
        help="minilm: real model for everything; fast-bulk: real model for queries, hashed bulk vectors",
    )
    parser.add_argument("--vocabulary", choices=["locomo", "synthetic"], default="locomo")
    parser.add_argument(
        "--no-reopen",
        dest="reopen",
        action="store_false",
        help="measure in the process that just wrote the items (Chroma may still be persisting its index)",
    )
    parser.add_argument("--out", type=Path, default=Path("bench/results/search_latency.json"))
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    embedder = {"minilm": MiniLMEmbedder, "fast-bulk": FastBulkEmbedder, "hashing": HashingEmbedder}[args.embedder]()
    vocab = Vocabulary(args.vocabulary)
    results = {
        "embedder": args.embedder,
        "vocabulary": args.vocabulary,
        "reopened_before_measuring": args.reopen,
        "load_average_at_start": os.getloadavg()[0],
        "machine": f"{platform.node()} {os.cpu_count()} cores, {platform.processor() or platform.machine()}",
    }
    for n in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"== {n} items", file=sys.stderr)
            store = MemoryStore.open(Path(tmp) / "data", passphrase="bench", embedder=embedder)
            populate(store, n, random.Random(n), vocab)
            if args.reopen:  # as a user has it: a memory built over weeks, opened this morning
                store.close()
                store = MemoryStore.open(Path(tmp) / "data", passphrase="bench", embedder=embedder)
            store.search("warm up the caches", k=10)
            results[str(n)] = measure(store, random.Random(1), args.queries, vocab)
            results[str(n)]["db_bytes"] = store.stats()["database_bytes"]
            store.close()
            print(json.dumps(results[str(n)]), file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
