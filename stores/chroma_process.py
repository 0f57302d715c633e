"""Chroma in a child process: its Rust calls hold the GIL (seconds during index flushes), so keep them out of ours."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from stores.errors import VectorIndexError

CHILD_ENV_DROPPED = ("MIRIX_PASSPHRASE",)  # secrets the Chroma worker must never see in its environment


class ChromaProcessError(VectorIndexError):
    """The Chroma worker process failed a call or went away."""

    def __str__(self) -> str:
        return f"The vector index (Chroma) failed: {self.args[0] if self.args else 'unknown error'}"


@contextlib.contextmanager
def without_secrets() -> Iterator[None]:
    """Start a child with the secrets removed from the environment it inherits."""
    saved = {name: os.environ.pop(name) for name in CHILD_ENV_DROPPED if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


class _ConfigOnlyEmbedder:
    """Stands in for the app's embedder inside the worker: same name and size, never asked to embed."""

    def __init__(self, name: str, dim: int) -> None:
        self.name, self.dim = name, dim

    def embed(self, texts: Any) -> Any:
        raise ChromaProcessError("the Chroma worker is always given vectors, never texts")


def _serve(conn: Connection, path: str) -> None:
    """Worker loop: one PersistentClient, calls arrive as (collection, method, kwargs) and are answered in order."""
    import chromadb

    from stores.vectors import MirixEmbeddingFunction, chroma_settings

    client = chromadb.PersistentClient(path=path, settings=chroma_settings())
    collections: dict[str, Any] = {}
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the app is gone: exit with it
        if message is None:
            conn.send(("ok", None))
            return
        try:
            kind, name, payload = message
            if kind == "open":
                embedder = _ConfigOnlyEmbedder(payload["embedder"], payload["dim"])
                collections[name] = client.get_or_create_collection(
                    name=name,
                    embedding_function=MirixEmbeddingFunction(embedder),
                    configuration=payload.get("configuration"),
                )
                result = None
            else:
                method, kwargs = payload
                result = getattr(collections[name], method)(**kwargs)
            conn.send(("ok", result))
        except Exception as error:  # noqa: BLE001 - sent back and raised in the app
            conn.send(("error", f"{type(error).__name__}: {error}"))


class ProcessCollection:
    """A proxy with the Collection methods the app uses (upsert, delete, get, count, query)."""

    def __init__(self, client: ProcessClient, name: str, embedding_function: Any) -> None:
        self._client = client
        self.name = name
        self._embedding_function = embedding_function

    def _call(self, method: str, **kwargs: Any) -> Any:
        return self._client.call(("call", self.name, (method, kwargs)))

    def upsert(self, **kwargs: Any) -> Any:
        return self._call("upsert", **kwargs)

    def delete(self, **kwargs: Any) -> Any:
        return self._call("delete", **kwargs)

    def get(self, **kwargs: Any) -> Any:
        return self._call("get", **kwargs)

    def count(self) -> int:
        return int(self._call("count"))

    def query(self, **kwargs: Any) -> Any:
        return self._call("query", **kwargs)


class ProcessClient:
    """A Chroma PersistentClient running in a child process that exits with the app."""

    def __init__(self, path: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, str(path)), daemon=True, name="chroma-worker")
        with without_secrets():
            self._process.start()
        child.close()
        self._lock = threading.Lock()

    def call(self, message: Any) -> Any:
        with self._lock:
            try:
                self._conn.send(message)
                status, result = self._conn.recv()
            except (EOFError, OSError, BrokenPipeError) as error:
                raise ChromaProcessError(f"the Chroma worker process stopped ({error})") from error
        if status == "error":
            raise ChromaProcessError(result)
        return result

    def get_or_create_collection(
        self, name: str, embedding_function: Any = None, configuration: Any = None, **_: Any
    ) -> ProcessCollection:
        config = embedding_function.get_config() if embedding_function is not None else {"embedder": "none", "dim": 0}
        self.call(("open", name, {**config, "configuration": configuration}))
        return ProcessCollection(self, name, embedding_function)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker (it also stops by itself when the app exits); killed when it does not stop in time."""
        if not self._process.is_alive():
            return
        with contextlib.suppress(ChromaProcessError):
            self.call(None)
        self._process.join(timeout=timeout)
        if self._process.is_alive():
            self._process.kill()
