"""The composition root: the only module that builds and wires the app's objects."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mirix_app.settings import Settings, load_settings
from stores.embedders import HashingEmbedder, MiniLMEmbedder, TextEmbedder
from stores.memory_store import MemoryStore, ensure_private_dir

log = logging.getLogger(__name__)


def make_embedder(settings: Settings) -> TextEmbedder:
    """The text embedder the settings name."""
    if settings.embedder == "hashing":
        return HashingEmbedder()
    if settings.embedder == "minilm":
        return MiniLMEmbedder()
    raise ValueError(f"unknown embedder {settings.embedder!r} (expected 'minilm' or 'hashing')")


def quiet_third_party_logs() -> None:
    """Silence chatty libraries (their telemetry is off; their progress bars are noise in a CLI)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    for name in ("chromadb", "httpx", "sentence_transformers", "transformers", "urllib3"):
        logging.getLogger(name).setLevel(logging.ERROR)


def load_app_settings(data_dir: Path) -> Settings:
    """Settings of a data dir (created private if new)."""
    ensure_private_dir(data_dir)
    return load_settings(data_dir)


def open_store(data_dir: Path, settings: Settings, passphrase: str | None) -> MemoryStore:
    """Unlock the data dir's memory with the keyring or the passphrase and open its stores."""
    os.umask(0o077)
    log.info("opening memory in %s", data_dir)
    return MemoryStore.open(
        data_dir,
        passphrase=passphrase,
        embedder=make_embedder(settings),
        chroma_url=settings.chroma_url or None,
    )
