"""The Chroma side: ids, vectors and filter metadata only (never memory text), embedded or over HTTP."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings
from chromadb.utils.embedding_functions import register_embedding_function

from stores.embedders import HashingEmbedder, MiniLMEmbedder, TextEmbedder
from stores.vector_cache import FETCH_CHUNK, UnitVectorCache, unit


@register_embedding_function
class MirixEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma adapter for the app's own embedder, so Chroma never falls back to its downloading default."""

    def __init__(self, embedder: TextEmbedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - Chroma's parameter name
        return [np.asarray(v, dtype=np.float32) for v in self._embedder.embed(list(input))]

    @staticmethod
    def name() -> str:
        return "mirix-app"

    def default_space(self) -> Any:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"embedder": self._embedder.name, "dim": self._embedder.dim}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MirixEmbeddingFunction:
        if config.get("embedder") == MiniLMEmbedder.name:
            return MirixEmbeddingFunction(MiniLMEmbedder())
        return MirixEmbeddingFunction(HashingEmbedder(int(config.get("dim", 256))))


@dataclass(frozen=True)
class VectorHit:
    """One nearest neighbour: which item and how far (cosine distance)."""

    kind: str
    item_id: str
    distance: float


def _hit(key: str, distance: float) -> VectorHit:
    """A hit from a Chroma id ("kind:item_id") and its cosine distance."""
    kind, _, item_id = key.partition(":")
    return VectorHit(kind, item_id, float(distance))


def chroma_settings() -> Settings:
    """Chroma settings for the app: telemetry off, no reset."""
    return Settings(anonymized_telemetry=False, allow_reset=False)


def make_client(path: Path | None, server_url: str | None = None, in_subprocess: bool = False) -> Any:
    """HttpClient for a server URL, else PersistentClient (in a child process if asked), else ephemeral."""
    if server_url:
        url = urlparse(server_url)
        return chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings(),
        )
    if path is None:
        return chromadb.EphemeralClient(settings=chroma_settings())
    if in_subprocess:
        from stores.chroma_process import ProcessClient

        return ProcessClient(path)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings())


def _where(types: Sequence[str] | None, since: float | None, until: float | None, app: str | None) -> Any:
    clauses: list[dict[str, Any]] = []
    if types:
        clauses.append({"type": {"$in": list(types)}} if len(types) > 1 else {"type": types[0]})
    if since is not None:
        clauses.append({"time": {"$gte": since}})
    if until is not None:
        clauses.append({"time": {"$lte": until}})
    if app:
        clauses.append({"app": app})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


COUNT_TTL_S = 60.0  # a search needs the size only roughly (empty or not, how much to over-fetch); counting costs ~15 ms


class VectorIndex:
    """One Chroma collection of the app's vectors, keyed "kind:item_id"."""

    def __init__(self, client: Any, embedder: TextEmbedder, namespace: str = "mirix") -> None:
        self.embedder = embedder
        self.name = f"{namespace}-{embedder.name.lower()}-{embedder.dim}".replace("_", "-")
        self._collection = client.get_or_create_collection(
            name=self.name,
            embedding_function=MirixEmbeddingFunction(embedder),
            configuration={"hnsw": {"space": "cosine"}},
        )
        self._counted: tuple[int, float] | None = None  # (count, when), for searches
        self._cache = UnitVectorCache(self._fetch_vectors)

    def upsert(self, items: Sequence[tuple[str, str, np.ndarray, float | None, str | None]]) -> None:
        """Add or replace vectors: (kind, item_id, vector, time epoch, app) each."""
        if not items:
            return
        if self._counted is not None:  # an upper bound (some may replace): close enough until the next count
            self._counted = (self._counted[0] + len(items), self._counted[1])
        ids = [f"{kind}:{item_id}" for kind, item_id, *_ in items]
        self._collection.upsert(
            ids=ids,
            embeddings=[np.asarray(vec, dtype=np.float32) for _, _, vec, _, _ in items],
            metadatas=[{"type": kind, "time": t or 0.0, "app": app or ""} for kind, _, _, t, app in items],
        )
        self._cache.forget(ids)  # after the write: a search that read the old vector meanwhile is corrected too

    def delete(self, keys: Sequence[tuple[str, str]]) -> None:
        if keys:
            self._counted = None
            ids = [f"{kind}:{item_id}" for kind, item_id in keys]
            self._collection.delete(ids=ids)
            self._cache.forget(ids)

    def has(self, kind: str, item_id: str) -> bool:
        return bool(self._collection.get(ids=[f"{kind}:{item_id}"], include=[])["ids"])

    def count(self) -> int:
        """How many vectors the collection holds, counted now."""
        return int(self._collection.count())

    def recent_count(self) -> int:
        """The count kept up to date by our own writes, re-counted after a minute: what a search needs, cheaply."""
        now = time.monotonic()
        if self._counted is None or now - self._counted[1] > COUNT_TTL_S:
            self._counted = (self.count(), now)
        return self._counted[0]

    def query(self, vector: np.ndarray, k: int) -> list[VectorHit]:
        """The k nearest items to ``vector`` (Chroma's HNSW)."""
        if self.recent_count() == 0:
            return []
        result = self._collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=k, include=["distances"]
        )
        return [_hit(key, distance) for key, distance in zip(result["ids"][0], result["distances"][0], strict=True)]

    def query_within(self, vector: np.ndarray, k: int, within: Sequence[tuple[str, str]]) -> list[VectorHit]:
        """The k nearest among the ``within`` keys, exactly (a dot product over their cached unit vectors)."""
        ids, matrix = self._cache.matrix([f"{kind}:{item_id}" for kind, item_id in within])
        if not ids:
            return []
        similarity = matrix @ unit(vector)
        best = np.argsort(-similarity)[:k] if len(ids) <= k else np.argpartition(-similarity, k)[:k]
        best = best[np.argsort(-similarity[best])]
        return [_hit(ids[i], 1.0 - float(similarity[i])) for i in best]

    def vectors_of(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], np.ndarray]:
        """The stored vectors of those ``keys`` that have one."""
        out: dict[tuple[str, str], np.ndarray] = {}
        for start in range(0, len(keys), FETCH_CHUNK):
            ids = [f"{kind}:{item_id}" for kind, item_id in keys[start : start + FETCH_CHUNK]]
            for vid, vector in self._fetch_vectors(ids).items():
                kind, _, item_id = vid.partition(":")
                out[(kind, item_id)] = vector
        return out

    def _fetch_vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those ``ids`` that have one."""
        got = self._collection.get(ids=ids, include=["embeddings"])
        return {vid: np.asarray(vector) for vid, vector in zip(got["ids"], got["embeddings"], strict=True)}
