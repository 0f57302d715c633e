"""Export memories to a JSON file and import such a file back, all or nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stores.errors import StoreError, UserFacingError
from stores.memory_store import MemoryStore
from stores.memory_types import MEMORY_TYPES
from stores.timeutil import utcnow_iso

FORMAT = "mirix-app-memories"
VERSION = 1
BOOKKEEPING = ("id", "created_at", "updated_at", "version", "type", "sources")


def _export_item(store: MemoryStore, type_name: str, memory_id: str, with_secrets: bool) -> dict[str, Any]:
    record = store.get(type_name, memory_id)
    fields = {k: v for k, v in record.items() if k in MEMORY_TYPES[type_name].fields}
    if type_name == "knowledge_vault":
        if with_secrets:
            fields["secret_value"] = store.reveal(memory_id)
        else:
            fields.pop("secret_value", None)
    return {
        "type": type_name,
        "id": memory_id,
        "created_at": record["created_at"],
        "fields": fields,
        "sources": store.source_ids(record["sources"]),
    }


def export_memories(
    store: MemoryStore, path: Path, selection: Sequence[tuple[str, str]] | None, with_secrets: bool = False
) -> int:
    """Write the selected (type, id) memories, or all of them, to ``path``; returns how many."""
    if selection is None:
        selection = [(t, r["id"]) for t in MEMORY_TYPES for r in store.memories.list_recent(t, limit=1_000_000)]
    items = [_export_item(store, t, i, with_secrets) for t, i in selection]
    doc = {"format": FORMAT, "version": VERSION, "exported_at": utcnow_iso(), "memories": items}
    tmp = Path(path).with_suffix(Path(path).suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(doc, handle, ensure_ascii=False, indent=1)
    os.replace(tmp, path)
    return len(items)


def read_export(path: Path) -> list[dict[str, Any]]:
    """The memories of an export file; a file that is not one raises UserFacingError naming what is wrong."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise UserFacingError(f"Cannot read {Path(path).name}: {error}") from error
    except ValueError as error:
        raise UserFacingError(f"{Path(path).name} is not valid JSON ({error}). Nothing was imported.") from error
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise UserFacingError(f"{Path(path).name} is not a mirix-app memory export. Nothing was imported.")
    items = doc.get("memories")
    if not isinstance(items, list):
        raise UserFacingError(f"{Path(path).name} has no list of memories. Nothing was imported.")
    for number, item in enumerate(items, start=1):
        ok = isinstance(item, dict) and item.get("type") in MEMORY_TYPES and isinstance(item.get("fields"), dict)
        if not ok:
            raise UserFacingError(f"Memory {number} in {Path(path).name} is malformed. Nothing was imported.")
    return items


def import_memories(store: MemoryStore, path: Path) -> tuple[int, int, int]:
    """Import an export file in one transaction: (added, already present, vault entries without their secret)."""
    items = read_export(path)
    added = present = no_secret = 0
    try:
        with store.transaction():
            for number, item in enumerate(items, start=1):
                type_name, fields = item["type"], dict(item["fields"])
                if type_name == "knowledge_vault" and not fields.get("secret_value"):
                    no_secret += 1
                    continue
                memory_id = str(item.get("id") or "")
                if memory_id and store.memories.get_many(type_name, [memory_id]):
                    present += 1
                    continue
                sources = _known_observations(store, item.get("sources") or [])
                try:
                    store.memories.add(type_name, {**fields, **({"id": memory_id} if memory_id else {})}, sources)
                except (StoreError, ValueError, TypeError) as error:
                    raise UserFacingError(
                        f"Memory {number} ({type_name}) is invalid: {error}. Nothing was imported."
                    ) from error
                added += 1
    finally:
        store.sync_vectors()
    return added, present, no_secret


def _known_observations(store: MemoryStore, source_ids: Sequence[Any]) -> list[str]:
    found = []
    for source_id in source_ids:
        obs_id = store.observation_id_for_source(str(source_id))
        if obs_id is not None:
            found.append(obs_id)
    return found
