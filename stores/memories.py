"""CRUD for the six memory types with version history, provenance links and search indexing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import sqlite_utils

from stores.errors import NotFoundError, ValidationError
from stores.field_cipher import FieldCipher
from stores.memory_types import SENSITIVITIES, MemoryType, memory_type, row_search_text
from stores.rows import fetch_dicts, fetch_one
from stores.search_index import SearchIndex
from stores.timeutil import normalize_iso, to_epoch, utcnow_iso

VAULT = "knowledge_vault"
SECRET_MASK = "••••••••"


class MemoryRepository:
    """Memories in, dicts out; each call is one transaction (nested calls become savepoints)."""

    def __init__(self, db: sqlite_utils.Database, index: SearchIndex, cipher: FieldCipher) -> None:
        self._db = db
        self._index = index
        self._cipher = cipher

    # -- writing -------------------------------------------------------------------------
    def add(self, type_name: str, record: Mapping[str, Any], sources: Sequence[str] = ()) -> str:
        """Insert a memory; ``sources`` are the observation ids it came from. Returns its id."""
        mtype = memory_type(type_name)
        row = self._validated(mtype, {**mtype.defaults, **record}, partial=False)
        now = utcnow_iso()
        memory_id = str(record.get("id") or uuid.uuid4().hex)
        row.update({"id": memory_id, "created_at": now, "updated_at": now, "version": 1})
        with self._db.atomic():
            self._db[mtype.table].insert(self._encrypt_secret(mtype, row))
            self._link_sources(mtype, memory_id, sources)
            self._reindex(mtype, row)
        return memory_id

    def update(
        self, type_name: str, memory_id: str, changes: Mapping[str, Any], sources: Sequence[str] = ()
    ) -> dict[str, Any]:
        """Change fields of a memory in place (same id); the previous version goes to history."""
        mtype = memory_type(type_name)
        with self._db.atomic():
            old = self._raw(mtype, memory_id)
            fields = self._validated(mtype, dict(changes), partial=True)
            self._record_history(mtype, old, "update")
            fields.update({"updated_at": utcnow_iso(), "version": int(old["version"]) + 1})
            self._db[mtype.table].update(memory_id, self._encrypt_secret(mtype, fields, memory_id))
            self._link_sources(mtype, memory_id, sources)
            self._reindex(mtype, self._raw(mtype, memory_id))
        return self.get(type_name, memory_id)

    def delete(self, type_name: str, memory_id: str) -> None:
        """Remove a memory, its full-text entry, its provenance links and (via the outbox) its vector."""
        mtype = memory_type(type_name)
        with self._db.atomic():
            old = self._raw(mtype, memory_id)
            self._record_history(mtype, old, "delete")
            self._db[mtype.table].delete(memory_id)
            self._db.execute("DELETE FROM provenance WHERE memory_type = ? AND memory_id = ?", [mtype.name, memory_id])
            if mtype.indexed:
                self._index.unindex(mtype.name, memory_id)

    def drop_sources(self, type_name: str, memory_id: str, observation_ids: Sequence[str]) -> None:
        """Unlink observations from a memory that keeps other sources (a forgotten range); history records it."""
        mtype = memory_type(type_name)
        with self._db.atomic():
            old = self._raw(mtype, memory_id)
            self._record_history(mtype, old, "forget")
            for obs_id in observation_ids:
                self._db.execute(
                    "DELETE FROM provenance WHERE memory_type = ? AND memory_id = ? AND observation_id = ?",
                    [mtype.name, memory_id, obs_id],
                )
            self._db[mtype.table].update(memory_id, {"updated_at": utcnow_iso(), "version": int(old["version"]) + 1})
            self._reindex(mtype, self._raw(mtype, memory_id))

    def merge(self, type_name: str, keep_id: str, drop_ids: Sequence[str], changes: Mapping[str, Any]) -> dict:
        """Fold ``drop_ids`` into ``keep_id``: the kept one gets ``changes`` and every source; the rest go."""
        mtype = memory_type(type_name)
        with self._db.atomic():
            sources = [s for drop in drop_ids for s in self.sources(mtype.name, drop)]
            for drop in drop_ids:
                self.delete(mtype.name, drop)
            return self.update(mtype.name, keep_id, changes, sources)

    # -- reading -------------------------------------------------------------------------
    def get(self, type_name: str, memory_id: str) -> dict[str, Any]:
        """A memory as a dict with its ``sources``; a vault secret is masked (use ``reveal``)."""
        mtype = memory_type(type_name)
        return self._public(mtype, self._raw(mtype, memory_id))

    def list_recent(self, type_name: str, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Memories of one type, most recently updated first."""
        mtype = memory_type(type_name)
        rows = fetch_dicts(
            self._db, f"SELECT * FROM {mtype.table} ORDER BY updated_at DESC LIMIT ? OFFSET ?", [limit, offset]
        )
        return [self._public(mtype, row) for row in rows]

    def get_many(self, type_name: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        mtype = memory_type(type_name)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = fetch_dicts(self._db, f"SELECT * FROM {mtype.table} WHERE id IN ({marks})", ids)
        return {row["id"]: self._public(mtype, row) for row in rows}

    def reveal(self, memory_id: str) -> str:
        """Decrypt one knowledge-vault secret: the only call that returns it."""
        row = self._raw(memory_type(VAULT), memory_id)
        return self._cipher.decrypt_text(row["secret_value"], context=memory_id)

    def history(self, type_name: str, memory_id: str) -> list[dict[str, Any]]:
        """Earlier versions of a memory, oldest first, each with its action and time."""
        mtype = memory_type(type_name)
        rows = fetch_dicts(
            self._db,
            "SELECT version, action, changed_at, record FROM memory_history "
            "WHERE memory_type = ? AND memory_id = ? ORDER BY history_id",
            [mtype.name, memory_id],
        )
        for row in rows:
            record = json.loads(row.pop("record"))
            if mtype.name == VAULT:
                record["secret_value"] = SECRET_MASK
            row["record"] = record
        return rows

    def sources(self, type_name: str, memory_id: str) -> list[str]:
        """Observation ids a memory came from."""
        rows = self._db.execute(
            "SELECT observation_id FROM provenance WHERE memory_type = ? AND memory_id = ? ORDER BY rowid",
            [memory_type(type_name).name, memory_id],
        ).fetchall()
        return [r[0] for r in rows]

    def count(self, type_name: str) -> int:
        return int(self._db[memory_type(type_name).table].count)

    def core_by_label(self, label: str) -> dict[str, Any] | None:
        row = fetch_one(self._db, "SELECT * FROM memory_core WHERE label = ?", [label])
        return None if row is None else self._public(memory_type("core"), row)

    # -- helpers -------------------------------------------------------------------------
    def _raw(self, mtype: MemoryType, memory_id: str) -> dict[str, Any]:
        row = fetch_one(self._db, f"SELECT * FROM {mtype.table} WHERE id = ?", [memory_id])
        if row is None:
            raise NotFoundError(f"{mtype.name} memory {memory_id} not found")
        return row

    def _public(self, mtype: MemoryType, row: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(row)
        for name in mtype.list_fields:
            out[name] = json.loads(out[name]) if out.get(name) else []
        if mtype.name == VAULT:
            out["secret_value"] = SECRET_MASK
        out["type"] = mtype.name
        out["sources"] = self.sources(mtype.name, out["id"])
        return out

    def _validated(self, mtype: MemoryType, record: dict[str, Any], partial: bool) -> dict[str, Any]:
        unknown = set(record) - set(mtype.fields) - {"id"}
        if unknown:
            raise ValidationError(f"{mtype.name} memory has no field(s) {', '.join(sorted(unknown))}")
        if not partial:
            missing = [f for f in mtype.required if not record.get(f)]
            if missing:
                raise ValidationError(f"{mtype.name} memory needs {', '.join(missing)}")
        out: dict[str, Any] = {}
        for name, value in record.items():
            if name == "id":
                continue
            out[name] = self._coerce(mtype, name, value)
        self._check_rules(mtype, out)
        return out

    @staticmethod
    def _coerce(mtype: MemoryType, name: str, value: Any) -> Any:
        kind = mtype.fields[name]
        if value is None:
            return None
        if kind is list:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list):
                raise ValidationError(f"{mtype.name}.{name} must be a list")
            return json.dumps([str(v) for v in value])
        if kind is int:
            try:
                return int(value)
            except (TypeError, ValueError):
                raise ValidationError(f"{mtype.name}.{name} must be a whole number") from None
        if name in ("occurred_at", "ended_at", "valid_from", "valid_to") and value:
            try:
                return normalize_iso(str(value))
            except ValueError:
                raise ValidationError(f"{mtype.name}.{name} must be an ISO-8601 time, got {value!r}") from None
        return str(value)

    @staticmethod
    def _check_rules(mtype: MemoryType, fields: Mapping[str, Any]) -> None:
        if mtype.name == VAULT and fields.get("sensitivity") not in (None, *SENSITIVITIES):
            raise ValidationError(f"sensitivity must be one of {', '.join(SENSITIVITIES)}")
        if mtype.name == "core" and "value" in fields:
            limit = int(fields.get("limit") or mtype.defaults["limit"])
            if len(fields["value"] or "") > limit:
                raise ValidationError(f"core memory value is longer than its limit of {limit} characters")

    def _encrypt_secret(self, mtype: MemoryType, fields: dict[str, Any], memory_id: str = "") -> dict[str, Any]:
        if mtype.name == VAULT and fields.get("secret_value") is not None:
            context = memory_id or fields["id"]
            fields = {**fields, "secret_value": self._cipher.encrypt_text(fields["secret_value"], context)}
        return fields

    def _link_sources(self, mtype: MemoryType, memory_id: str, sources: Sequence[str]) -> None:
        for obs_id in dict.fromkeys(sources):
            self._db.execute(
                "INSERT OR IGNORE INTO provenance (memory_type, memory_id, observation_id) VALUES (?, ?, ?)",
                [mtype.name, memory_id, obs_id],
            )

    def _record_history(self, mtype: MemoryType, old: Mapping[str, Any], action: str) -> None:
        record = {**old, "sources": self.sources(mtype.name, old["id"])}
        self._db["memory_history"].insert(
            {
                "memory_type": mtype.name,
                "memory_id": old["id"],
                "version": old["version"],
                "action": action,
                "changed_at": utcnow_iso(),
                "record": json.dumps(record),
            }
        )

    def _reindex(self, mtype: MemoryType, row: Mapping[str, Any]) -> None:
        if not mtype.indexed:
            return
        when = row.get(mtype.time_field) if mtype.time_field else None
        time = to_epoch(when) if when else self._source_time(mtype, row["id"]) or to_epoch(row["created_at"])
        self._index.index(mtype.name, row["id"], row_search_text(mtype, row), time, row.get("app"))

    def _source_time(self, mtype: MemoryType, memory_id: str) -> float | None:
        row = self._db.execute(
            "SELECT max(o.time_epoch) FROM provenance p JOIN observation o ON o.id = p.observation_id "
            "WHERE p.memory_type = ? AND p.memory_id = ?",
            [mtype.name, memory_id],
        ).fetchone()
        return row[0] if row else None
