"""The capture pipeline: frame -> drop checks -> OCR -> redact -> image vector -> encrypted file -> observation."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PIL import Image, ImageDraw

from mirix_app.capture.dedupe import Deduper, thumbnail
from mirix_app.capture.encode import downscale, encode_webp
from mirix_app.capture.exclusions import ExclusionRules
from mirix_app.capture.frame import Frame
from mirix_app.capture.image_embedder import ImageEmbedder
from mirix_app.capture.incremental_ocr import IncrementalOcr
from mirix_app.capture.ocr import OcrEngine, OcrResult
from mirix_app.capture.status import StatusBoard
from stores.frames import FrameStore
from stores.image_vectors import ImageVectorIndex
from stores.memory_store import MemoryStore
from stores.observations import NewObservation
from stores.redaction import redact

log = logging.getLogger(__name__)


@dataclass
class KeptFrame:
    """A frame that passed the drop checks and waits for OCR and storage."""

    frame: Frame
    dedupe_key: str | int
    source_id: str
    content_hash: str | None = None


@dataclass(frozen=True)
class StoredFrame:
    """What storing a frame produced."""

    observation_id: str
    frame_file: str
    stored_bytes: int
    text: str


class CapturePipeline:
    """Decides what to keep and stores it; ``screen`` is cheap (ticker thread), ``process`` is heavy (worker)."""

    def __init__(
        self,
        store: MemoryStore,
        frames: FrameStore,
        rules: ExclusionRules,
        deduper: Deduper,
        ocr: OcrEngine,
        status: StatusBoard,
        image_embedder: ImageEmbedder | None = None,
        image_index: ImageVectorIndex | None = None,
        max_width: int = 1280,
        max_frame_bytes: int = 150_000,
        submit: Callable[[Callable[[], Any]], Any] | None = None,
    ) -> None:
        self.store = store
        self.frames = frames
        self.rules = rules
        self.deduper = deduper
        self.ocr = ocr
        self.incremental_ocr = IncrementalOcr(ocr)
        self.status = status
        self.image_embedder = image_embedder if image_embedder is not None and image_embedder.available else None
        self.image_index = image_index if self.image_embedder is not None else None
        self.max_width = max_width
        self.max_frame_bytes = max_frame_bytes
        # every database and vector-index job goes through ``submit`` (the owner's engine thread in the app;
        # called in place where the calling thread is the only one using the store: CLI capture and imports)
        self.submit: Callable[[Callable[[], Any]], Any] = submit or _inline
        self.stopping = threading.Event()  # set at quit: frames still in OCR are dropped, not written
        self.stage_cpu: Counter[str] = Counter()  # CPU seconds per stage (process-wide clock), for benchmarks
        self._forgotten: list[tuple[float, float]] = []  # ranges the user forgot while frames were in flight
        self.refresh_disk()

    def forgotten(self, since: float, until: float) -> None:
        """On the engine thread, with the forget: frames of [since, until] still in flight are dropped, not written.

        The store already deleted the range's frame files, so the frame listing is read again.
        """
        self._forgotten = [*self._forgotten[-19:], (since, until)]
        self.frames.rescan()
        self.refresh_disk()

    def _was_forgotten(self, epoch: float) -> bool:
        return any(low <= epoch <= high for low, high in self._forgotten)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.process_time()
        try:
            yield
        finally:
            self.stage_cpu[name] += time.process_time() - start

    def refresh_disk(self) -> None:
        self.status.set_disk(*self.frames.usage())

    # -- cheap checks (ticker thread) -------------------------------------------------------
    def screen(
        self,
        frame: Frame,
        dedupe_key: str | int | None = None,
        source_id: str | None = None,
        content_hash: str | None = None,
    ) -> KeptFrame | None:
        """Count the frame as seen; return it for processing, or None when a drop rule applies."""
        self.status.saw()
        if self.rules.check(frame.window) is not None:
            self.status.dropped("excluded")
            return None
        key = frame.monitor if dedupe_key is None else dedupe_key
        with self.stage("dedupe"):
            thumb = thumbnail(frame.image)
            duplicate = self.deduper.is_duplicate(key, thumb)
            if not duplicate:
                self.deduper.remember(key, thumb)
        if duplicate:
            self.status.dropped("duplicate")
            return None
        if source_id is None:
            source_id = f"frame:{int(frame.epoch * 1000)}:{frame.monitor}:{secrets.token_hex(4)}"
        return KeptFrame(frame, key, source_id, content_hash)

    # -- heavy work (worker thread) -----------------------------------------------------------
    def process(self, kept: KeptFrame) -> StoredFrame | None:
        """OCR, redact, embed, encrypt and store one kept frame as a pending observation."""
        try:
            return self._process(kept)
        except Exception as error:  # noqa: BLE001 - one bad frame must not stop capture
            if self.stopping.is_set():
                log.info("capture: a frame in flight at quit was not stored (%s)", type(error).__name__)
                return None
            log.exception("capture: a frame could not be stored")
            self.deduper.forget(kept.dedupe_key)
            self.incremental_ocr.forget(kept.dedupe_key)
            self.status.error(f"{type(error).__name__}: {error}")
            return None

    def _process(self, kept: KeptFrame) -> StoredFrame | None:
        frame = kept.frame
        if self.submit(lambda: self._known(kept.source_id)):
            self.status.dropped("duplicate")
            return None
        with self.stage("ocr"):
            ocr = self.incremental_ocr.read(kept.dedupe_key, frame.image)
        with self.stage("redact"):
            text, title, lines, secret_boxes, redactions = _redacted(ocr, frame.window.title)
        image = downscale(frame.image, self.max_width)
        if secret_boxes:
            image = _black_out(image, secret_boxes, frame.image.width)
        vector = None
        if self.image_embedder is not None:
            with self.stage("embed"):
                vector = self.image_embedder.embed_images([image])[0]
        with self.stage("encode"):
            encoded = encode_webp(image, self.max_frame_bytes)
        if self.stopping.is_set():
            return None
        with self.stage("encrypt_write"):
            rel, over_budget = self.frames.write(encoded, frame.epoch, frame.monitor)
        stored_bytes = (self.frames.data_dir / rel).stat().st_size
        meta = {
            "origin": frame.origin,
            "width": frame.image.width,
            "height": frame.image.height,
            "ocr_lines": lines,
            "redactions": dict(redactions),
            "image_vector": self.image_embedder.name if vector is not None else None,
            "wm_class": list(frame.window.wm_class),
        }
        when = datetime.fromtimestamp(frame.epoch, UTC).isoformat()
        record = NewObservation(
            kind="frame",
            source_id=kept.source_id,
            time=when,
            text=text,
            app=frame.window.app,
            title=title,
            monitor=frame.monitor,
            frame_file=rel,
            meta=meta,
            content_hash=kept.content_hash,
        )

        def write() -> tuple[str, bool] | None:
            if self._was_forgotten(frame.epoch):  # forgotten while it was in OCR: runs after the forget job
                return None
            with self.store.transaction():
                obs_id, created = self.store.observations.add(record)
                if vector is not None and self.image_index is not None:
                    self.image_index.record(obs_id, vector, frame.epoch, frame.window.app)
                if over_budget:
                    self.store.forget_frame_files(over_budget)
            return obs_id, created

        try:
            with self.stage("database"):
                written = self.submit(write)
        except BaseException:
            self.frames.delete([rel])
            raise
        if written is None:
            self.frames.delete([rel])
            self.status.dropped("forgotten")
            return None
        obs_id, created = written
        if not created:  # raced with an identical import: keep the first one's file only
            self.frames.delete([rel])
        self.status.kept()
        self.refresh_disk()
        return StoredFrame(obs_id, rel, stored_bytes, text)

    def _known(self, source_id: str) -> bool:
        return self.store.has_source(source_id)

    def sync_vectors(self) -> None:
        """Push text and image vectors of stored frames to Chroma (failures wait in the outbox)."""
        with self.stage("index"):
            try:
                self.submit(self._sync_vectors)
            except Exception as error:  # noqa: BLE001 - quitting (engine gone): the outbox waits for the next start
                if not self.stopping.is_set():
                    raise
                log.info("capture: vector sync left for the next start (%s)", type(error).__name__)

    def _sync_vectors(self) -> None:
        self.store.sync_vectors()
        if self.image_index is not None:
            try:
                self.image_index.sync()
            except Exception as error:  # noqa: BLE001 - Chroma down: the rows stay unindexed and retry
                log.warning("image vector sync postponed: %s", error)

    def ingest(
        self,
        frame: Frame,
        dedupe_key: str | int | None = None,
        source_id: str | None = None,
        content_hash: str | None = None,
    ) -> StoredFrame | None:
        """``screen`` then ``process`` in the calling thread (imports, ``capture --once``, benchmarks)."""
        kept = self.screen(frame, dedupe_key, source_id, content_hash)
        return self.process(kept) if kept is not None else None


def _inline(job: Callable[[], Any]) -> Any:
    return job()


def _redacted(ocr: OcrResult, title: str) -> tuple[str, str, list[dict], list[tuple[int, ...]], Counter[str]]:
    """Redact the whole text (secrets spanning lines), each line (for boxes) and the window title."""
    counts: Counter[str] = Counter()
    whole = redact(ocr.text)
    counts.update(whole.counts)
    lines, secret_boxes = [], []
    for line in ocr.boxes():
        cleaned = redact(line["text"])
        if cleaned.total or cleaned.text != line["text"]:
            secret_boxes.append(tuple(line["box"]))
        line["text"] = cleaned.text
        lines.append(line)
    title_clean = redact(title or "")
    counts.update(title_clean.counts)
    if whole.total and not secret_boxes:
        # A secret that only shows across lines: hide every line's text from the boxes, keep the geometry.
        for line in lines:
            line["text"] = ""
    return whole.text, title_clean.text, lines, secret_boxes, counts


def _black_out(image: Image.Image, boxes: list[tuple[int, ...]], source_width: int) -> Image.Image:
    """Paint over the lines that held secrets, so the stored picture does not show them either."""
    scale = image.width / max(1, source_width)
    image = image.copy()
    draw = ImageDraw.Draw(image)
    for x0, y0, x1, y1 in boxes:
        draw.rectangle((x0 * scale - 2, y0 * scale - 2, x1 * scale + 2, y1 * scale + 2), fill=(0, 0, 0))
    return image


def content_hash(data: bytes) -> str:
    """The content hash of an imported image: the same content imported twice adds nothing."""
    return hashlib.sha256(data).hexdigest()[:32]


def content_source_id(data: bytes) -> str:
    """The source id older versions gave an imported image (still recognised on re-import)."""
    return "frame-import:" + content_hash(data)


__all__ = ["CapturePipeline", "KeptFrame", "StoredFrame", "content_hash", "content_source_id"]
