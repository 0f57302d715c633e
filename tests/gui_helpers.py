"""Helpers for the desktop-app tests: a seeded demo memory, the real app built offscreen, a streaming fake model."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path
from typing import Any

from demo import seed_demo
from fake_llm import ScriptedChatModel
from helpers import PASSPHRASE
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk
from pydantic import Field

from mirix_app.capture.active_window import FixedWindow
from mirix_app.capture.idle import FixedIdle
from mirix_app.capture.screen_source import ImageScreenSource
from mirix_app.factories import build_capture_loop, build_capture_pipeline
from mirix_app.gui.run import build_gui
from mirix_app.gui.services import Factories
from mirix_app.settings import Settings
from stores.embedders import HashingEmbedder
from stores.memory_store import MemoryStore

ITEM = re.compile(r"^\[(\d+)\] \((\w+)[^)]*\) (.*)$", re.M)


def seed_demo_dir(root: Path) -> tuple[Path, dict[str, Any]]:
    """A passphrase-protected data dir holding the demo memory."""
    data_dir = root / "demo"
    store = MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder(), prefer_passphrase=True)
    try:
        ids = seed_demo(store)
    finally:
        store.close()
    return data_dir, ids


def copy_dir(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def fake_capture(store: MemoryStore, settings: Settings, submit: Any) -> Any:
    """A real capture loop over an empty fake screen (nothing to OCR), fast ticks, never idle."""
    pipeline = build_capture_pipeline(store, settings, submit=submit)
    return build_capture_loop(
        pipeline,
        settings,
        source_factory=lambda: ImageScreenSource([]),
        active_window=FixedWindow("code", "notes.txt"),
        idle=FixedIdle(0.0),
        interval_s=0.05,
    )


def open_app(
    qtbot: Any,
    data_dir: Path,
    model: Any = None,
    capture: bool = True,
    agreed: bool | None = True,
    idle: Any = None,
    embedder: Any = None,
) -> Any:
    """The real app on ``data_dir`` with the hashing embedder, ``model`` as its LLM and a fake screen.

    ``agreed``: the user's capture choice (None: first run asks); ``idle``: the detector the app locks by
    (default: never away); ``embedder``: a text embedder instead of the hashing one.
    """
    away = idle if idle is not None else FixedIdle(0.0)
    factories = Factories(
        chat_model=lambda _s: model,
        capture_loop=fake_capture if capture else None,
        idle=lambda: away,
        embedder=(lambda _s: embedder) if embedder is not None else None,
    )
    settings = Settings(embedder="hashing")
    settings.capture.enabled = agreed
    gui = build_gui(data_dir, settings, factories)
    qtbot.addWidget(gui.window)
    gui.window.show()
    return gui


def unlock(qtbot: Any, gui: Any, passphrase: str = PASSPHRASE) -> None:
    page = gui.window.unlock
    qtbot.waitUntil(lambda: page.info is not None and page.passphrase.isVisible())
    page.passphrase.setText(passphrase)
    with qtbot.waitSignal(gui.bridges.session.models_ready, timeout=20000):
        qtbot.mouseClick(page.button, _left())
    assert gui.window.unlocked


def _left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def on_engine(gui: Any, job: Any) -> Any:
    """Run a check on the engine thread (the store's owner) and return its result."""
    return gui.engine.submit(job).result(20)


def reply_citing(word: str, prefix: str = "Ann works at Acme Robotics") -> Any:
    """A model answer citing the numbered memory whose text contains ``word``."""

    def reply(messages: list) -> AIMessage:
        found = [m for m in ITEM.finditer(messages[0].content) if word in m.group(3) and m.group(2) != "observation"]
        return AIMessage(content=f"{prefix} [{found[0].group(1)}].")

    return reply


class StreamingModel(ScriptedChatModel):
    """Streams its scripted answer word by word, holding after the first word until ``gate`` is set."""

    gate: Any = Field(default_factory=threading.Event)

    def _stream(self, messages: list, stop: Any = None, run_manager: Any = None, **kwargs: Any):
        text = str(self._generate(messages, stop, run_manager, **kwargs).generations[0].message.content)
        words = text.split(" ")
        for i, word in enumerate(words):
            if i == 1:
                self.gate.wait(20)
            yield ChatGenerationChunk(message=AIMessageChunk(content=word if i == len(words) - 1 else word + " "))
