"""Screens recall: a generated screenshot set through import-frames (real OCR), memorize, search; R@1/R@5/R@10.

The screens, the questions and their answers are all written by this script (bench/screens_data.py), so the
numbers say how the product finds what was on screen, not how it does on screens and questions it never saw.
Command: ``.venv/bin/python bench/screens_recall.py``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from screens_data import build, render

KS = (1, 5, 10)


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("mirix-app")
    return subprocess.run([str(exe), "--data-dir", str(data_dir), *args], capture_output=True, text=True, check=False)


def write_set(folder: Path, seed: int):
    shots = build(seed)
    sidecars: dict[Path, list[str]] = {}
    for shot in shots.shots:
        path = folder / shot.name
        path.parent.mkdir(parents=True, exist_ok=True)
        render(shot).save(path)
        row = {"file": path.name, "time": shot.time.isoformat() + "Z", "app": shot.app, "title": shot.title}
        sidecars.setdefault(path.parent, []).append(json.dumps(row))
    for parent, rows in sidecars.items():
        (parent / "frames.jsonl").write_text("\n".join(rows) + "\n")
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--memorize", choices=["offline", "none"], default="offline")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("MIRIX_PASSPHRASE", "screens-bench")
    with tempfile.TemporaryDirectory() as tmp:
        folder, data_dir = Path(tmp) / "screens", Path(tmp) / "data"
        shots = write_set(folder, args.seed)
        # older versions cite an imported frame by its content hash: map those back to the file name
        by_hash = {
            "frame-import:" + hashlib.sha256((folder / s.name).read_bytes()).hexdigest()[:32]: s.name
            for s in shots.shots
        }
        started = time.time()
        result = cli(data_dir, "import-frames", str(folder))
        if result.returncode != 0:
            raise SystemExit(f"import-frames failed: {result.stderr}")
        imported = time.time() - started
        if args.memorize == "offline":
            cli(data_dir, "memorize", "--until-empty", "--offline")
        queries = Path(tmp) / "q.jsonl"
        queries.write_text(
            "\n".join(json.dumps({"id": str(i), "query": q.text}) for i, q in enumerate(shots.questions))
        )
        result = cli(data_dir, "search", "--queries", str(queries), "--k", str(max(KS)), "--json")
        if result.returncode != 0:
            raise SystemExit(f"search failed: {result.stderr}")
    answers = {row["id"]: row["hits"] for row in map(json.loads, result.stdout.splitlines())}
    table: dict[str, dict] = {}
    for kind in ("one-frame", "two-frame"):
        rows = [(i, q) for i, q in enumerate(shots.questions) if q.kind == kind]
        cells: dict[str, float] = {"n": len(rows)}
        for k in KS:
            found = []
            for i, q in rows:
                cited = [by_hash.get(s, s) for hit in answers[str(i)] for s in hit["sources"]]
                shown = list(dict.fromkeys(cited))[:k]
                found.append(all(f in shown for f in q.frames))
            cells[f"all@{k} frames"] = round(sum(found) / len(found), 3)
        table[kind] = cells
    print(f"{len(shots.shots)} screens, {len(shots.questions)} questions; import {imported:.0f}s ({args.memorize})")
    print("| questions | n | " + " | ".join(f"all@{k} frames" for k in KS) + " |")
    print("|---|---|" + "---|" * len(KS))
    for kind, cells in table.items():
        print(f"| {kind} | {cells['n']} | " + " | ".join(f"{cells[f'all@{k} frames']:.3f}" for k in KS) + " |")
    if args.out:
        args.out.write_text(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
