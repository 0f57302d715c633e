"""LoCoMo question answering through the product's own CLI (import-chat, memorize, ask), scored by an LLM judge.

Each dev conversation is imported into a fresh data dir, memorized (offline or with the configured LLM), and
every question of categories 1-4 is answered with `mirix-app ask --questions` (nothing is remembered from the
questions). Scores: token F1 against the gold answer (always), and LLM-judge accuracy when a judge endpoint is
given (the usual LoCoMo "J" score: CORRECT/WRONG from a model that sees question, gold and generated answer).

    # answers with a local OpenAI-compatible server (Ollama shown), judged by the same server
    .venv/bin/python bench/locomo_qa.py --base-url http://localhost:11434/v1 --model qwen2.5:7b-instruct \
        --memorize llm --out bench/results/locomo_qa.json
    # offline answers (ranked memories), F1 only
    .venv/bin/python bench/locomo_qa.py --memorize offline --no-judge

Environment: MIRIX_QA_JUDGE_BASE_URL / MIRIX_QA_JUDGE_MODEL override the judge endpoint (default: --base-url/--model);
OPENAI_API_KEY is used when the endpoint needs a key.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from locomo_data import CATEGORIES, DEFAULT_DATA, chat_lines, evidence_ids, load_samples

JUDGE_PROMPT = """You grade answers to questions about a long conversation.
Question: {question}
Gold answer: {gold}
Generated answer: {answer}
The generated answer is CORRECT if it states the same fact as the gold answer (wording, extra detail or a
different but equivalent date format are fine), WRONG otherwise. Reply with one word: CORRECT or WRONG."""
_WORD = re.compile(r"\w+")
NOT_MENTIONED = "Not mentioned in the conversation"


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("mirix-app")
    return subprocess.run([str(exe), "--data-dir", str(data_dir), *args], capture_output=True, text=True, check=False)


def token_f1(prediction: str, gold: str) -> float:
    pred, ref = Counter(_WORD.findall(prediction.lower())), Counter(_WORD.findall(str(gold).lower()))
    common = sum((pred & ref).values())
    if not common:
        return 0.0
    precision, recall = common / sum(pred.values()), common / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def make_judge(base_url: str | None, model: str | None):
    """A function (question, gold, answer) -> bool using an OpenAI-compatible chat endpoint, or None."""
    if not base_url:
        return None
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(
        base_url=base_url, model=model or "local-model", api_key=os.environ.get("OPENAI_API_KEY", "none"), temperature=0
    )

    def judge(question: str, gold: str, answer: str) -> bool:
        reply = llm.invoke(JUDGE_PROMPT.format(question=question, gold=gold, answer=answer)).content
        return "CORRECT" in str(reply).upper()

    return judge


def configure_llm(data_dir: Path, base_url: str, model: str) -> None:
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    settings = {"llm": {"provider": "openai_compatible", "base_url": base_url, "model": model}}
    (data_dir / "settings.json").write_text(json.dumps(settings))


def run_sample(sample: dict, workdir: Path, args: argparse.Namespace, judge) -> list[dict]:
    data_dir = workdir / sample["sample_id"]
    if args.base_url:
        configure_llm(data_dir, args.base_url, args.model)
    lines = chat_lines(sample)
    if args.sessions:
        lines = [line for line in lines if _session_of(line["id"]) <= args.sessions]
    chat_file = workdir / f"{sample['sample_id']}.jsonl"
    chat_file.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    for step in (["import-chat", str(chat_file)], ["memorize", "--until-empty", f"--{args.memorize}"]):
        result = cli(data_dir, *step)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{step[0]} failed: {result.stderr}")
        print(f"  {sample['sample_id']}: {result.stdout.strip()}", file=sys.stderr)
    imported = {line["id"] for line in lines}
    questions = [
        q
        for q in sample["qa"]
        if q.get("category") in args.categories
        and ("answer" in q or q.get("category") == 5)
        and set(evidence_ids(q.get("evidence") or [])) <= imported
    ][: args.limit]
    qfile = workdir / f"{sample['sample_id']}.questions.jsonl"
    qfile.write_text("\n".join(json.dumps({"id": str(i), "question": q["question"]}) for i, q in enumerate(questions)))
    flags = ["--offline"] if args.answer == "offline" else []
    result = cli(data_dir, "ask", "--questions", str(qfile), *flags)
    if result.returncode != 0:
        raise SystemExit(f"ask failed: {result.stderr}")
    answers = {row["id"]: row for row in map(json.loads, result.stdout.splitlines())}
    rows = []
    for i, q in enumerate(questions):
        answer = answers[str(i)]
        gold = str(q.get("answer", NOT_MENTIONED))
        row = {"category": q["category"], "f1": token_f1(answer["text"], gold), "mode": answer["mode"]}
        row["cited"] = bool(answer.get("citations"))
        if judge is not None:
            row["correct"] = judge(q["question"], gold, answer["text"])
        if args.verbose:
            got = answer["text"][:160]
            print(f"    [{q['category']}] {q['question']} | gold: {gold} | got: {got!r}", file=sys.stderr)
        rows.append(row)
    return rows


def _session_of(dia_id: str) -> int:
    match = re.match(r"D(\d+):", dia_id)
    return int(match.group(1)) if match else 0


def summarise(rows: list[dict]) -> dict:
    table = {}
    groups = {CATEGORIES[c]: [r for r in rows if r["category"] == c] for c in (1, 2, 3, 4, 5)}
    groups["overall (1-4)"] = [r for r in rows if r["category"] != 5]
    groups = {name: items for name, items in groups.items() if items}
    for name, items in groups.items():
        judged = [r["correct"] for r in items if "correct" in r]
        table[name] = {
            "n": len(items),
            "f1": round(sum(r["f1"] for r in items) / len(items), 3) if items else None,
            "judge_accuracy": round(sum(judged) / len(judged), 3) if judged else None,
            "cited": round(sum(r["cited"] for r in items) / len(items), 3) if items else 0.0,
        }
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--base-url", default=os.environ.get("MIRIX_TEST_LLM_BASE_URL"), help="OpenAI-compatible URL")
    parser.add_argument("--model", default=os.environ.get("MIRIX_TEST_LLM_MODEL", "local-model"))
    parser.add_argument("--memorize", choices=["offline", "llm"], default="llm")
    parser.add_argument("--answer", choices=["offline", "llm"], default=None, help="default: as --memorize")
    parser.add_argument("--no-judge", action="store_true", help="token F1 only")
    parser.add_argument("--limit", type=int, default=None, help="at most this many questions per conversation")
    parser.add_argument("--sessions", type=int, default=0, help="import only the first N sessions (0 = all)")
    parser.add_argument("--samples", type=int, default=0, help="only the first N conversations (0 = all)")
    parser.add_argument("--categories", type=int, nargs="+", default=[1, 2, 3, 4])
    parser.add_argument("--verbose", action="store_true", help="print every question, gold and answer")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.memorize == "llm" and not args.base_url:
        raise SystemExit("--memorize llm needs --base-url (or MIRIX_TEST_LLM_BASE_URL); use --memorize offline")
    args.answer = args.answer or args.memorize
    os.environ.setdefault("MIRIX_PASSPHRASE", "locomo-bench")
    judge_url = os.environ.get("MIRIX_QA_JUDGE_BASE_URL", args.base_url)
    judge = None if args.no_judge else make_judge(judge_url, os.environ.get("MIRIX_QA_JUDGE_MODEL", args.model))
    started, rows = time.time(), []
    with tempfile.TemporaryDirectory() as tmp:
        for sample in load_samples(args.data)[: args.samples or None]:
            rows.extend(run_sample(sample, Path(tmp), args, judge))
    table = summarise(rows)
    model = args.model if args.base_url else "none"
    elapsed = time.time() - started
    print(
        f"machine: {platform.node()}, {os.cpu_count()} cores; memorize={args.memorize}; model={model}; {elapsed:.0f}s"
    )
    print("| category | n | token F1 | LLM-judge accuracy | cited |\n|---|---|---|---|---|")
    for name, row in table.items():
        accuracy = f"{row['judge_accuracy']:.3f}" if row["judge_accuracy"] is not None else "-"
        f1 = f"{row['f1']:.3f}" if row["f1"] is not None else "-"
        print(f"| {name} | {row['n']} | {f1} | {accuracy} | {row['cited']:.2f} |")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
