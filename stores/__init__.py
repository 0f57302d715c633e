"""Encrypted memory: SQLCipher database, Chroma vectors, embedders and keys (no Qt, no LangChain).

The public face is ``MemoryStore`` and the records and errors below; import them from ``stores``. They are
loaded on first use, so importing ``stores`` (or a light module such as ``stores.errors``) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_PUBLIC = {
    "MemoryStore": "stores.memory_store",
    "SearchHit": "stores.memory_store",
    "ensure_private_dir": "stores.datadir",
    "ForgetReport": "stores.forget_report",
    "NewObservation": "stores.observations",
    "PENDING": "stores.observations",
    "DONE": "stores.observations",
    "PARKED": "stores.observations",
    "MEMORY_TYPES": "stores.memory_types",
    "OBSERVATION": "stores.memory_types",
    "SECRET_MASK": "stores.memories",
    "OwnerLock": "stores.owner_lock",
    "OwnerInfo": "stores.owner_lock",
    "read_owner": "stores.owner_lock",
    "FrameStore": "stores.frames",
    "ImageVectorIndex": "stores.image_vectors",
    "UsageLedger": "stores.llm_usage",
    "ChatThreads": "stores.chat_threads",
    "StoreError": "stores.errors",
    "UserFacingError": "stores.errors",
    "NotFoundError": "stores.errors",
    "WrongKeyError": "stores.errors",
    "KeyUnavailableError": "stores.errors",
    "DataDirError": "stores.errors",
    "DiskFullError": "stores.errors",
    "VectorIndexError": "stores.errors",
    "BatchAlreadyDone": "stores.errors",
    "ValidationError": "stores.errors",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'stores' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name]), name)
