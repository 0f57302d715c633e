"""The SQLite side of search: one FTS5 index over every searchable item, and the vector outbox."""

from __future__ import annotations

import re
import time as _time
from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from stores.fts_stemmer import FtsStemmer
from stores.query_time import time_spans
from stores.rows import chunks, rows_by_kind
from stores.timeutil import utcnow_iso

_WORD = re.compile(r"\w+", re.UNICODE)
CONTRACTION_ENDS = ["d", "ll", "m", "re", "s", "t", "ve"]  # "Caroline's", "don't": the tokenizer splits at the '
STOPWORDS = frozenset(
    [
        *CONTRACTION_ENDS,
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


CONTEXT_WEIGHT = 0.2  # a match in what a message replies to counts this much of one in the message itself
COMMON_SHARE = 0.08  # a word found in more than this share of all items says little and costs the most to score
COMMON_MIN_DOCS = 2000  # below this many items every word is cheap: keep them all
POSTINGS_BUDGET = 3000  # documents one query may score; the commonest words beyond it are left out
COUNT_EVERY_S = 5.0
# a list of ids is read through the (kind, item_id) index; without statistics (a store that grew since it was
# opened) SQLite would rather scan a whole kind in the covering (kind, time, item_id) index: 19 ms, not 1, at 100k
BY_ID = "INDEXED BY idx_search_doc_kind_item_id"
WORD_CACHE_MAX = 50_000


def query_words(text: str) -> list[str]:
    """The distinct lower-cased words of ``text``, stopwords dropped (all words if nothing else is left)."""
    words = [w.lower() for w in _WORD.findall(text)]
    kept = [w for w in words if w not in STOPWORDS] or words
    return list(dict.fromkeys(kept))


def write_full_text(db: sqlite_utils.Database, doc_id: int, body: str, context: str) -> None:
    """Store one item's full-text row: its own text and what it replies to (empty for most items)."""
    db.execute("INSERT INTO search_fts (rowid, body, context) VALUES (?, ?, ?)", [doc_id, body, context])


def fts_query(text: str) -> str | None:
    """An FTS5 OR-query of the words in ``text`` (stopwords dropped, each word quoted); None if no words."""
    unique = query_words(text)
    return " OR ".join(f'"{w}"' for w in unique) if unique else None


def _filters(
    types: Sequence[str] | None, since: float | None, until: float | None, app: str | None
) -> tuple[str, list[object]]:
    sql, params = "", list[object]()
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


def passes(
    kind: str,
    time: float | None,
    item_app: str | None,
    types: Sequence[str] | None,
    since: float | None,
    until: float | None,
    app: str | None,
) -> bool:
    """True when an item passes the filters, by the same rule as the SQL ones: an undated item fails a time bound."""
    return (
        (not types or kind in types)
        and (since is None or (time is not None and time >= since))
        and (until is None or (time is not None and time <= until))
        and (not app or item_app == app)
    )


class SearchIndex:
    """Full-text rows (search_doc + search_fts) and the outbox of vector work, inside the caller's transaction."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db
        self._stemmer = FtsStemmer()
        self._stem_of: dict[str, str | None] = {}
        self._docs_with: dict[str, int] = {}  # documents holding a stem, as counted at about ``_counted_total`` items
        self._counted_total = 0
        self._per_kind: tuple[dict[str, int], float] = ({}, -1e9)  # (items of each kind, when counted)

    def _stems(self, words: Sequence[str]) -> list[str | None]:
        """Each word as the FTS tokenizer indexes it (porter stem); words seen before come from memory."""
        new = [w for w in dict.fromkeys(words) if w not in self._stem_of]
        if new:
            if len(self._stem_of) > WORD_CACHE_MAX:
                self._stem_of.clear()
            self._stem_of.update(zip(new, self._stemmer.stems(new), strict=True))
        return [self._stem_of[w] for w in words]

    def informative_query(self, text: str) -> str | None:
        """The FTS5 query of ``text`` without words so common that they match a large share of all items."""
        words = query_words(text)
        if not words:
            return None
        total = self._item_count()
        if total >= COMMON_MIN_DOCS and len(words) > 1:
            counts = [
                (self._documents_with(stem, total), word) for word, stem in zip(words, self._stems(words), strict=True)
            ]
            # rarest first, until the documents to score would exceed the budget: the cost of a query stays bounded
            kept, postings = list[str](), 0
            for n, word in sorted(counts):
                if kept and (n > COMMON_SHARE * total or postings + n > POSTINGS_BUDGET):
                    break
                kept.append(word)
                postings += n
            words = [w for w in words if w in kept]
        return " OR ".join(f'"{w}"' for w in words)

    def _item_count(self) -> int:
        """How many items are indexed, re-counted at most every few seconds (it only sets the common-word cut)."""
        return sum(self._counts_by_kind().values())

    def _counts_by_kind(self) -> dict[str, int]:
        """How many items of each kind are indexed, as of at most a few seconds ago (one covering-index scan)."""
        counts, at = self._per_kind
        now = _time.monotonic()
        if now - at > COUNT_EVERY_S:
            counts = {
                kind: int(n) for kind, n in self._db.execute("SELECT kind, count(*) FROM search_doc GROUP BY kind")
            }
            self._per_kind = (counts, now)
        return counts

    def _documents_with(self, stem: str | None, total: int) -> int:
        """How many documents hold ``stem``; remembered until the index grows or shrinks by a tenth."""
        if stem is None:
            return 0
        if (
            abs(total - self._counted_total) > 0.1 * max(self._counted_total, 1)
            or len(self._docs_with) > WORD_CACHE_MAX
        ):
            self._docs_with.clear()
            self._counted_total = total
        if stem not in self._docs_with:
            row = self._db.execute("SELECT doc FROM search_vocab WHERE term = ? AND col = 'body'", [stem]).fetchone()
            self._docs_with[stem] = int(row[0]) if row else 0
        return self._docs_with[stem]

    def mentioning(self, keys: Sequence[tuple[str, str]], start: float, end: float) -> set[tuple[str, str]]:
        """Those of ``keys`` whose text mentions a date inside [start, end]."""
        sql = (
            "SELECT DISTINCT item_id FROM mentioned_time "
            "WHERE kind = ? AND item_id IN ({marks}) AND start <= ? AND end >= ?"
        )
        return {(kind, item_id) for kind, (item_id,) in rows_by_kind(self._db, keys, sql, [end, start])}

    def index(self, kind: str, item_id: str, body: str, time: float | None, app: str | None, context: str = "") -> None:
        """Add or replace the full-text entry of an item and queue its vector upsert.

        ``context`` is what the item replies to (see reply_context): matched too, at CONTEXT_WEIGHT.
        """
        self.unindex(kind, item_id, queue_vector_delete=False)
        cursor = self._db.execute(
            "INSERT INTO search_doc (kind, item_id, time, app) VALUES (?, ?, ?, ?)", [kind, item_id, time, app]
        )
        assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
        write_full_text(self._db, cursor.lastrowid, body, context)
        for _, (start, end) in time_spans(body, time) if time is not None else ():
            self._db.execute(
                "INSERT INTO mentioned_time (kind, item_id, start, end) VALUES (?, ?, ?, ?)",
                [kind, item_id, start, end],
            )
        self.queue(kind, item_id, "upsert")

    def set_context(self, kind: str, item_id: str, body: str, context: str) -> None:
        """Replace what an indexed item replies to (its body, dates and vector stay as they are)."""
        row = self._db.execute(
            "SELECT doc_id FROM search_doc WHERE kind = ? AND item_id = ?", [kind, item_id]
        ).fetchone()
        if row is not None:
            self._db.execute("DELETE FROM search_fts WHERE rowid = ?", [row[0]])
            write_full_text(self._db, row[0], body, context)

    def unindex(self, kind: str, item_id: str, queue_vector_delete: bool = True) -> None:
        """Remove an item's full-text entry; queue the removal of its vector."""
        row = self._db.execute(
            "SELECT doc_id FROM search_doc WHERE kind = ? AND item_id = ?", [kind, item_id]
        ).fetchone()
        if row is not None:
            self._db.execute("DELETE FROM search_fts WHERE rowid = ?", [row[0]])
            self._db.execute("DELETE FROM search_doc WHERE doc_id = ?", [row[0]])
        self._db.execute("DELETE FROM mentioned_time WHERE kind = ? AND item_id = ?", [kind, item_id])
        if queue_vector_delete:
            self.queue(kind, item_id, "delete")

    def queue(self, kind: str, item_id: str, op: str) -> None:
        self._db.execute(
            "INSERT INTO vector_outbox (kind, item_id, op, created_at) VALUES (?, ?, ?, ?)",
            [kind, item_id, op, utcnow_iso()],
        )

    def awaiting_vectors(self, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Those of ``keys`` whose vector is still waiting in the outbox (just written, not yet embedded)."""
        if not keys or self._db.execute("SELECT 1 FROM vector_outbox LIMIT 1").fetchone() is None:
            return set()
        wanted = set(keys)
        found: set[tuple[str, str]] = set()
        for chunk in chunks(list({item_id for _, item_id in wanted})):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT kind, item_id FROM vector_outbox WHERE op = 'upsert' AND item_id IN ({marks})", chunk
            )
            found.update(key for key in rows if tuple(key) in wanted)
        return {tuple(key) for key in found}  # type: ignore[misc]

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
        """The k best BM25 matches of ``query`` that pass the filters (very common words left out)."""
        match = self.informative_query(query)
        if match is None:
            return []
        where, params = _filters(types, since, until, app)
        inner_limit = "" if where else " LIMIT ?"
        rows = self._db.execute(
            "SELECT d.kind, d.item_id, f.score, d.time FROM ("
            "SELECT rowid, bm25(search_fts, 1.0, ?) AS score FROM search_fts WHERE search_fts MATCH ? "
            f"ORDER BY score{inner_limit}) f CROSS JOIN search_doc d ON d.doc_id = f.rowid "
            f"WHERE 1{where} ORDER BY f.score LIMIT ?",
            [CONTEXT_WEIGHT, match, *([] if where else [k]), *params, k],
        ).fetchall()
        return [TextHit(kind, item_id, score, time) for kind, item_id, score, time in rows]

    def count_matching(
        self,
        types: Sequence[str] | None,
        since: float | None,
        until: float | None,
        app: str | None,
        limit: int = -1,
    ) -> int:
        """How many indexed items pass the filters (counting stops at ``limit`` when it is not -1).

        A filter by type alone is answered from the per-kind counts of a few seconds ago: 70,000 observations
        take 7-20 ms to count, and the count only sizes the vector side's over-fetch.
        """
        if types and since is None and until is None and not app:
            return sum(self._counts_by_kind().get(kind, 0) for kind in types)
        where, params = _filters(types, since, until, app)
        sql = f"SELECT count(*) FROM (SELECT 1 FROM search_doc d WHERE 1{where} LIMIT ?)"
        return int(self._db.execute(sql, [*params, limit]).fetchone()[0])

    def change_stamp(self) -> tuple[int, int] | None:
        """A value that changes whenever the database does (another connection's commit, or one of ours).

        None inside an open transaction: what it has written may still be rolled back.
        """
        if self._db.conn.in_transaction:
            return None
        (version,) = self._db.execute("PRAGMA data_version").fetchone()
        return int(version), int(self._db.conn.total_changes)

    def keys_matching(
        self, types: Sequence[str] | None, since: float | None, until: float | None, app: str | None
    ) -> list[tuple[str, str]]:
        """Every (kind, item_id) that passes the filters."""
        where, params = _filters(types, since, until, app)
        return [tuple(r) for r in self._db.execute(f"SELECT kind, item_id FROM search_doc d WHERE 1{where}", params)]

    def passing(
        self,
        keys: Sequence[tuple[str, str]],
        types: Sequence[str] | None,
        since: float | None,
        until: float | None,
        app: str | None,
    ) -> set[tuple[str, str]]:
        """Those of ``keys`` that pass the filters (the vector side's unfiltered neighbours, checked here)."""
        if types:
            keys = [key for key in keys if key[0] in types]
        sql = f"SELECT item_id, time, app FROM search_doc {BY_ID} WHERE kind = ? AND item_id IN ({{marks}})"
        return {
            (kind, item_id)
            for kind, (item_id, time, item_app) in rows_by_kind(self._db, keys, sql)
            if passes(kind, time, item_app, types, since, until, app)
        }

    def times(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], float | None]:
        """The indexed time of each (kind, item_id)."""
        sql = f"SELECT item_id, time FROM search_doc {BY_ID} WHERE kind = ? AND item_id IN ({{marks}})"
        return {(kind, item_id): time for kind, (item_id, time) in rows_by_kind(self._db, keys, sql)}
