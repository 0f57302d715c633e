"""LoCoMo helpers for benchmarks: conversations as chat JSONL, questions, evidence ids, plain BM25."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "bench" / "data" / "locomo_dev.json"
CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}
_WORD = re.compile(r"\w+")


def load_samples(path: Path = DEFAULT_DATA) -> list[dict[str, Any]]:
    """The LoCoMo samples in the file."""
    return json.loads(path.read_text(encoding="utf-8"))


def kept_dir(kept: Path, sample: dict[str, Any]) -> Path:
    """A sample's data dir kept by ``locomo_recall.py --keep``; exits if it is missing (opening it would create it)."""
    folder = kept / sample["sample_id"]
    if not folder.is_dir():
        raise SystemExit(f"{folder} is not a kept data dir (run locomo_recall.py --keep first)")
    return folder


def session_time(text: str) -> datetime:
    """Parse LoCoMo's '1:56 pm on 8 May, 2023'."""
    return datetime.strptime(text.strip(), "%I:%M %p on %d %B, %Y")


def chat_lines(sample: dict[str, Any]) -> list[dict[str, Any]]:
    """One import-chat line per turn: its session's date as time (a second apart), dia_id as id."""
    conv = sample["conversation"]
    lines = []
    numbers = sorted(int(k.split("_")[1]) for k in conv if re.fullmatch(r"session_\d+", k))
    for n in numbers:
        start = session_time(conv[f"session_{n}_date_time"])
        for offset, turn in enumerate(conv[f"session_{n}"]):
            line = {
                "id": turn["dia_id"],
                "time": (start + timedelta(seconds=offset)).isoformat(),
                "speaker": turn["speaker"],
                "text": turn["text"],
                "session": f"session_{n}",
            }
            if turn.get("blip_caption"):
                line["image_caption"] = turn["blip_caption"]
            lines.append(line)
    return lines


def evidence_ids(raw: list[str]) -> list[str]:
    """Normalise LoCoMo's evidence ids ('D8:6; D9:17', 'D:11:26', 'D30:05' -> 'D8:6', 'D9:17', ...)."""
    out = []
    for item in raw:
        for part in re.split(r"[;,\s]+", item):
            match = re.fullmatch(r"D:?(\d+):0*(\d+)", part.strip())
            if match:
                out.append(f"D{match.group(1)}:{match.group(2)}")
    return out


def recall(evidence: list[str], retrieved_sources: list[list[str]], k: int) -> float:
    """Share of evidence ids found in the sources of the first k retrieved items."""
    found = {s for sources in retrieved_sources[:k] for s in sources}
    return sum(e in found for e in evidence) / len(evidence)


def recall_at_turns(evidence: list[str], retrieved_sources: list[list[str]], turns: int) -> float:
    """Share of evidence ids among the first ``turns`` distinct source turns the hits show, in hit order.

    A fair comparison with a one-turn-per-hit baseline: a hit that carries eight turns uses eight slots.
    """
    shown = list(dict.fromkeys(s for sources in retrieved_sources for s in sources))[:turns]
    return sum(e in shown for e in evidence) / len(evidence)


class PlainBM25:
    """Okapi BM25 (k1=1.2, b=0.75) over raw turns, lower-cased word tokens: the baseline to beat."""

    def __init__(self, docs: dict[str, str], k1: float = 1.2, b: float = 0.75) -> None:
        self.ids = list(docs)
        self.tokens = [_WORD.findall(docs[i].lower()) for i in self.ids]
        self.tf = [Counter(t) for t in self.tokens]
        self.avg = sum(len(t) for t in self.tokens) / max(len(self.tokens), 1)
        df = Counter(w for t in self.tf for w in t)
        n = len(self.ids)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}
        self.k1, self.b = k1, b

    def search(self, query: str, k: int) -> list[str]:
        words = _WORD.findall(query.lower())
        scores = []
        for i, tf in enumerate(self.tf):
            length = len(self.tokens[i])
            score = 0.0
            for w in words:
                if w in tf:
                    f = tf[w]
                    score += self.idf[w] * f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * length / self.avg))
            scores.append((score, i))
        scores.sort(reverse=True)
        return [self.ids[i] for s, i in scores[:k] if s > 0]


def turn_text(line: dict[str, Any]) -> str:
    """A raw turn as the baseline sees it: speaker, text and shared-image caption."""
    caption = f" [shared image: {line['image_caption']}]" if line.get("image_caption") else ""
    return f"{line['speaker']}: {line['text']}{caption}"


def write_llm_settings(data_dir: Path, base_url: str, model: str, mode: str | None = None) -> None:
    """A new data dir whose settings.json points memorize at an OpenAI-compatible server (MiniLM embedder)."""
    llm = {"provider": "openai_compatible", "base_url": base_url, "model": model}
    if mode:
        llm["memorize_mode"] = mode
    data_dir.mkdir(mode=0o700, parents=True)
    (data_dir / "settings.json").write_text(json.dumps({"llm": llm, "embedder": "minilm"}))
