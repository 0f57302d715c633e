"""Words stemmed the way the full-text index stems them: the same SQLite build, in a private in-memory database."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import sqlcipher3

TOKENIZER = "porter unicode61 remove_diacritics 2"  # the search index's own tokenizer (schema m003)


class FtsStemmer:
    """Runs the FTS5 porter tokenizer over query words; a plain in-memory database keeps it off the encrypted one."""

    def __init__(self) -> None:
        self._db = sqlcipher3.connect(":memory:", check_same_thread=False)  # no key: plain, and nothing on disk
        self._db.execute(f"CREATE VIRTUAL TABLE words USING fts5(w, tokenize='{TOKENIZER}')")
        self._db.execute("CREATE VIRTUAL TABLE tokens USING fts5vocab(words, instance)")
        self._lock = threading.Lock()

    def stems(self, words: Sequence[str]) -> list[str | None]:
        """The indexed form of each word (None for a word the tokenizer drops)."""
        with self._lock:
            self._db.execute("DELETE FROM words")
            self._db.execute("INSERT INTO words (rowid, w) VALUES (1, ?)", [" ".join(words)])
            found = [term for term, _ in self._db.execute("SELECT term, offset FROM tokens ORDER BY offset")]
            if len(found) != len(words):  # a word the tokenizer splits in two: one row per word instead
                self._db.execute("DELETE FROM words")
                self._db.executemany("INSERT INTO words (rowid, w) VALUES (?, ?)", enumerate(words, start=1))
                by_row = {row: term for term, row in self._db.execute("SELECT term, doc FROM tokens")}
                found = [by_row.get(row) for row in range(1, len(words) + 1)]
            self._db.execute("DELETE FROM words")
            return found
