"""MemoryStore: opens the encrypted database and Chroma for a data dir and offers the store API."""

from __future__ import annotations

import contextlib
import hmac
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from stores import keys
from stores.batch import StoredOp, commit_batch
from stores.chroma_process import ProcessClient
from stores.database import open_encrypted
from stores.datadir import ensure_private_dir
from stores.embedders import MiniLMEmbedder, TextEmbedder
from stores.errors import DataDirError, NotFoundError, is_disk_full
from stores.field_cipher import FieldCipher
from stores.forget import ForgetReport, RangeForgetter
from stores.frames import remove_orphan_frames
from stores.hybrid_search import FusionWeights, HybridSearcher
from stores.llm_usage import UsageLedger
from stores.lookups import StoreLookups
from stores.memories import MemoryRepository
from stores.memory_types import (
    MEMORY_TYPES,
    OBSERVATION,
    memory_origin,
    memory_type,
    observation_origin,
    observation_text,
    search_text,
)
from stores.observations import ObservationInbox
from stores.rows import chunks, fetch_dicts, ids_by_kind
from stores.schema import migrate
from stores.search_context import SearchContext
from stores.search_index import SearchIndex
from stores.timeutil import to_epoch
from stores.vector_health import index_problem, requeue_everything, wipe_local_index
from stores.vector_sync import VectorSync
from stores.vectors import VectorIndex, make_client

log = logging.getLogger(__name__)

DB_FILE = "memory.db"
CREATING_FILE = "creating-memory"  # present only while a new database is being made
CHROMA_DIR = "chroma"


@dataclass
class SearchHit:
    """One search result: what it is, how well it matched, what to show, and where it came from."""

    type: str
    id: str
    score: float
    text: str
    sources: list[str] = field(default_factory=list)
    time: str | None = None
    observation_ids: list[str] = field(default_factory=list)
    app: str | None = None
    origin: str = ""  # where it was seen or said: an app, a speaker ("Slack", "Ann")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _open_vectors(
    db: Any, embedder: TextEmbedder, path: Path | None, url: str | None, in_subprocess: bool
) -> tuple[Any, str | None]:
    """The Chroma client, and what is wrong with its index (None when it reads and agrees with SQLite)."""
    client = None
    try:
        client = make_client(path, url, in_subprocess=in_subprocess)
        return client, index_problem(db, VectorIndex(client, embedder))
    except Exception as error:  # noqa: BLE001 - an unreadable index is rebuilt, never a reason to fail
        if path is None or is_disk_full(error):
            raise
        return client, f"unreadable ({type(error).__name__}: {str(error)[:200]})"


def _open_database(data_dir: Path, passphrase: str | None, prefer_passphrase: bool) -> tuple[Any, bytes]:
    db_path = data_dir / DB_FILE
    creating = data_dir / CREATING_FILE
    if creating.exists():  # a creation that died half-way (killed, disk full): nothing in it was ever reported
        log.warning("removing a half-created memory database left by an interrupted first start")
        _remove_database_files(data_dir)
        creating.unlink()
    info = keys.read_keyinfo(data_dir)
    if info is not None:
        key = keys.existing_key(info, passphrase)
        return open_encrypted(db_path, key), key
    if db_path.exists():
        raise DataDirError(f"{db_path} exists but {keys.KEYINFO_FILE} is missing: cannot tell how to unlock it.")
    key, info = keys.new_key(passphrase, prefer_passphrase)
    creating.touch(mode=0o600)
    try:
        db = open_encrypted(db_path, key)
        migrate(db)
        keys.write_keyinfo(data_dir, info)
    except BaseException:
        keys.forget_new_key(info)
        _remove_database_files(data_dir)
        raise
    creating.unlink()
    return db, key


def _remove_database_files(data_dir: Path) -> None:
    for leftover in data_dir.glob(DB_FILE + "*"):
        leftover.unlink()


