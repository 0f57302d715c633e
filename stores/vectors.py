"""The Chroma side: ids, vectors and filter metadata only (never memory text), embedded or over HTTP."""

from __future__ import annotations

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

    def upsert(self, items: Sequence[tuple[str, str, np.ndarray, float | None, str | None]]) -> None:
        """Add or replace vectors: (kind, item_id, vector, time epoch, app) each."""
        if not items:
            return
        self._collection.upsert(
            ids=[f"{kind}:{item_id}" for kind, item_id, *_ in items],
            embeddings=[np.asarray(vec, dtype=np.float32) for _, _, vec, _, _ in items],
            metadatas=[{"type": kind, "time": t or 0.0, "app": app or ""} for kind, _, _, t, app in items],
        )

    def delete(self, keys: Sequence[tuple[str, str]]) -> None:
        if keys:
            self._collection.delete(ids=[f"{kind}:{item_id}" for kind, item_id in keys])

    def has(self, kind: str, item_id: str) -> bool:
        return bool(self._collection.get(ids=[f"{kind}:{item_id}"], include=[])["ids"])

    def count(self) -> int:
        return int(self._collection.count())

    def query(
        self,
        vector: np.ndarray,
        k: int,
        types: Sequence[str] | None = None,
        since: float | None = None,
        until: float | None = None,
        app: str | None = None,
        within: Sequence[tuple[str, str]] | None = None,
    ) -> list[VectorHit]:
        """The k nearest items to ``vector`` that pass the filters (or, exactly, among the ``within`` keys)."""
        if self.count() == 0 or (within is not None and not within):
            return []
        result = self._collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=k,
            where=None if within is not None else _where(types, since, until, app),
            ids=[f"{kind}:{item_id}" for kind, item_id in within] if within is not None else None,
            include=["distances"],
        )
        hits = []
        for key, distance in zip(result["ids"][0], result["distances"][0], strict=True):
            kind, _, item_id = key.partition(":")
            hits.append(VectorHit(kind, item_id, float(distance)))
        return hits

    def query_unfiltered(self, vector: np.ndarray, n: int) -> list[tuple[VectorHit, dict[str, Any]]]:
        """The n nearest items with their filter metadata, for filtering after the fact."""
        if self.count() == 0:
            return []
        result = self._collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=n, include=["distances", "metadatas"]
        )
        out = []
        for key, distance, meta in zip(result["ids"][0], result["distances"][0], result["metadatas"][0], strict=True):
            kind, _, item_id = key.partition(":")
            out.append((VectorHit(kind, item_id, float(distance)), dict(meta or {})))
        return out
