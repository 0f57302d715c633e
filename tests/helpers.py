"""Small helpers shared by tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PASSPHRASE = "correct horse battery staple"


def all_bytes_under(root: Path) -> Iterator[tuple[Path, bytes]]:
    """Every file below ``root`` with its raw bytes."""
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path, path.read_bytes()


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file below ``root`` with its mode and bytes, to prove nothing was written."""
    return {str(p.relative_to(root)): (p.stat().st_mode, data) for p, data in all_bytes_under(root)}


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    """Write rows (dicts or raw strings) one per line."""
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def chat(msg_id: str, text: str, time: str = "2024-03-01T10:00:00", speaker: str = "Ann", **extra: Any) -> dict:
    """One chat-export line."""
    return {"id": msg_id, "time": time, "speaker": speaker, "text": text, **extra}