class MemoryStore(StoreLookups):
    """The store's one face: memories, observations, hybrid search, named lookups and stats over one data dir.

    Its database connection is private (``_db``); callers use the named methods. Only the owner's one
    writer thread may call it.
    """

    def __init__(
        self,
        db: sqlite_utils.Database,
        master_key: bytes,
        embedder: TextEmbedder,
        chroma_client: Any,
        data_dir: Path | None = None,
    ) -> None:
        self._db = db
        self.data_dir = data_dir
        self.index = SearchIndex(db)
        self.memories = MemoryRepository(db, self.index, FieldCipher(keys.subkey(master_key, "vault fields")))
        self.observations = ObservationInbox(db, self.index)
        self.chroma_client = chroma_client
        self.vectors = VectorIndex(chroma_client, embedder)
        self.vector_sync = VectorSync(db, self.vectors, self._vector_source)
        self.searcher = HybridSearcher(self.index, self.vectors, context=SearchContext(db))
        self.frame_key = keys.subkey(master_key, "frame files")
        self.notices: list[str] = []  # what opening repaired, for the user to read
        self._vector_process = False
        self._chroma_path: Path | None = None
        self._open_transactions = 0  # transaction() blocks open: vector work waits for the outermost commit

    @classmethod
    def open(
        cls,
        data_dir: Path,
        passphrase: str | None = None,
        embedder: TextEmbedder | None = None,
        chroma_url: str | None = None,
        prefer_passphrase: bool = False,
        drain: bool = True,
        vector_process: bool = False,
    ) -> MemoryStore:
        """Unlock and open a data dir (creating it on first use); repairs unsynced vectors when ``drain``.

        The caller must own the data dir (``stores.owner_lock``). A vector index that cannot be read or has
        lost items is rebuilt from SQLite, and ``notices`` says so.
        """
        data_dir = ensure_private_dir(Path(data_dir))
        db, key = _open_database(data_dir, passphrase, prefer_passphrase)
        try:
            migrate(db)
            remove_orphan_frames(data_dir, db)
            embedder = embedder or MiniLMEmbedder()
            path = None if chroma_url else data_dir / CHROMA_DIR
            client, problem = _open_vectors(db, embedder, path, chroma_url, vector_process)
            notices = []
            if problem is not None and path is not None:
                log.warning("vector index %s: rebuilding it from the database", problem)
                wipe_local_index(path, client)
                client = make_client(path, None, in_subprocess=vector_process)
                queued = requeue_everything(db)
                notices.append(f"The vector index was {problem}; rebuilt it from the database ({queued} items).")
            store = cls(db, key, embedder, client, data_dir)
        except BaseException:
            db.close()
            raise
        store.notices = notices
        store._vector_process = vector_process
        store._chroma_path = path
        if drain:
            store.sync_vectors()
        return store

    def close(self, vector_timeout: float | None = None) -> None:
        """Close the database and the vector index (``vector_timeout``: how long the Chroma child may take)."""
        self.searcher.close()
        self._db.close()
        if hasattr(self.vectors.embedder, "close"):  # an embedder in its own process
            self.vectors.embedder.close()
        if hasattr(self.chroma_client, "close"):
            if vector_timeout is not None and isinstance(self.chroma_client, ProcessClient):
                self.chroma_client.close(vector_timeout)
            else:
                self.chroma_client.close()

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- memories -------------------------------------------------------------------------
    def add(self, type_name: str, record: Mapping[str, Any], sources: Sequence[str] = ()) -> str:
        memory_id = self.memories.add(type_name, record, sources)
        self.sync_vectors()
        return memory_id

    def get(self, type_name: str, memory_id: str) -> dict[str, Any]:
        if type_name == OBSERVATION:
            return self.observations.get(memory_id)
        return self.memories.get(type_name, memory_id)

    def update(
        self, type_name: str, memory_id: str, changes: Mapping[str, Any], sources: Sequence[str] = ()
    ) -> dict[str, Any]:
        record = self.memories.update(type_name, memory_id, changes, sources)
        self.sync_vectors()
        return record

    def delete(self, type_name: str, memory_id: str) -> None:
        self.memories.delete(type_name, memory_id)
        self.sync_vectors()

    def history(self, type_name: str, memory_id: str) -> list[dict[str, Any]]:
        return self.memories.history(type_name, memory_id)

    def reveal(self, memory_id: str) -> str:
        return self.memories.reveal(memory_id)

    def key_matches(self, key: bytes) -> bool:
        """True when ``key`` is this memory's key (re-authentication), compared through a derived subkey."""
        return hmac.compare_digest(keys.subkey(key, "frame files"), self.frame_key)

    def forget_range(self, since: str | None, until: str | None, dry_run: bool = False) -> ForgetReport:
        """Delete everything stored in [since, until] (ISO-8601; None is open-ended), or only count it.

        Observations, their frame files, text and image vectors and chat messages of the range go; a memory
        whose every source is in the range goes with its history; a memory with sources outside the range
        keeps them, loses the range's, and its history records the change. Nothing outside the range changes.
        """
        forgetter = RangeForgetter(self._db, self.memories, self.index, self.data_dir, self.image_index)
        report = forgetter.forget(to_epoch(since), to_epoch(until), dry_run)
        if not dry_run:
            self.sync_vectors()
        return report

    def commit_batch(self, ops: Sequence[StoredOp], observation_ids: Sequence[str]) -> list[tuple[str, str]]:
        """Apply a memorize batch and mark its observations done in the same transaction; then index vectors."""
        written = commit_batch(self._db, self.memories, self.observations, ops, observation_ids)
        self.sync_vectors()
        return written

    # -- observations (named lookups for callers outside stores/) ------------------------------
    def observation_texts_by_source(self, source_ids: Sequence[str]) -> dict[str, str]:
        """The stored text of each observation with one of these source ids (message or frame id)."""
        found: dict[str, str] = {}
        ids = list(dict.fromkeys(source_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for source_id, text in self._db.execute(
                f"SELECT source_id, text FROM observation WHERE source_id IN ({marks})", chunk
            ).fetchall():
                found[source_id] = text or ""
        return found

    def has_source(self, source_id: str) -> bool:
        """True when an observation with this source id is stored."""
        return self._db.execute("SELECT 1 FROM observation WHERE source_id = ?", [source_id]).fetchone() is not None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything written inside commits together or not at all; its vector work waits in the outbox.

        The caller pushes it with ``sync_vectors()`` after the block (batched: an import embeds its frames together).
        """
        self._open_transactions += 1
        try:
            with super().transaction():
                yield
        finally:
            self._open_transactions -= 1

    # -- vectors ---------------------------------------------------------------------------
    def sync_vectors(self) -> int:
        """Push queued vector work to Chroma; failures leave the outbox for the next try.

        Inside ``transaction()`` nothing is pushed (the caller syncs after it): a rollback would leave Chroma
        holding what SQLite forgot, or missing what it kept.
        """
        if self._open_transactions:
            return 0
        try:
            return self.vector_sync.drain()
        except Exception as error:  # noqa: BLE001 - Chroma server down, disk full: keep the outbox
            log.warning("vector sync postponed: %s", error)
            return 0

    def _vector_source(self, kind: str, item_id: str) -> tuple[str, float | None, str | None] | None:
        row = self._db.execute("SELECT time, app FROM search_doc WHERE kind = ? AND item_id = ?", [kind, item_id])
        found = row.fetchone()
        if found is None:
            return None
        try:
            if kind == OBSERVATION:
                text = observation_text(self.observations.get(item_id))
            else:
                mtype = memory_type(kind)
                text = search_text(mtype, self.memories.get(kind, item_id))
        except NotFoundError:
            return None
        return text, found[0], found[1]

    def reindex(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Rebuild the vector index from SQLite (the truth): empty it, queue every item, index them all."""
        if self._chroma_path is not None:
            self.searcher.close()
            wipe_local_index(self._chroma_path, self.chroma_client)
            self.chroma_client = make_client(self._chroma_path, None, in_subprocess=self._vector_process)
        else:
            with contextlib.suppress(Exception):  # a server or ephemeral client: drop just our collection
                self.chroma_client.delete_collection(self.vectors.name)
        self.vectors = VectorIndex(self.chroma_client, self.vectors.embedder)
        self.vector_sync = VectorSync(self._db, self.vectors, self._vector_source)
        self.searcher = HybridSearcher(self.index, self.vectors)
        queued = requeue_everything(self._db)
        self.vector_sync.drain(progress=progress)
        return queued

    # -- search ----------------------------------------------------------------------------
    def search(
        self,
        query: str,
        types: Sequence[str] | None = None,
        k: int = 10,
        since: str | None = None,
        until: str | None = None,
        app: str | None = None,
    ) -> list[SearchHit]:
        """Hybrid search over the memory types and raw observations; hits carry their original source ids."""
        kinds = [OBSERVATION if t == OBSERVATION else memory_type(t).name for t in types] if types else None
        ranked = self.searcher.search(query, k, kinds, to_epoch(since), to_epoch(until), app)
        return self._hits(ranked)  # ranking read only a few columns of its candidates: the k shown are read in full

    def in_time_range(
        self, since: str | None, until: str | None, types: Sequence[str] | None = None, k: int = 10
    ) -> list[SearchHit]:
        """Memories (then raw observations) dated inside a time range, oldest first: "what did I do yesterday?"."""
        kinds = [OBSERVATION if t == OBSERVATION else memory_type(t).name for t in types] if types else None
        where = ["time >= ?", "time <= ?"]
        params: list[object] = [to_epoch(since) or 0.0, to_epoch(until) or 1e18]
        if kinds:
            where.append(f"kind IN ({','.join('?' * len(kinds))})")
            params.extend(kinds)
        rows = self._db.execute(
            f"SELECT kind, item_id FROM search_doc WHERE {' AND '.join(where)} "
            "ORDER BY kind = 'observation', time LIMIT ?",
            [*params, k],
        ).fetchall()
        return self._hits([((kind, item_id), 0.0) for kind, item_id in rows])

    def _hits(self, ranked: list[tuple[tuple[str, str], float]]) -> list[SearchHit]:
        """Search hits for ranked keys, their records read in one query per kind."""
        records: dict[tuple[str, str], dict[str, Any]] = {}
        for kind, ids in ids_by_kind(key for key, _ in ranked).items():
            if kind == OBSERVATION:
                records.update({(kind, r["id"]): r for r in self.observations.get_many(ids)})
            else:
                records.update({(kind, i): r for i, r in self.memories.get_many(kind, ids).items()})
        cited = [o for key, record in records.items() if key[0] != OBSERVATION for o in record["sources"]]
        source_rows = {r["id"]: r for r in self._source_rows(list(dict.fromkeys(cited)))}  # one query for all
        hits = []
        for key, score in ranked:
            record = records.get(key)
            if record is None:
                continue
            hits.append(self._hit(key[0], record, score, source_rows))
        return hits

    def _hit(
        self, kind: str, record: dict[str, Any], score: float, source_rows: dict[str, dict[str, Any]]
    ) -> SearchHit:
        if kind == OBSERVATION:
            obs_ids, text, time = [record["id"]], observation_text(record), record["time"]
        else:
            mtype = MEMORY_TYPES[kind]
            obs_ids, text = record["sources"], mtype.display(record)
            time = record.get(mtype.time_field) if mtype.time_field else record.get("updated_at")
        if kind == OBSERVATION:
            origin = observation_origin(record)
            return SearchHit(
                kind, record["id"], score, text, [record["source_id"]], time, obs_ids, record.get("app"), origin
            )
        rows = [source_rows[o] for o in obs_ids if o in source_rows]
        origin = observation_origin(rows[0]) if rows else memory_origin(kind, record)
        time = time or (rows[0]["time"] if rows else None)  # undated (a fact): when its source was seen or said
        sources = [r["source_id"] for r in rows]
        return SearchHit(kind, record["id"], score, text, sources, time, list(obs_ids), record.get("app"), origin)

    def source_ids(self, observation_ids: Sequence[str]) -> list[str]:
        """The original source ids (message id, frame id) of observations, in the given order."""
        return [r["source_id"] for r in self._source_rows(observation_ids)]

    def _source_rows(self, observation_ids: Sequence[str]) -> list[dict[str, Any]]:
        """What citing an observation needs (source id, kind, app, speaker, time), in the given order."""
        by_id: dict[str, dict[str, Any]] = {}
        for chunk in chunks(list(observation_ids)):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, source_id, kind, app, speaker, time FROM observation WHERE id IN ({marks})"
            by_id.update({r["id"]: r for r in fetch_dicts(self._db, sql, chunk)})
        return [by_id[i] for i in observation_ids if i in by_id]

    # -- stats -----------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Counts per memory type, the inbox by status, outbox backlog and sizes on disk."""
        counts = {name: self.memories.count(name) for name in MEMORY_TYPES}
        out: dict[str, Any] = {
            "memories": counts,
            "observations": self.observations.counts(),
            "vector_outbox": self.vector_sync.pending(),
            "vectors": self.vectors.count(),
            "llm_usage": UsageLedger(self._db).totals(),
        }
        if self.data_dir is not None:
            out["database_bytes"] = sum(p.stat().st_size for p in self.data_dir.glob(DB_FILE + "*"))
            out["vector_bytes"] = _tree_size(self.data_dir / CHROMA_DIR)
        return out


def _tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


__all__ = ["FusionWeights", "MemoryStore", "SearchHit", "ensure_private_dir"]
