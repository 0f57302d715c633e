"""The SQLite side of search: one FTS5 index over every searchable item, and the vector outbox."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from stores.timeutil import utcnow_iso

_WORD = re.compile(r"\w+", re.UNICODE)
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)


@dataclass(frozen=True)
class TextHit:
    """One full-text match with its BM25 score (lower is better, as FTS5 reports it)."""

    kind: str
    item_id: str
    bm25: float
    time: float | None


def fts_query(text: str) -> str | None:
    """An FTS5 OR-query of the words in ``text`` (stopwords dropped, each word quoted); None if no words."""
    words = [w.lower() for w in _WORD.findall(text)]
    kept = [w for w in words if w not in STOPWORDS] or words
    unique = list(dict.fromkeys(kept))
    return " OR ".join(f'"{w}"' for w in unique) if unique else None


def _filters(
    types: Sequence[str] | None, since: float | None, until: float | None, app: str | None
) -> tuple[str, list[object]]:
    sql, params = "", []
    if types:
        sql += f" AND d.kind IN ({','.join('?' * len(types))})"
        params.extend(types)
    if since is not None:
        sql += " AND d.time >= ?"
        params.append(since)
    if until is not None:
        sql += " AND d.time <= ?"
        params.append(until)
    if app:
        sql += " AND d.app = ?"
        params.append(app)
    return sql, params


class SearchIndex:
    """Full-text rows (search_doc + search_fts) and the outbox of vector work, inside the caller's transaction."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def index(self, kind: str, item_id: str, body: str, time: float | None, app: str | None) -> None:
        """Add or replace the full-text entry of an item and queue its vector upsert."""
        self.unindex(kind, item_id, queue_vector_delete=False)
        cursor = self._db.execute(
            "INSERT INTO search_doc (kind, item_id, time, app) VALUES (?, ?, ?, ?)", [kind, item_id, time, app]
        )
        self._db.execute("INSERT INTO search_fts (rowid, body) VALUES (?, ?)", [cursor.lastrowid, body])
        self.queue(kind, item_id, "upsert")

    def unindex(self, kind: str, item_id: str, queue_vector_delete: bool = True) -> None:
        """Remove an item's full-text entry; queue the removal of its vector."""
        row = self._db.execute(
            "SELECT doc_id FROM search_doc WHERE kind = ? AND item_id = ?", [kind, item_id]
        ).fetchone()
        if row is not None:
            self._db.execute("DELETE FROM search_fts WHERE rowid = ?", [row[0]])
            self._db.execute("DELETE FROM search_doc WHERE doc_id = ?", [row[0]])
        if queue_vector_delete:
            self.queue(kind, item_id, "delete")

    def queue(self, kind: str, item_id: str, op: str) -> None:
        self._db.execute(
            "INSERT INTO vector_outbox (kind, item_id, op, created_at) VALUES (?, ?, ?, ?)",
            [kind, item_id, op, utcnow_iso()],
        )

    def is_indexed(self, kind: str, item_id: str) -> bool:
        row = self._db.execute("SELECT 1 FROM search_doc WHERE kind = ? AND item_id = ?", [kind, item_id]).fetchone()
        return row is not None

    def search(
        self,
        query: str,
        k: int,
        types: Sequence[str] | None = None,
        since: float | None = None,
        until: float | None = None,
        app: str | None = None,
    ) -> list[TextHit]:
        """The k best BM25 matches of ``query`` that pass the filters."""
        match = fts_query(query)
        if match is None:
            return []
        where, params = _filters(types, since, until, app)
        inner_limit = "" if where else " LIMIT ?"
        rows = self._db.execute(
            "SELECT d.kind, d.item_id, f.score, d.time FROM ("
            "SELECT rowid, bm25(search_fts) AS score FROM search_fts WHERE search_fts MATCH ? "
            f"ORDER BY score{inner_limit}) f JOIN search_doc d ON d.doc_id = f.rowid "
            f"WHERE 1{where} ORDER BY f.score LIMIT ?",
            [match, *([] if where else [k]), *params, k],
        ).fetchall()
        return [TextHit(kind, item_id, score, time) for kind, item_id, score, time in rows]

    def count_matching(
        self, types: Sequence[str] | None, since: float | None, until: float | None, app: str | None
    ) -> int:
        """How many indexed items pass the filters."""
        where, params = _filters(types, since, until, app)
        return int(self._db.execute(f"SELECT count(*) FROM search_doc d WHERE 1{where}", params).fetchone()[0])

    def keys_matching(
        self, types: Sequence[str] | None, since: float | None, until: float | None, app: str | None
    ) -> list[tuple[str, str]]:
        """Every (kind, item_id) that passes the filters."""
        where, params = _filters(types, since, until, app)
        return [tuple(r) for r in self._db.execute(f"SELECT kind, item_id FROM search_doc d WHERE 1{where}", params)]

    def times(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], float | None]:
        """The indexed time of each (kind, item_id)."""
        out: dict[tuple[str, str], float | None] = {}
        for kind, item_id in keys:
            row = self._db.execute(
                "SELECT time FROM search_doc WHERE kind = ? AND item_id = ?", [kind, item_id]
            ).fetchone()
            if row is not None:
                out[(kind, item_id)] = row[0]
        return out
