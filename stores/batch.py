"""Apply a memorize batch: every memory write and the "done" mark of its observations in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

import sqlite_utils

from stores.errors import BatchAlreadyDone
from stores.memories import MemoryRepository
from stores.observations import ObservationInbox
from stores.timeutil import utcnow_iso

log = logging.getLogger(__name__)

ADD, UPDATE, DELETE, MERGE, SUPERSEDE, CORE_SET = "add", "update", "delete", "merge", "supersede", "core_set"


class StoredOp(Protocol):
    """One staged write (the agents' MemoryOp has these attributes)."""

    action: str
    type: str
    id: str
    record: Any
    sources: Sequence[str]
    drop_ids: Sequence[str]
    old_id: str


def commit_batch(
    db: sqlite_utils.Database,
    memories: MemoryRepository,
    inbox: ObservationInbox,
    ops: Sequence[StoredOp],
    observation_ids: Sequence[str],
) -> list[tuple[str, str]]:
    """Write every op and mark the observations done, all or nothing; returns (type, id) per op.

    Raises ``BatchAlreadyDone`` (writing nothing) when another run memorized any of the observations first,
    so two memorize runs at once (the app's and a client's) never store the same batch twice. A batch that lost
    observations while it was being memorized (the user forgot a time range meanwhile) writes nothing: its
    memories could carry what was forgotten. Its remaining observations stay pending and are memorized again.
    """
    written: list[tuple[str, str]] = []
    with db.atomic():
        if inbox.count_done(observation_ids):
            raise BatchAlreadyDone(f"{len(observation_ids)} observation(s) were memorized by another run meanwhile")
        if _lost_any(db, observation_ids):
            log.info("memorize batch dropped: some of its observations were forgotten meanwhile")
            return written
        for op in ops:
            written.append((op.type, _apply(db, memories, op)))
        inbox.mark_done(observation_ids)
    return written


def _lost_any(db: sqlite_utils.Database, observation_ids: Sequence[str]) -> bool:
    wanted = list(dict.fromkeys(observation_ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found = db.execute(f"SELECT count(*) FROM observation WHERE id IN ({marks})", chunk).fetchone()[0]
        if found < len(chunk):
            return True
    return False


def _apply(db: sqlite_utils.Database, repo: MemoryRepository, op: StoredOp) -> str:
    if op.action == ADD:
        return repo.add(op.type, {**op.record, "id": op.id} if op.id else op.record, op.sources)
    if op.action == UPDATE:
        repo.update(op.type, op.id, op.record, op.sources)
        return op.id
    if op.action == DELETE:
        repo.delete(op.type, op.id)
        return op.id
    if op.action == MERGE:
        with db.atomic():
            repo.merge(op.type, op.id, list(op.drop_ids), op.record)
            if op.sources:
                repo.update(op.type, op.id, {}, op.sources)
        return op.id
    if op.action == SUPERSEDE:
        record = {"valid_from": utcnow_iso(), **op.record}
        repo.update(op.type, op.old_id, {"valid_to": record["valid_from"]}, ())
        return repo.add(op.type, {**record, "id": op.id} if op.id else record, op.sources)
    if op.action == CORE_SET:
        existing = repo.core_by_label(op.record["label"])
        if existing is None:
            return repo.add("core", op.record, op.sources)
        repo.update("core", existing["id"], {"value": op.record["value"]}, op.sources)
        return existing["id"]
    raise ValueError(f"unknown memory op {op.action!r}")
