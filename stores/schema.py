"""Schema of the memory database, applied as sqlite-utils migrations."""

from __future__ import annotations

import logging

import sqlite_utils
from sqlite_utils.migrations import Migrations

from stores.full_text_rebuild import rebuild_full_text
from stores.memory_types import MEMORY_TYPES
from stores.timeutil import utcnow_iso

log = logging.getLogger(__name__)

migrations = Migrations("mirix-app")

COMMON_COLUMNS: dict[str, type] = {"id": str, "created_at": str, "updated_at": str, "version": int}


@migrations()
def m001_observations(db: sqlite_utils.Database) -> None:
    db["observation"].create(
        {
            "id": str,
            "source_id": str,
            "kind": str,
            "time": str,
            "time_epoch": float,
            "speaker": str,
            "text": str,
            "app": str,
            "title": str,
            "session": str,
            "monitor": int,
            "image_caption": str,
            "frame_file": str,
            "status": str,
            "attempts": int,
            "next_attempt_at": float,
            "last_error": str,
            "created_at": str,
            "meta": str,
        },
        pk="id",
        not_null={"source_id", "kind", "time", "time_epoch", "status"},
        defaults={"status": "pending", "attempts": 0},
    )
    db["observation"].create_index(["source_id"], unique=True)
    db["observation"].create_index(["status", "time_epoch"])
    db["observation"].create_index(["time_epoch"])


@migrations()
def m002_memories(db: sqlite_utils.Database) -> None:
    for mtype in MEMORY_TYPES.values():
        columns: dict[str, type] = dict(COMMON_COLUMNS)
        for name, kind in mtype.fields.items():
            columns[name] = str if kind is list else kind
        db[mtype.table].create(columns, pk="id", not_null={"created_at", "updated_at", "version"})
        db[mtype.table].create_index(["updated_at"])
    db["memory_core"].create_index(["label"], unique=True)
    db["provenance"].create(
        {"memory_type": str, "memory_id": str, "observation_id": str},
        pk=("memory_type", "memory_id", "observation_id"),
    )
    db["provenance"].create_index(["observation_id"])
    db["memory_history"].create(
        {
            "history_id": int,
            "memory_type": str,
            "memory_id": str,
            "version": int,
            "action": str,
            "changed_at": str,
            "record": str,
        },
        pk="history_id",
    )
    db["memory_history"].create_index(["memory_type", "memory_id"])


@migrations()
def m003_search_index(db: sqlite_utils.Database) -> None:
    db["search_doc"].create(
        {"doc_id": int, "kind": str, "item_id": str, "time": float, "app": str},
        pk="doc_id",
        not_null={"kind", "item_id"},
    )
    db["search_doc"].create_index(["kind", "item_id"], unique=True)
    db["search_doc"].create_index(["time"])
    db.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "body, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2')"
    )
    db["vector_outbox"].create(
        {"seq": int, "kind": str, "item_id": str, "op": str, "created_at": str},
        pk="seq",
        not_null={"kind", "item_id", "op"},
    )


@migrations()
def m010_frame_vectors(db: sqlite_utils.Database) -> None:
    """Image vectors of kept frames: the truth for the Chroma frame collection, re-pushed until indexed."""
    db["frame_vector"].create(
        {
            "observation_id": str,
            "model": str,
            "dim": int,
            "vector": bytes,
            "time_epoch": float,
            "app": str,
            "indexed": int,
        },
        pk="observation_id",
        not_null={"model", "dim", "vector", "indexed"},
        defaults={"indexed": 0},
    )
    db["frame_vector"].create_index(["indexed"])


@migrations()
def m020_llm_usage(db: sqlite_utils.Database) -> None:
    db["llm_usage"].create(
        {"id": int, "at": float, "purpose": str, "input_tokens": int, "output_tokens": int, "estimated": int},
        pk="id",
        not_null={"at", "input_tokens", "output_tokens"},
    )
    db["llm_usage"].create_index(["at"])


@migrations()
def m021_chat_threads(db: sqlite_utils.Database) -> None:
    db["chat_thread"].create(
        {"id": str, "title": str, "created_at": str, "updated_at": str}, pk="id", not_null={"created_at"}
    )
    db["chat_message"].create(
        {"id": int, "thread_id": str, "role": str, "content": str, "citations": str, "created_at": str},
        pk="id",
        not_null={"thread_id", "role", "created_at"},
    )
    db["chat_message"].create_index(["thread_id", "id"])


