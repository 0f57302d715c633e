"""LoCoMo recall at 10 and 20 distinct turns with each ranking signal switched off, on data dirs kept by locomo_recall.

Command: ``.venv/bin/python bench/locomo_recall.py --memorize offline --keep /tmp/locomo-kept`` once, then
``.venv/bin/python bench/locomo_ablation.py /tmp/locomo-kept``. Searches run in-process through ``MemoryStore.search``
(the same call the CLI makes), with ``FusionWeights`` changed per variant.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path

from locomo_data import CATEGORIES, DEFAULT_DATA, evidence_ids, kept_dir, load_samples, recall_at_turns

from stores.hybrid_search import FusionWeights
from stores.memory_store import MemoryStore

VARIANTS = {
    "all signals (default)": {},
    "no memory prior (memories not lent to their turns)": {"source_prior": 0.0},
    "memory prior not weighted by agreement": {"agreement": False},
    "no thread neighbours": {"neighbour": 0.0},
    "no named-speaker boost": {"named": 0.0},
    "no context at all (scaled text + vector only)": {"context": False},
    "text only": {"vector": 0.0},
    "vector only": {"text": 0.0},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kept", type=Path)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    wanted = [v for v in VARIANTS if v in args.variants.split(",")]
    rows: dict[str, list[tuple[int, float, float]]] = {v: [] for v in wanted}
    for sample in load_samples(args.data):
        questions = [q for q in sample["qa"] if evidence_ids(q.get("evidence", []))]
        passphrase = os.environ.get("MIRIX_PASSPHRASE", "locomo-bench")
        with MemoryStore.open(kept_dir(args.kept, sample), passphrase=passphrase) as store:
            for variant in wanted:
                store.searcher.weights = dataclasses.replace(FusionWeights(), **VARIANTS[variant])
                for q in questions:
                    shown = [h.sources for h in store.search(q["question"], k=20)]
                    evidence = evidence_ids(q["evidence"])
                    rows[variant].append(
                        (q["category"], recall_at_turns(evidence, shown, 10), recall_at_turns(evidence, shown, 20))
                    )
        print(f"  {sample['sample_id']} done", file=sys.stderr)
    table = {}
    print("| variant | " + " | ".join(CATEGORIES[c] for c in sorted(CATEGORIES)) + " | overall (1-4) @10 | @20 |")
    print("|---|" + "---|" * (len(CATEGORIES) + 2))
    for variant, items in rows.items():
        cells: dict[str, float | None] = {}
        for c in sorted(CATEGORIES):
            got = [r10 for cat, r10, _ in items if cat == c]
            cells[CATEGORIES[c]] = round(sum(got) / len(got), 3) if got else None  # a sample may lack a category
        main_rows = [(r10, r20) for cat, r10, r20 in items if cat != 5]
        cells["overall@10"] = round(sum(r for r, _ in main_rows) / len(main_rows), 3)
        cells["overall@20"] = round(sum(r for _, r in main_rows) / len(main_rows), 3)
        table[variant] = cells
        print(f"| {variant} | " + " | ".join("-" if v is None else f"{v:.3f}" for v in cells.values()) + " |")
    if args.out:
        args.out.write_text(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
