"""CLIP image vectors (open_clip ViT-B-32) from a local weights file; off, and saying so, without one."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

log = logging.getLogger(__name__)

DEFAULT_MODEL = "ViT-B-32"


class ImageEmbedder:
    """Turns frames (and text queries) into 512-d unit vectors in CLIP's shared space.

    ``weights`` is a local open_clip checkpoint. Without one, ``available`` is False and ``status`` says why:
    random weights are only used when ``allow_random`` is passed explicitly (tests, benchmarks).
    """

    def __init__(
        self, weights: str | Path | None, model: str = DEFAULT_MODEL, allow_random: bool = False, threads: int = 0
    ) -> None:
        self.model_name = model
        self.weights = Path(weights).expanduser() if weights else None
        self.allow_random = allow_random
        self._threads = threads
        self._model: Any = None
        self._preprocess: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._error: str | None = None
        self.dim = 512

    @property
    def name(self) -> str:
        return f"{self.model_name}-random" if self.weights is None else self.model_name

    @property
    def available(self) -> bool:
        if self._error:
            return False
        return self.allow_random or (self.weights is not None and self.weights.is_file())

    @property
    def status(self) -> str:
        if self._error:
            return f"off: {self._error}"
        if self.weights is None and not self.allow_random:
            return "off: no CLIP weights configured (set capture.image_weights_path)"
        if self.weights is not None and not self.weights.is_file():
            return f"off: weights file not found: {self.weights}"
        return f"on ({self.name})" if self.weights else f"on ({self.name}, random weights: tests only)"

    def _load(self) -> Any:
        if self._model is None:
            if not self.available:
                raise RuntimeError(self.status)
            from stores.torch_compat import import_torchvision

            import_torchvision()
            import open_clip
            import torch

            if self._threads > 0:
                torch.set_num_threads(self._threads)
            pretrained = str(self.weights) if self.weights else None
            try:
                model, _, preprocess = open_clip.create_model_and_transforms(
                    self.model_name, pretrained=pretrained, device="cpu"
                )
            except Exception as error:  # noqa: BLE001 - a bad or mismatched checkpoint must not crash capture
                self._error = f"cannot load CLIP weights {self.weights}: {error}"
                log.warning("image embedding off: %s", self._error)
                raise RuntimeError(self._error) from error
            model.eval()
            self._tokenizer = open_clip.get_tokenizer(self.model_name)
            self._preprocess = preprocess
            self._model = model
            self.dim = int(getattr(model.visual, "output_dim", 512))
        return self._model

    def embed_images(self, images: Sequence[Image.Image]) -> np.ndarray:
        import torch

        with self._lock:
            model = self._load()
            batch = torch.stack([self._preprocess(img.convert("RGB")) for img in images])
            with torch.inference_mode():
                vectors = model.encode_image(batch)
        return _unit(vectors.numpy())

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        with self._lock:
            model = self._load()
            with torch.inference_mode():
                vectors = model.encode_text(self._tokenizer(list(texts)))
        return _unit(vectors.numpy())


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)
