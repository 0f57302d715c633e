"""Index every item's full text again, body and what it replies to: run when the full-text columns change."""

from __future__ import annotations

import logging

import sqlite_utils

from stores.memory_types import MEMORY_TYPES, OBSERVATION, observation_text, row_search_text
from stores.reply_context import replied_to
from stores.rows import chunks, fetch_dicts
from stores.search_index import write_full_text

log = logging.getLogger(__name__)


def rebuild_full_text(db: sqlite_utils.Database) -> int:
    """Fill an empty ``search_fts`` from the stored items of ``search_doc``; returns how many were indexed."""
    done = 0
    kinds = [r[0] for r in db.execute("SELECT DISTINCT kind FROM search_doc")]
    for kind in kinds:
        docs = dict(db.execute("SELECT item_id, doc_id FROM search_doc WHERE kind = ?", [kind]).fetchall())
        table = "observation" if kind == OBSERVATION else MEMORY_TYPES[kind].table if kind in MEMORY_TYPES else None
        if table is None:
            continue
        for chunk in chunks(list(docs)):
            marks = ",".join("?" * len(chunk))
            for row in fetch_dicts(db, f"SELECT * FROM {table} WHERE id IN ({marks})", chunk):
                if kind == OBSERVATION:
                    body, context = observation_text(row), replied_to(db, row)
                else:
                    body, context = row_search_text(MEMORY_TYPES[kind], row), ""
                write_full_text(db, docs[row["id"]], body, context)
                done += 1
    log.info("full text indexed again: %d items", done)
    return done
