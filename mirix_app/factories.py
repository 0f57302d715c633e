"""The factories: pure builders of the app's objects (settings, stores, models, graphs, capture).

The desktop app is assembled from them in ``mirix_app.gui.run``; the CLI commands call them directly.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mirix_app.capture.active_window import ActiveWindow, platform_active_window
from mirix_app.capture.dedupe import Deduper
from mirix_app.capture.exclusions import ExclusionRules
from mirix_app.capture.idle import IdleDetector, platform_idle
from mirix_app.capture.image_embedder import ImageEmbedder
from mirix_app.capture.loop import CaptureLoop
from mirix_app.capture.ocr import OcrEngine
from mirix_app.capture.pipeline import CapturePipeline
from mirix_app.capture.screen_source import MssScreenSource, ScreenSource
from mirix_app.capture.self_guard import SelfGuard
from mirix_app.capture.status import StatusBoard
from mirix_app.settings import CaptureSettings, Settings, load_settings
from stores.embedder_process import ProcessEmbedder
from stores.embedders import HashingEmbedder, MiniLMEmbedder, TextEmbedder
from stores.errors import UserFacingError
from stores.frames import FrameStore
from stores.gated_store import Run, gated
from stores.image_vectors import ImageVectorIndex
from stores.memory_store import MemoryStore, ensure_private_dir

if TYPE_CHECKING:
    from agents.capabilities import CapabilityMemory
    from agents.chat_graph import Chat
    from agents.llm_call import LLMCaller
    from agents.llm_profile import LLMProfile
    from agents.memorizer import Memorizer

log = logging.getLogger(__name__)

CAPABILITIES_FILE = "llm_capabilities.json"


def make_embedder(settings: Settings, separate_process: bool = False) -> TextEmbedder:
    """The text embedder the settings name; a model in a child process when asked (the desktop app's GUI)."""
    if settings.embedder == "hashing":
        return HashingEmbedder()
    if settings.embedder == "minilm":
        return ProcessEmbedder() if separate_process else MiniLMEmbedder()
    raise UserFacingError(
        f"Unknown embedder {settings.embedder!r} in settings.json or MIRIX_EMBEDDER (expected 'minilm' or 'hashing')."
    )


def load_app_settings(data_dir: Path) -> Settings:
    """Settings of a data dir (created private if new)."""
    ensure_private_dir(data_dir)
    return load_settings(data_dir)


def open_store(
    data_dir: Path, settings: Settings, passphrase: str | None, embedder: TextEmbedder | None = None
) -> MemoryStore:
    """Unlock the data dir's memory with the keyring or the passphrase and open its stores.

    ``embedder``: one already loaded (a process that opens the memory again keeps its model), else the settings'.
    """
    os.umask(0o077)
    log.info("opening memory in %s", data_dir)
    return MemoryStore.open(
        data_dir,
        passphrase=passphrase,
        embedder=embedder or make_embedder(settings),
        chroma_url=settings.chroma_url or None,
        vector_process=settings.chroma_in_subprocess,
    )


# -- capture ---------------------------------------------------------------------------------------
def make_image_embedder(capture: CaptureSettings, allow_random: bool = False) -> ImageEmbedder:
    """The CLIP image embedder: the configured weights file, or off (never random weights in a user's index)."""
    return ImageEmbedder(capture.image_weights_path or None, capture.image_model, allow_random=allow_random)


def make_image_index(store: MemoryStore, settings: Settings, embedder: ImageEmbedder) -> ImageVectorIndex | None:
    """The Chroma collection of frame image vectors, when image embedding is on."""
    if not embedder.available or store.data_dir is None:
        return None
    return store.image_index(embedder.name, embedder.dim)


def build_capture_pipeline(
    store: MemoryStore,
    settings: Settings,
    ocr: OcrEngine | None = None,
    image_embedder: ImageEmbedder | None = None,
    status: StatusBoard | None = None,
    submit: Callable[[Callable[[], Any]], Any] | None = None,
) -> CapturePipeline:
    """Frame store, exclusion rules, dedupe, OCR, image vectors and status wired for one memory store."""
    cap = settings.capture
    assert store.data_dir is not None
    embedder = image_embedder if image_embedder is not None else make_image_embedder(cap)
    return CapturePipeline(
        store=store,
        frames=FrameStore(store.data_dir, store.frame_key, cap.frame_budget_bytes),
        rules=ExclusionRules(cap.excluded_apps, cap.excluded_title_patterns, cap.exclude_private_browsing),
        deduper=Deduper(cap.dedupe_threshold),
        ocr=ocr or OcrEngine(cap.ocr_max_width),
        status=status or StatusBoard(embedder.status, cap.frame_budget_bytes),
        image_embedder=embedder,
        image_index=make_image_index(store, settings, embedder),
        max_width=cap.frame_max_width,
        max_frame_bytes=cap.frame_max_bytes,
        submit=submit,
    )


def build_capture_loop(
    pipeline: CapturePipeline,
    settings: Settings,
    source_factory: Callable[[], ScreenSource] | None = None,
    active_window: ActiveWindow | None = None,
    idle: IdleDetector | None = None,
    interval_s: float | None = None,
    guard: SelfGuard | None = None,
) -> CaptureLoop:
    """The capture loop over the real screen (mss), the platform's active window and idle detectors."""
    cap = settings.capture
    return CaptureLoop(
        pipeline,
        source_factory or MssScreenSource,
        active_window or platform_active_window(),
        idle or platform_idle(),
        interval_s=cap.interval_s if interval_s is None else interval_s,
        idle_timeout_s=cap.idle_timeout_s,
        queue_max=cap.ocr_queue_max,
        status_dir=pipeline.store.data_dir,
        guard=guard,
    )


# -- agents ----------------------------------------------------------------------------------------
def make_llm_profile(settings: Settings) -> LLMProfile:
    """Timeouts, retries, output size, parallel calls and memorize mode for the configured model."""
    from agents.errors import ProviderConfigError
    from agents.llm_profile import resolve_profile

    llm = settings.llm
    try:
        return resolve_profile(
            llm.provider,
            llm.model,
            llm.base_url,
            timeout_s=llm.timeout_s,
            max_retries=llm.max_retries,
            max_tokens=llm.max_tokens,
            parallel_calls=llm.parallel_calls,
            memorize_mode=llm.memorize_mode,
            structured=llm.structured_output,
        )
    except ValueError as error:
        raise ProviderConfigError(str(error)) from None


def make_capabilities(data_dir: Path | None) -> CapabilityMemory:
    """What each model has shown it supports, kept in ``llm_capabilities.json`` beside the settings."""
    from agents.capabilities import CapabilityMemory

    if data_dir is None:
        return CapabilityMemory()
    path = Path(data_dir) / CAPABILITIES_FILE

    def load() -> dict[str, Any]:
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def save(table: dict[str, Any]) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(table, indent=2), encoding="utf-8")
        os.replace(tmp, path)

    return CapabilityMemory(load, save)


