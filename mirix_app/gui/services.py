"""What the engine thread does for the window: unlock, chat, browse, edit, export, graph, timeline, capture."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from mirix_app import factories
from mirix_app.gui import graph_build, memory_views, timeline_build, transfer
from mirix_app.settings import Settings, save_settings
from stores import keys
from stores.errors import UserFacingError
from stores.frames import FrameStore
from stores.memory_store import MemoryStore
from stores.memory_types import MEMORY_TYPES, OBSERVATION
from ui.viewmodels import (
    CaptureState,
    ChatReply,
    GraphData,
    HistoryEntry,
    MemoryDetail,
    MemoryRow,
    SettingsForm,
    SetupInfo,
    SourceItem,
    TimelineDay,
)

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
LIST_LIMIT = 500
GRAPH_PER_TYPE = 60
SCREEN_CHARS = 3000
DISK_EVERY_S = 30.0


@dataclass
class Factories:
    """How the services build what they need; tests swap the model and the capture loop."""

    chat_model: Callable[[Settings], Any] = factories.make_chat_model
    # (store, settings, submit): ``submit(job)`` runs a database job on the engine thread and returns its result
    capture_loop: Callable[[MemoryStore, Settings, Callable[[Callable[[], Any]], Any]], Any] | None = None


@dataclass
class Services:
    """Everything the GUI asks for, run only on the engine thread (capture submits its writes there too)."""

    data_dir: Path
    settings: Settings
    submit: Callable[[Callable[[], Any]], Any]
    factories: Factories = field(default_factory=Factories)
    store: MemoryStore | None = None
    chat: Any = None
    memorizer: Any = None
    capture: Any = None
    thread_id: str | None = None
    paused_until: float | None = None
    model_ready: bool = False
    disk_cache: int = 0
    disk_at: float = -1e9

    # -- unlock -------------------------------------------------------------------------------
    def setup_info(self) -> SetupInfo:
        info = keys.read_keyinfo(self.data_dir)
        works = keys.keyring_works()
        method = info.method if info is not None else ("keyring" if works else "passphrase")
        return SetupInfo(str(self.data_dir), info is None, method, works)

    def unlock(self, passphrase: str | None) -> None:
        """Open the stores with the keyring or the passphrase (WrongKeyError / KeyUnavailableError otherwise)."""
        if self.store is None:
            self.store = factories.open_store(self.data_dir, self.settings, passphrase or None)
            log.info("memory unlocked")

    def _store(self) -> MemoryStore:
        if self.store is None:
            raise UserFacingError("The memory is locked.")
        return self.store

    # -- lazy models --------------------------------------------------------------------------
    def load_models(self, progress: Progress) -> str:
        """After the window is up: warm the embedder, build the chat model and graphs, start capture."""
        store = self._store()
        progress("Loading the text embedder…", 1, 4)
        store.vectors.embedder.embed(["warm up"])
        progress("Connecting the language model…", 2, 4)
        model = None
        try:
            model = self.factories.chat_model(self.settings)
        except Exception as error:  # noqa: BLE001 - a broken LLM config must not stop the app: answer offline
            log.warning("LLM unavailable, answering offline: %s", error)
        self.chat = factories.make_chat(store, self.settings, model)
        self.memorizer = factories.make_memorizer(store, self.settings, model)
        progress("Starting capture…", 3, 4)
        self._start_capture()
        self.model_ready = True
        progress("Ready", 4, 4)
        return "llm" if model is not None else "offline"

    def _start_capture(self) -> None:
        if self.factories.capture_loop is None or self.capture is not None:
            return
        self.capture = self.factories.capture_loop(self._store(), self.settings, self.submit)
        if self.capture is not None:
            self.capture.start()

    def stop_capture_intake(self) -> None:
        """Any thread: stop grabbing and drop the frames waiting for OCR (none of them is stored yet)."""
        capture = self.capture
        if capture is not None:
            capture.stop_intake()

    def shutdown(self, timeout: float = 0.3) -> None:
        """On the engine thread: stop capture without waiting on its backlog, then close the stores.

        A frame still in OCR is dropped when it finishes (its write job finds the engine gone); anything
        already written is durable, and the vector outbox is drained at the next start.
        """
        if self.capture is not None:
            self.capture.stop(timeout=timeout, final_sync=False, drain=False)
            self.capture = None
        if self.store is not None:
            self.store.close(vector_timeout=timeout)
            self.store = None

    # -- chat ---------------------------------------------------------------------------------
    def ask(self, question: str, screen_minutes: int, on_token: Callable[[str], None]) -> ChatReply:
        store = self._store()
        if self.chat is None:
            self.chat = factories.make_chat(store, self.settings, None)
        text = question
        if screen_minutes > 0:
            screen = self.recent_screen_text(screen_minutes)
            text = f"{question}\n\n[My screen in the last {screen_minutes} minutes]\n{screen}" if screen else question
        answer = self.chat.ask(text, thread_id=self.thread_id, on_token=on_token, remember=text == question)
        self.thread_id = answer.thread_id
        return memory_views.chat_reply(answer)

    def recent_screen_text(self, minutes: int) -> str:
        rows = self._store().frame_texts_since(time.time() - minutes * 60)
        lines = [f"[{a or '?'}: {t or ''}] {x or ''}" for a, t, x in rows]
        return "\n".join(lines)[-SCREEN_CHARS:]

    def clear_chat(self) -> None:
        self.thread_id = None

    # -- memory browser -----------------------------------------------------------------------
    def list_memories(self, type_name: str) -> list[MemoryRow]:
        store = self._store()
        if type_name == OBSERVATION:
            records = store.recent_observations(LIST_LIMIT)
        else:
            records = store.memories.list_recent(type_name, LIST_LIMIT)
        return [memory_views.memory_row(type_name, r) for r in records]

    def search_rows(self, query: str) -> list[MemoryRow]:
        hits = self._store().search(query, k=30)
        return [memory_views.memory_row(h.type, self._store().get(h.type, h.id)) for h in hits]

    def open_memory(self, type_name: str, memory_id: str) -> MemoryDetail:
        return memory_views.memory_detail(type_name, self._store().get(type_name, memory_id))

    def save_memory(self, type_name: str, memory_id: str, edited: dict[str, str]) -> MemoryDetail:
        changes = memory_views.changes_from_form(type_name, edited)
        if changes:
            self._store().update(type_name, memory_id, changes)
        return self.open_memory(type_name, memory_id)

    def delete_memory(self, type_name: str, memory_id: str) -> None:
        self._store().delete(type_name, memory_id)

    def history(self, type_name: str, memory_id: str) -> list[HistoryEntry]:
        rows = self._store().history(type_name, memory_id)
        return [memory_views.history_entry(type_name, r) for r in reversed(rows)]

    def sources(self, type_name: str, memory_id: str) -> list[SourceItem]:
        store = self._store()
        if type_name == OBSERVATION:
            return [memory_views.source_item(store.observations.get(memory_id))]
        record = store.get(type_name, memory_id)
        return [memory_views.source_item(o) for o in store.observations.get_many(record["sources"])]

    def reveal(self, memory_id: str) -> str:
        return self._store().reveal(memory_id)

    def frame_image(self, observation_id: str) -> bytes:
        """The decrypted image of an observation's frame, in memory only."""
        store = self._store()
        obs = store.observations.get(observation_id)
        if not obs.get("frame_file"):
            raise UserFacingError("This observation has no stored frame (a message, or the frame was deleted).")
        assert store.data_dir is not None
        return FrameStore(store.data_dir, store.frame_key, 0).read(obs["frame_file"])

    def memories_from(self, observation_id: str) -> list[MemoryRow]:
        """The memories made from one observation (the timeline's "what came of this frame")."""
        store = self._store()
        return [memory_views.memory_row(t, store.get(t, i)) for t, i in store.memories_from_observation(observation_id)]

    # -- export / import ----------------------------------------------------------------------
    def export(self, path: str, selection: Sequence[tuple[str, str]] | None, with_secrets: bool) -> int:
        chosen = [(t, i) for t, i in selection if t != OBSERVATION] if selection is not None else None
        return transfer.export_memories(self._store(), Path(path), chosen, with_secrets)

    def import_file(self, path: str) -> str:
        added, present, no_secret = transfer.import_memories(self._store(), Path(path))
        note = f"; {no_secret} vault entr{'y' if no_secret == 1 else 'ies'} skipped (exported without the secret)"
        return f"Imported {added} memor{'y' if added == 1 else 'ies'}, {present} already present" + (
            note if no_secret else ""
        )

    # -- graph and timeline -------------------------------------------------------------------
    def graph(self, focus: Sequence[str] = (), query: str = "") -> GraphData:
        store = self._store()
        title = "All memories"
        if query:
            focus = [h.id for h in store.search(query, types=list(MEMORY_TYPES), k=15)]
            title = f"Search: {query}"
        elif focus:
            title = "Memories behind the answer"
        records = [r for t in MEMORY_TYPES for r in store.memories.list_recent(t, GRAPH_PER_TYPE)]
        return graph_build.build_graph(records, focus, title)

    def timeline(self, day: str) -> TimelineDay:
        return timeline_build.build_day(self._store(), day)

    # -- memorize -----------------------------------------------------------------------------
    def memorize_if_due(self, force: bool = False) -> str:
        if self.memorizer is None:
            return ""
        if not force and not self.memorizer.due():
            return ""
        report = self.memorizer.run(until_empty=force)
        return report.summary()

    # -- capture ------------------------------------------------------------------------------
    def pause(self, minutes: int = 0) -> CaptureState:
        self.paused_until = time.time() + minutes * 60 if minutes > 0 else None
        if self.capture is not None:
            self.capture.pause()
        return self.status()

    def toggle_pause(self) -> CaptureState:
        paused = self.capture.paused if self.capture is not None else self.paused_until is not None
        return self.resume() if paused else self.pause()

    def resume(self) -> CaptureState:
        self.paused_until = None
        if self.capture is not None:
            self.capture.resume()
        return self.status()

    def status(self) -> CaptureState:
        if self.paused_until is not None and time.time() >= self.paused_until:
            self.resume()
        store = self._store()
        counts = store.observations.counts()
        tokens = store.usage_ledger().used_since(time.time() - 3600)
        disk = self._disk_bytes(store)
        until = datetime.fromtimestamp(self.paused_until).strftime("%H:%M") if self.paused_until else ""
        base = dict(
            memorize_backlog=counts["pending"],
            tokens_this_hour=tokens,
            token_budget=self.settings.llm.tokens_per_hour,
            disk_bytes=disk,
            paused_until=until,
        )
        if self.capture is None:
            return CaptureState("off", message="Capture is not running (no screen to watch).", **base)
        snap = self.capture.status.snapshot()
        dropped = sum(snap.dropped.values())
        detail = ", ".join(f"{k} {v}" for k, v in snap.dropped.items())
        state = "paused" if self.capture.paused else snap.state
        return CaptureState(state, snap.kept, dropped, detail, snap.ocr_backlog, message=snap.last_error, **base)

    def _disk_bytes(self, store: MemoryStore) -> int:
        """Bytes under the data dir, re-counted at most every 30 s (the frames folder can be large)."""
        now = time.monotonic()
        if store.data_dir is not None and now - self.disk_at > DISK_EVERY_S:
            self.disk_cache = sum(p.stat().st_size for p in store.data_dir.rglob("*") if p.is_file())
            self.disk_at = now
        return self.disk_cache

    # -- settings -----------------------------------------------------------------------------
    def settings_form(self) -> SettingsForm:
        s = self.settings
        cap, llm = s.capture, s.llm
        return SettingsForm(
            interval_s=cap.interval_s,
            dedupe_threshold=cap.dedupe_threshold,
            excluded_apps=list(cap.excluded_apps),
            excluded_title_patterns=list(cap.excluded_title_patterns),
            idle_timeout_s=cap.idle_timeout_s,
            frame_budget_mb=int(cap.frame_budget_bytes // 1024**2),
            llm_provider=llm.provider,
            llm_model=llm.model,
            llm_base_url=llm.base_url,
            tokens_per_hour=llm.tokens_per_hour,
            memorize_mode=llm.memorize_mode,
            chroma_url=s.chroma_url,
            theme=s.theme,
            start_at_login=s.start_at_login,
        )

    def apply_settings(self, form: SettingsForm) -> str:
        """Save the settings and apply what can change live; returns what needs a restart, if anything."""
        s = self.settings
        llm_changed = (form.llm_provider, form.llm_model, form.llm_base_url, form.memorize_mode) != (
            s.llm.provider,
            s.llm.model,
            s.llm.base_url,
            s.llm.memorize_mode,
        )
        chroma_changed = form.chroma_url != s.chroma_url
        _copy_form(form, s)
        if form.llm_api_key and form.llm_provider:
            from agents.providers import store_api_key

            store_api_key(form.llm_provider, form.llm_api_key)
            llm_changed = True
        save_settings(self.data_dir, s)
        _sync_autostart(s)
        if self.capture is not None:
            _apply_capture(self.capture, s)
        if llm_changed and self.store is not None and self.model_ready:
            self.load_models(lambda *_: None)
        if chroma_changed:
            return "Saved. The Chroma server URL applies at the next start."
        return "Saved and applied."


def _sync_autostart(s: Settings) -> None:
    """Keep the start-at-login entry in step with the setting (never fails the save)."""
    from mirix_app.desktop import autostart

    try:
        autostart.sync(s.start_at_login)
    except OSError as error:
        log.warning("start at login: %s", error)


def _copy_form(form: SettingsForm, s: Settings) -> None:
    cap, llm = s.capture, s.llm
    cap.interval_s = max(0.2, float(form.interval_s))
    cap.dedupe_threshold = float(form.dedupe_threshold)
    cap.excluded_apps = [a for a in form.excluded_apps if a.strip()]
    cap.excluded_title_patterns = [p for p in form.excluded_title_patterns if p.strip()]
    cap.idle_timeout_s = float(form.idle_timeout_s)
    cap.frame_budget_bytes = int(form.frame_budget_mb) * 1024**2
    llm.provider, llm.model, llm.base_url = form.llm_provider, form.llm_model, form.llm_base_url
    llm.tokens_per_hour = int(form.tokens_per_hour)
    llm.memorize_mode = form.memorize_mode
    s.chroma_url = form.chroma_url.strip()
    s.theme = form.theme
    s.start_at_login = bool(form.start_at_login)


def _apply_capture(loop: Any, s: Settings) -> None:
    """Change a running capture loop in place: interval, dedupe, exclusions, idle timeout, frame budget."""
    from mirix_app.capture.dedupe import Deduper
    from mirix_app.capture.exclusions import ExclusionRules

    cap = s.capture
    loop.interval_s = cap.interval_s
    loop.idle_timeout_s = cap.idle_timeout_s
    pipeline = loop.pipeline
    pipeline.rules = ExclusionRules(cap.excluded_apps, cap.excluded_title_patterns, cap.exclude_private_browsing)
    pipeline.deduper = Deduper(cap.dedupe_threshold)
    pipeline.frames.budget_bytes = cap.frame_budget_bytes
    pipeline.status.budget_bytes = cap.frame_budget_bytes
