"""Many CLI clients against one owner: N processes issue searches and imports for a while; req/s, p95, errors.

The owner is the real desktop app, offscreen, with the data dir unlocked; every client request is a real
``mirix-app`` process that finds the app on the owner socket and runs its command there.

    .venv/bin/python bench/concurrency.py --clients 4 --seconds 60 --embedder minilm
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = "a bench passphrase"
WORDS = [
    *("billing", "migration", "quarterly", "report", "kubernetes", "upgrade"),
    *("lisbon", "holiday", "dentist", "espresso", "marathon", "tax"),
]


def owner_main(data_dir: Path, embedder: str) -> int:
    """The owner process: the desktop app offscreen, unlocked, serving clients until SIGTERM."""
    import signal

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from mirix_app.cli.owner_service import RunHandler
    from mirix_app.desktop.integration import claim_instance
    from mirix_app.gui.run import build_gui, run_until_quit
    from mirix_app.gui.services import Factories
    from mirix_app.settings import Settings

    app = QApplication(sys.argv[:1])
    instance = claim_instance(data_dir, [])
    assert instance is not None
    gui = build_gui(data_dir, Settings(embedder=embedder), Factories(chat_model=lambda _s: None), qt_app=app)
    gui.bridges.session.models_ready.connect(lambda _m: print("READY", flush=True))  # noqa: T201
    QTimer.singleShot(0, lambda: gui.bridges.session.on_unlock(PASSPHRASE))
    signal.signal(signal.SIGTERM, lambda *_: QTimer.singleShot(0, app.quit))
    pump = QTimer()
    pump.start(200)  # let Python see the signal while Qt waits
    return run_until_quit(app, gui, instance, RunHandler)


def seed_file(path: Path, prefix: str, count: int) -> Path:
    rng = random.Random(prefix)
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            text = f"{prefix} note {n}: " + " ".join(rng.choice(WORDS) for _ in range(12))
            row = {"id": f"{prefix}-{n}", "time": f"2024-03-{1 + n % 28:02d}T10:00:00", "speaker": "Ann", "text": text}
            handle.write(json.dumps(row) + "\n")
    return path


def client(data_dir: Path, env: dict, work: Path, stop_at: float, worker: int, results: list, imports: float) -> None:
    """One client loop: a search, or (share ``imports``) an import of 20 new messages, until the deadline."""
    rng = random.Random(worker)
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        if rng.random() < imports:
            kind = "import"
            args = ["import-chat", str(seed_file(work / f"w{worker}-{n}.jsonl", f"w{worker}b{n}", 20))]
        else:
            kind = "search"
            args = ["search", " ".join(rng.sample(WORDS, 2)), "--k", "5", "--json"]
        start = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "mirix_app.cli", "--data-dir", str(data_dir), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        took = time.monotonic() - start
        results.append((kind, took, done.returncode, done.stderr.strip()[-300:] if done.returncode else ""))


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) >= 2 else (values[0] if values else 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=2000, help="messages stored before the run")
    parser.add_argument("--imports", type=float, default=0.2, help="share of requests that are imports")
    parser.add_argument("--embedder", default="minilm", choices=["minilm", "hashing"])
    parser.add_argument("--owner", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.owner:
        return owner_main(Path(args.owner), args.embedder)

    work = Path(tempfile.mkdtemp(prefix="mirix-concurrency-"))
    runtime = work / "run"
    runtime.mkdir(mode=0o700)
    data_dir = work / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIRIX_")}
    env.update(
        XDG_RUNTIME_DIR=str(runtime),
        PYTHONPATH=str(ROOT),
        QT_QPA_PLATFORM="offscreen",
        MIRIX_EMBEDDER=args.embedder,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    seeding = subprocess.run(
        [
            sys.executable,
            "-m",
            "mirix_app.cli",
            "--data-dir",
            str(data_dir),
            "import-chat",
            str(seed_file(work / "seed.jsonl", "seed", args.seed)),
        ],
        env={**env, "MIRIX_PASSPHRASE": PASSPHRASE},
        capture_output=True,
        text=True,
    )
    assert seeding.returncode == 0, seeding.stderr
    owner = subprocess.Popen(
        [sys.executable, __file__, "--owner", str(data_dir), "--embedder", args.embedder],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert owner.stdout is not None and owner.stdout.readline().strip() == "READY"
    results: list = []
    stop_at = time.monotonic() + args.seconds
    threads = [
        threading.Thread(target=client, args=(data_dir, env, work, stop_at, w, results, args.imports))
        for w in range(args.clients)
    ]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    owner.terminate()
    owner.wait(30)
    report(args, results, elapsed, owner.returncode)
    return 0


def report(args: argparse.Namespace, results: list, elapsed: float, owner_code: int) -> None:
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}")
    print(
        f"command: bench/concurrency.py --clients {args.clients} --seconds {args.seconds:g} "
        f"--seed {args.seed} --imports {args.imports} --embedder {args.embedder}"
    )
    print(f"requests: {len(results)} in {elapsed:.1f} s = {len(results) / elapsed:.2f} req/s; owner exit {owner_code}")
    for kind in ("search", "import", "all"):
        rows = [r for r in results if kind in ("all", r[0])]
        if not rows:
            continue
        times = sorted(r[1] for r in rows)
        errors = [r for r in rows if r[2] != 0]
        print(
            f"  {kind:<7} n={len(rows):>4}  p50 {statistics.median(times):.2f} s  p95 {percentile(times, 95):.2f} s  "
            f"max {times[-1]:.2f} s  errors {len(errors)}"
        )
        for row in errors[:3]:
            print(f"    error (exit {row[2]}): {row[3]}")


if __name__ == "__main__":
    sys.exit(main())