def make_chat_model(settings: Settings) -> Any:
    """The LangChain chat model the LLM settings name (key from the OS keyring), or None = offline."""
    from agents.providers import ProviderSpec, build_chat_model

    llm, profile = settings.llm, make_llm_profile(settings)
    spec = ProviderSpec(
        llm.provider,
        llm.model,
        llm.base_url,
        timeout_s=profile.timeout_s,
        max_retries=profile.max_retries,
        max_tokens=profile.max_tokens,
        repeat_guard=profile.local,
    )
    return build_chat_model(spec)


def make_llm_caller(store: MemoryStore, settings: Settings) -> LLMCaller:
    """Model calls charged to the per-hour token budget kept in the database."""
    from agents.llm_call import LLMCaller
    from agents.token_budget import TokenBudget

    return LLMCaller(TokenBudget(store.usage_ledger(), settings.llm.tokens_per_hour))


def make_memorizer(store: MemoryStore, settings: Settings, model: Any = None, run: Run | None = None) -> Memorizer:
    """The memorize pipeline: the LangGraph memorize graph when a model is given, else the offline memorizer.

    Every store call goes through ``run`` (the owner's engine thread; a lock when none is given), so the
    pipeline itself may run on any thread and its model calls never hold the store.
    """
    from agents.context import MemorizeContext
    from agents.memorize_graph import build_memorize_graph
    from agents.memorizer import Memorizer

    store = gated(store, run)

    graph = build_memorize_graph(model) if model is not None else None
    context = None
    if model is not None:
        context = MemorizeContext(
            store,
            make_llm_caller(store, settings),
            profile=make_llm_profile(settings),
            capabilities=make_capabilities(store.data_dir),
        )
    return Memorizer(
        store,
        graph,
        context,
        batch_size=settings.memorize_batch_size,
        max_wait_s=settings.memorize_max_wait_s,
        offline_when_budget_exhausted=settings.llm.when_budget_exhausted == "offline",
    )


def make_chat(
    store: MemoryStore, settings: Settings, model: Any = None, run: Run | None = None, withhold_vault: bool = False
) -> Chat:
    """The chat service: the chat graph with the model (or offline answers), threads kept in the database.

    Store calls go through ``run`` like the memorizer's (see ``make_memorizer``). ``withhold_vault``: answers for
    other assistants (no vault value at all, high-sensitivity entries unlisted).
    """
    from agents.chat_graph import Chat, build_chat_graph
    from agents.context import ChatContext

    store = gated(store, run)

    return Chat(
        build_chat_graph(model),
        ChatContext(
            store,
            store.chat_threads(),
            make_llm_caller(store, settings),
            allow_medium_vault=settings.llm.allow_medium_vault_in_prompts,
            withhold_vault=withhold_vault,
            profile=make_llm_profile(settings),
            capabilities=make_capabilities(store.data_dir),
        ),
    )


# -- desktop app -----------------------------------------------------------------------------------
def make_gui_capture(
    store: MemoryStore, settings: Settings, submit: Callable[[Callable[[], Any]], Any]
) -> CaptureLoop | None:
    """The screen capture loop for the desktop app, writing through engine jobs; None without a display."""
    if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        log.info("no display to capture: screen capture is off")
        return None
    pipeline = build_capture_pipeline(store, settings, submit=submit)
    return build_capture_loop(pipeline, settings)
