"""Shared fixtures: offscreen Qt, a keyring that never touches the user's, stores in temporary dirs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.pop("MIRIX_PASSPHRASE", None)
os.environ.pop("MIRIX_DATA_DIR", None)

import keyring  # noqa: E402
import keyring.backend  # noqa: E402
import keyring.backends.fail  # noqa: E402
import keyring.errors  # noqa: E402
import pytest  # noqa: E402
from helpers import PASSPHRASE  # noqa: E402

from stores.embedders import HashingEmbedder, MiniLMEmbedder  # noqa: E402
from stores.memory_store import MemoryStore  # noqa: E402


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-memory OS keyring for tests."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.items:
            raise keyring.errors.PasswordDeleteError(username)
        del self.items[(service, username)]


@pytest.fixture(autouse=True)
def no_real_keyring() -> Iterator[None]:
    """Every test starts as on a headless box: no keyring backend (never the developer's real one)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    """A working OS keyring, held in memory."""
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[MemoryStore]:
    """A real encrypted store (SQLCipher + persistent Chroma) with the deterministic hashing embedder."""
    opened = MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder())
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    """The real all-MiniLM-L6-v2 embedder, loaded once per test session."""
    embedder = MiniLMEmbedder()
    embedder.embed(["warm up"])
    return embedder


@pytest.fixture(scope="session")
def ocr_engine():
    """rapidocr, loaded once per test session (capture tests share it)."""
    from mirix_app.capture.ocr import OcrEngine

    engine = OcrEngine()
    engine.warm_up()
    return engine


@pytest.fixture(scope="session")
def clip_random():
    """An open_clip ViT-B-32 with random weights, explicitly allowed (tests only), loaded once per session."""
    from mirix_app.capture.image_embedder import ImageEmbedder

    embedder = ImageEmbedder(None, allow_random=True)
    embedder.embed_texts(["warm up"])
    return embedder