@migrations()
def m030_search_context(db: sqlite_utils.Database) -> None:
    """Thread neighbours (same chat session, same app) by time, and the dates a text mentions."""
    db["observation"].create_index(["session", "time_epoch"], if_not_exists=True)
    db["observation"].create_index(["app", "time_epoch"], if_not_exists=True)
    db["mentioned_time"].create(
        {"kind": str, "item_id": str, "start": float, "end": float}, not_null={"kind", "item_id", "start", "end"}
    )
    db["mentioned_time"].create_index(["kind", "item_id"])
    db["mentioned_time"].create_index(["start"])
    db.execute("CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row')")


@migrations()
def m031_content_hash(db: sqlite_utils.Database) -> None:
    """An imported file's content hash, so its source id can be its name and the same content still adds nothing."""
    db["observation"].add_column("content_hash", str)
    db["observation"].create_index(["content_hash"])


@migrations()
def m040_chat_thread_lifecycle(db: sqlite_utils.Database) -> None:
    """When a conversation was last opened (the one restored at start) and deleted (undo until purged)."""
    db["chat_thread"].add_column("opened_at", str)
    db["chat_thread"].add_column("deleted_at", str)
    db["chat_thread"].create_index(["updated_at"], if_not_exists=True)


@migrations()
def m041_search_filter_indexes(db: sqlite_utils.Database) -> None:
    """Filtered searches count and list their items from an index alone (see refresh_planner_statistics)."""
    db["search_doc"].create_index(["kind", "time", "item_id"], if_not_exists=True)
    db["search_doc"].create_index(["app", "time", "kind", "item_id"], if_not_exists=True)
    db["search_doc"].create_index(["time", "kind", "item_id"], if_not_exists=True)
    db.execute("DROP INDEX IF EXISTS idx_search_doc_time")  # the one above covers what it served


@migrations()
def m050_provenance_agreement(db: sqlite_utils.Database) -> None:
    """How much each source resembles the memory made from it (their vectors' cosine), measured by the vector sync.

    Existing memories are queued to be measured; their vectors are read back, not embedded again.
    """
    db["provenance"].add_column("agreement", float)
    db.execute(
        "INSERT INTO vector_outbox (kind, item_id, op, created_at) "
        "SELECT DISTINCT p.memory_type, p.memory_id, 'measure', ? FROM provenance p "
        "JOIN search_doc d ON d.kind = p.memory_type AND d.item_id = p.memory_id",  # searchable ones have vectors
        [utcnow_iso()],
    )


@migrations()
def m060_reply_context(db: sqlite_utils.Database) -> None:
    """Full text gains a second column, what a chat message replies to; every item is indexed again.

    The word counts that drop very common query words count the message column alone, as before.
    """
    db.execute("DROP TABLE IF EXISTS search_vocab")
    db.execute("DROP TABLE IF EXISTS search_fts")
    db.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(body, context, content='', contentless_delete=1, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.execute("CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'col')")
    rebuild_full_text(db)


def migrate(db: sqlite_utils.Database) -> None:
    """Bring the database schema up to date, and the query planner's statistics."""
    migrations.apply(db)
    refresh_planner_statistics(db)


def refresh_planner_statistics(db: sqlite_utils.Database) -> None:
    """Let SQLite re-analyze tables that grew: without statistics it reads an id lookup through the wrong index.

    ``search_doc`` has an index by (kind, item_id) and one by (kind, time, item_id); knowing that a kind holds
    thousands of items makes the planner use the first for a list of ids (1 ms, not 19 ms at 100k items).
    ``analysis_limit`` keeps it to a sample, so this takes milliseconds even on a large database. It writes
    ``sqlite_stat1``; on a full disk (or a busy database) it is skipped, and opening goes on.
    """
    try:
        db.execute("PRAGMA analysis_limit = 400")
        db.execute("PRAGMA optimize = 0x10002")
    except Exception:  # noqa: BLE001 - statistics only speed queries up; nothing depends on them
        log.info("planner statistics not refreshed", exc_info=True)
