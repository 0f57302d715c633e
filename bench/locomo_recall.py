"""LoCoMo retrieval recall@k through the product's own CLI (import-chat, search), next to plain BM25."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from locomo_data import (
    CATEGORIES,
    DEFAULT_DATA,
    PlainBM25,
    chat_lines,
    evidence_ids,
    load_samples,
    recall,
    recall_at_turns,
    turn_text,
    write_llm_settings,
)

KS = (1, 5, 10, 20)


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("mirix-app")
    return subprocess.run([str(exe), "--data-dir", str(data_dir), *args], capture_output=True, text=True, check=False)


def run_sample(sample: dict, workdir: Path, args: argparse.Namespace) -> list[dict]:
    memorize = args.memorize
    data_dir = workdir / sample["sample_id"]
    if memorize == "llm":
        write_llm_settings(data_dir, args.base_url, args.model)
    lines = chat_lines(sample)
    chat_file = workdir / f"{sample['sample_id']}.jsonl"
    chat_file.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    started = time.time()
    result = cli(data_dir, "import-chat", str(chat_file))
    if result.returncode != 0:
        raise SystemExit(f"import-chat failed: {result.stderr}")
    if memorize:
        result = cli(data_dir, "memorize", "--until-empty", f"--{memorize}")
        if result.returncode != 0:
            raise SystemExit(f"memorize failed: {result.stderr}")
    print(f"  {sample['sample_id']}: {len(lines)} turns in {time.time() - started:.1f}s", file=sys.stderr)
    questions = [q for q in sample["qa"] if evidence_ids(q.get("evidence", []))]
    query_file = workdir / f"{sample['sample_id']}.queries.jsonl"
    query_file.write_text(
        "\n".join(json.dumps({"id": str(i), "query": q["question"]}) for i, q in enumerate(questions)) + "\n"
    )
    result = cli(data_dir, "search", "--queries", str(query_file), "--k", str(max(KS)), "--json")
    if result.returncode != 0:
        raise SystemExit(f"search failed: {result.stderr}")
    answers = {row["id"]: row["hits"] for row in map(json.loads, result.stdout.splitlines())}
    baseline = PlainBM25({line["id"]: turn_text(line) for line in lines})
    rows = []
    for i, q in enumerate(questions):
        evidence = evidence_ids(q["evidence"])
        ours = [hit["sources"] for hit in answers[str(i)]]
        bm25 = [[doc] for doc in baseline.search(q["question"], max(KS))]
        rows.append(
            {
                "category": q["category"],
                "ours": {k: recall(evidence, ours, k) for k in KS},
                "bm25": {k: recall(evidence, bm25, k) for k in KS},
                "ours_turns": {k: recall_at_turns(evidence, ours, k) for k in KS},
            }
        )
    return rows


def summarise(rows: list[dict]) -> dict:
    def mean(items: list[dict], system: str, k: int) -> float:
        return round(sum(r[system][k] for r in items) / len(items), 3) if items else float("nan")

    table = {}
    groups = {CATEGORIES[c]: [r for r in rows if r["category"] == c] for c in sorted(CATEGORIES)}
    groups["overall (1-4)"] = [r for r in rows if r["category"] != 5]
    for name, items in groups.items():
        table[name] = {
            "n": len(items),
            **{f"ours@{k}": mean(items, "ours", k) for k in KS},
            **{f"bm25@{k}": mean(items, "bm25", k) for k in KS},
            **{f"ours@{k}turns": mean(items, "ours_turns", k) for k in KS},
        }
    return table


def print_table(table: dict) -> None:
    columns = [f"ours@{k}" for k in KS] + [f"ours@{k}turns" for k in (10, 20)] + [f"bm25@{k}" for k in KS]
    print("| category | n | " + " | ".join(columns) + " |")
    print("|" + "---|" * (2 + len(columns)))
    for name, row in table.items():
        cells = [str(row["n"])] + [f"{row[c]:.3f}" for c in columns]
        print(f"| {name} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--memorize", choices=["offline", "llm"], default=None, help="run memorize before searching")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="keep data dirs here (locomo_ablation.py)")
    parser.add_argument("--base-url", default=os.environ.get("MIRIX_TEST_LLM_BASE_URL"), help="for --memorize llm")
    parser.add_argument("--model", default=os.environ.get("MIRIX_TEST_LLM_MODEL", "local-model"))
    args = parser.parse_args()
    if args.memorize == "llm" and not args.base_url:
        raise SystemExit("--memorize llm needs --base-url (or MIRIX_TEST_LLM_BASE_URL)")
    os.environ.setdefault("MIRIX_PASSPHRASE", "locomo-bench")
    rows = []
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for sample in load_samples(args.data):
            rows.extend(run_sample(sample, workdir, args))
    table = summarise(rows)
    print(f"machine: {platform.node()}, {os.cpu_count()} cores; memorize={args.memorize}; {time.time() - started:.0f}s")
    print_table(table)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
