"""MemoryStore's named lookups: what callers outside stores/ ask of the database, so none of them runs SQL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from stores import memory_lookup
from stores.chat_threads import ChatThreads
from stores.frames import forget_frame_files
from stores.image_vectors import ImageVectorIndex
from stores.llm_usage import UsageLedger
from stores.rows import fetch_dicts

_RUN_FIELDS = ("kind", "session", "app", "title")  # what makes observations one run (chat session, or window)


class StoreLookups:
    """Read-mostly queries by name; mixed into MemoryStore, which owns the connection (``_db``)."""

    _db: sqlite_utils.Database
    chroma_client: Any

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything written inside commits together or not at all (nests with savepoints)."""
        with self._db.atomic():
            yield

    # -- observations ----------------------------------------------------------------------
    def recent_observations(self, limit: int) -> list[dict[str, Any]]:
        """The newest observations, newest first."""
        return fetch_dicts(self._db, "SELECT * FROM observation ORDER BY time_epoch DESC LIMIT ?", [limit])

    def observation_id_for_source(self, source_id: str) -> str | None:
        """The id of the observation with this source id (message or frame id), if stored."""
        row = self._db.execute("SELECT id FROM observation WHERE source_id = ?", [source_id]).fetchone()
        return row[0] if row is not None else None

    def frame_texts_since(self, since_epoch: float) -> list[tuple[str | None, str | None, str | None]]:
        """(app, title, OCR text) of the frames kept since a moment, oldest first."""
        rows = self._db.execute(
            "SELECT app, title, text FROM observation WHERE kind = 'frame' AND time_epoch >= ? ORDER BY time_epoch",
            [since_epoch],
        ).fetchall()
        return [tuple(r) for r in rows]

    def frames_between(self, start: float, end: float, limit: int) -> list[tuple[str, float, str | None, str | None]]:
        """(observation id, epoch, app, title) of frames kept in [start, end), oldest first."""
        rows = self._db.execute(
            "SELECT id, time_epoch, app, title FROM observation WHERE kind = 'frame' AND time_epoch >= ? "
            "AND time_epoch < ? ORDER BY time_epoch LIMIT ?",
            [start, end, limit],
        ).fetchall()
        return [tuple(r) for r in rows]

    def episodes_between(self, start: float, end: float) -> list[tuple[str, str, str | None, str, str | None]]:
        """(id, occurred_at, ended_at, summary, app) of episodic memories that may overlap [start, end) (epochs).

        Filtered in SQL on the ISO strings widened by a day each side (offsets differ by at most 14 h);
        the caller keeps its exact check.
        """
        day = 86400.0
        rows = self._db.execute(
            "SELECT id, occurred_at, ended_at, summary, app FROM memory_episodic "
            "WHERE occurred_at < ? AND coalesce(ended_at, occurred_at) >= ? ORDER BY occurred_at",
            [_iso(end + day), _iso(start - day)],
        ).fetchall()
        return [tuple(r) for r in rows]

    def known_apps(self, limit: int = 50) -> list[str]:
        """The apps that frames or memories were seen in, the most frequent first (for the search's app filter)."""
        rows = self._db.execute(
            "SELECT app FROM search_doc WHERE app IS NOT NULL AND app NOT IN ('', 'unknown') "
            "GROUP BY app ORDER BY count(*) DESC, app LIMIT ?",
            [limit],
        ).fetchall()
        return [r[0] for r in rows]

    def memories_from_observation(self, observation_id: str) -> list[tuple[str, str]]:
        """(type, id) of the memories made from one observation (provenance)."""
        rows = self._db.execute(
            "SELECT memory_type, memory_id FROM provenance WHERE observation_id = ?", [observation_id]
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def latest_memorized_like(
        self, same: Mapping[str, str], since_epoch: float, until_epoch: float
    ) -> dict[str, Any] | None:
        """The newest memorized observation in [since, until] whose fields equal ``same`` (a missing value is "")."""
        if not same or set(same) - set(_RUN_FIELDS):
            raise ValueError(f"a run is matched on {', '.join(_RUN_FIELDS)}, not {sorted(same)}")
        where = "".join(f" AND coalesce({name}, '') = ?" for name in same)
        rows = fetch_dicts(
            self._db,
            f"SELECT * FROM observation WHERE status = 'done' AND time_epoch >= ? AND time_epoch <= ?{where} "
            "ORDER BY time_epoch DESC, rowid DESC LIMIT 1",
            [since_epoch, until_epoch, *same.values()],
        )
        return rows[0] if rows else None

    def frame_counts(self) -> tuple[int, int]:
        """(frame observations, image vectors) stored."""
        frames = int(self._db.execute("SELECT count(*) FROM observation WHERE kind = 'frame'").fetchone()[0])
        vectors = 0
        if "frame_vector" in self._db.table_names():
            vectors = int(self._db.execute("SELECT count(*) FROM frame_vector").fetchone()[0])
        return frames, vectors

    def forget_frame_files(self, rel_paths: Sequence[str]) -> int:
        """Clear the frame file of observations whose frame was deleted (the observations stay)."""
        return forget_frame_files(self._db, rel_paths)

    # -- memories --------------------------------------------------------------------------
    def vault_entries(self) -> list[tuple[str, str, str]]:
        """(id, sensitivity, caption) of every knowledge-vault entry (never the secret)."""
        return memory_lookup.vault_entries(self._db)

    def kind_of(self, item_id: str) -> str | None:
        """The memory type (or ``observation``) of the item with this id; None when nothing has that id."""
        return memory_lookup.kind_of(self._db, item_id)

    def apps_between(self, start: float, end: float) -> list[tuple[str | None, int]]:
        """(app, how many observations) kept in [start, end) (epochs), busiest first."""
        return memory_lookup.apps_between(self._db, start, end)

    def recent_done_texts(self, before_epoch: float, limit: int = 50) -> list[str]:
        """Texts of the latest observations already memorized before a moment."""
        return memory_lookup.recent_done_texts(self._db, before_epoch, limit)

    def ids_with_field(self, type_name: str, field: str, value: str, limit: int = 5) -> list[str]:
        """Ids of memories of a type whose plain field equals a value (newest first)."""
        return memory_lookup.ids_with_field(self._db, type_name, field, value, limit)

    # -- helpers bound to this store's database ----------------------------------------------
    def usage_ledger(self) -> UsageLedger:
        """The LLM token ledger kept in this database."""
        return UsageLedger(self._db)

    def chat_threads(self) -> ChatThreads:
        """The chat threads kept in this database."""
        return ChatThreads(self._db)

    def image_index(self, model: str, dim: int) -> ImageVectorIndex:
        """The frame image vectors of one model: rows here, mirrored to a Chroma collection."""
        return ImageVectorIndex(self._db, self.chroma_client, model, dim)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()
