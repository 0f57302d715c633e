"""How much LoCoMo evidence the product's ranking holds at 10, 20, 50 and 100 distinct turns (the re-ranking ceiling).

Command: ``.venv/bin/python bench/locomo_recall.py --memorize offline --keep /tmp/locomo-kept`` once, then
``.venv/bin/python bench/locomo_ceiling.py /tmp/locomo-kept``. Recall at 50 is what a perfect re-ranking of the top
50 could show at 10 turns, for a question with at most 10 evidence turns.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from locomo_data import CATEGORIES, DEFAULT_DATA, evidence_ids, kept_dir, load_samples, recall_at_turns

from stores.memory_store import MemoryStore

BUDGETS = (10, 20, 50, 100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kept", type=Path)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    passphrase = os.environ.get("MIRIX_PASSPHRASE", "locomo-bench")
    rows: list[tuple[int, list[float]]] = []
    for sample in load_samples(args.data):
        with MemoryStore.open(kept_dir(args.kept, sample), passphrase=passphrase) as store:
            for q in sample["qa"]:
                evidence = evidence_ids(q.get("evidence", []))
                if evidence:
                    shown = [h.sources for h in store.search(q["question"], k=max(BUDGETS))]
                    rows.append((q["category"], [recall_at_turns(evidence, shown, n) for n in BUDGETS]))
        print(f"  {sample['sample_id']} done", file=sys.stderr)
    groups = {CATEGORIES[c]: [r for cat, r in rows if cat == c] for c in sorted(CATEGORIES)}
    groups["overall (1-4)"] = [r for cat, r in rows if cat != 5]
    table = {name: [round(sum(c) / len(c), 3) for c in zip(*items, strict=True)] for name, items in groups.items()}
    print("| category | " + " | ".join(f"@{n} turns" for n in BUDGETS) + " |")
    print("|---|" + "---|" * len(BUDGETS))
    for name, cells in table.items():
        print(f"| {name} | " + " | ".join(f"{v:.3f}" for v in cells) + " |")
    if args.out:
        args.out.write_text(json.dumps({"budgets": BUDGETS, "recall": table}, indent=2))


if __name__ == "__main__":
    main()
