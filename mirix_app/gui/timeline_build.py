"""One day's activity strip: episodic events as spans and kept frames as points, in local time."""

from __future__ import annotations

import io
import logging
from datetime import datetime, timedelta

from PIL import Image

from stores.frames import FrameStore
from stores.memory_store import MemoryStore
from stores.timeutil import to_epoch
from ui.viewmodels import TimelineDay, TimelineItem

log = logging.getLogger(__name__)

MAX_FRAMES = 2000
THUMB_HEIGHT = 108  # twice the strip's thumbnail height: sharp on a high-density screen
MIN_EVENT_S = 300.0


def day_bounds(day: str) -> tuple[float, float]:
    """Epoch seconds of local midnight at the start and end of ``day`` (YYYY-MM-DD)."""
    start = datetime.strptime(day, "%Y-%m-%d").astimezone()
    return start.timestamp(), (start + timedelta(days=1)).timestamp()


def build_day(store: MemoryStore, day: str) -> TimelineDay:
    """Episodic events that overlap the day and the frames kept during it."""
    start, end = day_bounds(day)
    items: list[TimelineItem] = []
    for memory_id, occurred, ended, summary, app in store.episodes_between(start, end):
        t0 = to_epoch(occurred) or 0.0
        t1 = to_epoch(ended) if ended else None
        t1 = max(t1 or t0, t0 + MIN_EVENT_S)
        if t1 < start or t0 >= end:
            continue
        label = f"{app}: {summary}" if app else str(summary)
        items.append(TimelineItem("event", memory_id, max(t0, start) - start, min(t1, end) - start, label))
    for obs_id, epoch, app, title in store.frames_between(start, end, MAX_FRAMES):
        items.append(TimelineItem("frame", obs_id, epoch - start, epoch - start, f"{app or '?'}: {title or ''}"))
    return TimelineDay(day, items)


def thumbnails(store: MemoryStore, observation_ids: list[str], height: int = THUMB_HEIGHT) -> dict[str, bytes]:
    """Small JPEG thumbnails of frames, decrypted and scaled in memory (frames whose file is gone are left out)."""
    assert store.data_dir is not None
    frames = FrameStore(store.data_dir, store.frame_key, 0)
    out: dict[str, bytes] = {}
    for obs in store.observations.get_many(observation_ids):
        if not obs.get("frame_file"):
            continue
        try:
            image = Image.open(io.BytesIO(frames.read(obs["frame_file"])))
            image.thumbnail((height * 3, height))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="JPEG", quality=80)
        except (OSError, ValueError) as error:
            log.info("no thumbnail for %s: %s", obs["id"], error)
            continue
        out[obs["id"]] = buffer.getvalue()
    return out
