"""Memorize with a real model through the CLI: observations committed, memories per type, time and tokens.

Imports the first sessions of one dev-split LoCoMo conversation into a fresh data dir per mode and runs
`mirix-app memorize --until-empty --llm` against an OpenAI-compatible server (start one with scripts/local_llm.py):

    python3 scripts/local_llm.py start --model 1.5b --threads 2
    .venv/bin/python bench/memorize_llm.py --base-url http://127.0.0.1:8089/v1 \
        --model qwen2.5-coder-1.5b-instruct-q4_k_m --modes single_pass agents --out bench/results/memorize_llm.json
"""

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

from locomo_data import DEFAULT_DATA, chat_lines, load_samples, write_llm_settings


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("mirix-app")
    return subprocess.run([str(exe), "--data-dir", str(data_dir), *args], capture_output=True, text=True, check=False)


def first_sessions(sample: dict, sessions: int) -> list[dict]:
    """The chat lines of the conversation's first ``sessions`` sessions."""
    conv = sample["conversation"]
    wanted = {turn["dia_id"] for n in range(1, sessions + 1) for turn in conv.get(f"session_{n}", [])}
    return [line for line in chat_lines(sample) if line["id"] in wanted]


def run_mode(mode: str, lines: list[dict], args: argparse.Namespace, workdir: Path) -> dict:
    data_dir = workdir / mode
    write_llm_settings(data_dir, args.base_url, args.model, mode)
    chat_file = workdir / f"{mode}.jsonl"
    chat_file.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = cli(data_dir, "import-chat", str(chat_file))
    if result.returncode != 0:
        raise SystemExit(f"import-chat failed: {result.stderr}")
    started = time.perf_counter()
    result = cli(data_dir, "memorize", "--until-empty", "--llm")
    seconds = time.perf_counter() - started
    print(f"  {mode}: {result.stdout.strip()}", file=sys.stderr)
    stats = json.loads(cli(data_dir, "stats", "--json").stdout)
    observations = stats["observations"]
    usage = stats.get("llm_usage") or {}
    n = len(lines)
    return {
        "mode": mode,
        "observations": n,
        "committed": observations.get("done", 0),
        "pending": observations.get("pending", 0),
        "parked": observations.get("parked", 0),
        "memories": {k: v for k, v in stats["memories"].items() if v},
        "seconds": round(seconds, 1),
        "observations_per_minute": round(60 * observations.get("done", 0) / seconds, 1) if seconds else None,
        "prompt_tokens_per_observation": round(usage.get("input_tokens", 0) / n, 1),
        "completion_tokens_per_observation": round(usage.get("output_tokens", 0) / n, 1),
        "model_calls": usage.get("calls"),
        "summary": result.stdout.strip(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--base-url", default=os.environ.get("MIRIX_TEST_LLM_BASE_URL"))
    parser.add_argument("--model", default=os.environ.get("MIRIX_TEST_LLM_MODEL", "local-model"))
    parser.add_argument("--modes", nargs="+", default=["single_pass", "agents"])
    parser.add_argument("--sample", type=int, default=0, help="which dev conversation (index)")
    parser.add_argument("--sessions", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if not args.base_url:
        raise SystemExit("give --base-url (or MIRIX_TEST_LLM_BASE_URL)")
    os.environ.setdefault("MIRIX_PASSPHRASE", "memorize-bench")
    sample = load_samples(args.data)[args.sample]
    lines = first_sessions(sample, args.sessions)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mode in args.modes:
            rows.append(run_mode(mode, lines, args, Path(tmp)))
    print(f"machine: {platform.node()}, {os.cpu_count()} cores; model={args.model}; {sample['sample_id']}")
    print("| mode | committed | memories | s | obs/min | prompt tok/obs | completion tok/obs |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        memories = ", ".join(f"{v} {k}" for k, v in sorted(r["memories"].items()))
        print(
            f"| {r['mode']} | {r['committed']}/{r['observations']} | {memories} | {r['seconds']} "
            f"| {r['observations_per_minute']} | {r['prompt_tokens_per_observation']} "
            f"| {r['completion_tokens_per_observation']} |"
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"model": args.model, "sample": sample["sample_id"], "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
