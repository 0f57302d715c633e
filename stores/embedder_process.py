"""The text embedder in a child process: loading torch and the model holds the GIL for seconds, so keep it out."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from stores.chroma_process import without_secrets
from stores.embedders import SHORT_BATCH
from stores.errors import VectorIndexError
from stores.onnx_query_encoder import exported_query_encoder

log = logging.getLogger(__name__)

CHILD_NICENESS = 5  # the GUI thread wins the CPU from a busy embedder on a small machine
SHORT_LANE_RETRY_S = 10.0  # how often to look for the child's ONNX export until it exists


class EmbedderProcessError(VectorIndexError):
    """The embedder process failed a call or went away."""

    def __str__(self) -> str:
        return f"The text embedder failed: {self.args[0] if self.args else 'unknown error'}"


def _serve(conn: Connection, kind: str) -> None:
    """Worker loop: build the embedder, then answer each list of texts with its vectors, in order."""
    with contextlib.suppress(OSError):
        os.nice(CHILD_NICENESS)
    from stores.embedders import MiniLMEmbedder

    embedder = MiniLMEmbedder() if kind == "minilm" else None
    while True:
        try:
            texts = conn.recv()
        except (EOFError, OSError):
            return  # the app is gone: exit with it
        if texts is None:
            conn.send(("ok", None))
            return
        try:
            assert embedder is not None, f"unknown embedder {kind!r}"
            conn.send(("ok", embedder.embed(texts)))
        except Exception as error:  # noqa: BLE001 - sent back and raised in the app
            conn.send(("error", f"{type(error).__name__}: {error}"))


class ProcessEmbedder:
    """all-MiniLM-L6-v2 served by a spawned child process (started on first use, stopped with the app)."""

    def __init__(self, kind: str = "minilm", name: str = "all-MiniLM-L6-v2", dim: int = 384) -> None:
        self.kind, self.name, self.dim = kind, name, dim
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._process: Any = None
        self._short: Any = None
        self._short_lock = threading.Lock()
        self._short_retry_at = 0.0

    @property
    def loaded(self) -> bool:
        return self._process is not None

    def _start(self) -> Connection:
        if self._conn is None:
            context = multiprocessing.get_context("spawn")
            self._conn, child = context.Pipe()
            self._process = context.Process(target=_serve, args=(child, self.kind), daemon=True, name="embedder")
            with without_secrets():
                self._process.start()
            child.close()
            log.info("text embedder started in process %s", self._process.pid)
        return self._conn

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) <= SHORT_BATCH and (short := self._short_lane()) is not None:
            return np.asarray(short.embed(texts), dtype=np.float32)
        with self._lock:
            conn = self._start()
            try:
                conn.send(list(texts))
                status, result = conn.recv()
            except (EOFError, OSError, BrokenPipeError) as error:
                raise EmbedderProcessError(f"the embedder process stopped ({error})") from error
        if status == "error":
            raise EmbedderProcessError(result)
        return np.asarray(result, dtype=np.float32)

    def _short_lane(self) -> Any:
        """The ONNX export the child made, opened here for short inputs (a query, a message); None until it exists.

        A search then never waits behind a batch of documents the child is embedding (64 texts: about a second),
        and gets the same vectors (the fp32 export equals torch). Loading it imports onnxruntime, not torch.
        """
        if self.kind != "minilm" or self._short is not None or time.monotonic() < self._short_retry_at:
            return self._short
        with self._short_lock:
            if self._short is None and time.monotonic() >= self._short_retry_at:
                self._short = exported_query_encoder()
                self._short_retry_at = time.monotonic() + SHORT_LANE_RETRY_S
        return self._short

    def close(self, timeout: float = 2.0) -> None:
        """Stop the worker (it also stops by itself when the app exits); killed when it does not stop in time."""
        with self._lock:
            process, conn = self._process, self._conn
            self._process = self._conn = None
        if process is None or conn is None:
            return
        with contextlib.suppress(EOFError, OSError, BrokenPipeError):
            conn.send(None)
        process.join(timeout=timeout)
        if process.is_alive():
            process.kill()
