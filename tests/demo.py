"""Demo memory for screenshots, benchmarks and UI tests: a short chat, a few screen frames, every memory type."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from mirix_app.factories import make_memorizer
from mirix_app.settings import Settings
from stores.frames import FrameStore
from stores.memory_store import MemoryStore
from stores.observations import NewObservation

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
VAULT_SECRET = "Zebra-Quartz-9177"

CHAT = [
    ("Ann", "I moved to Lisbon last month and started a job at Acme Robotics"),
    ("Bob", "Congrats! How is the new flat in Alfama?"),
    ("Ann", "Lovely, but the stairs are brutal. Booked a pottery class for Saturday at Clay Studio"),
    ("Bob", "Nice. Are you still running the Lisbon half marathon in October?"),
    ("Ann", "Yes, training three mornings a week along the river"),
    ("Ann", "Reminder to self: the quarterly report for Acme is due on Friday"),
]

FRAMES = [
    ("code", "report.py - Visual Studio Code", ["def quarterly_report(sales):", "  return summarize(sales)"]),
    ("firefox", "Clay Studio - Pottery classes", ["Clay Studio Lisbon", "Saturday wheel-throwing class 10:00"]),
    ("libreoffice", "Q3 report.odt - LibreOffice", ["Acme Robotics - Q3 report", "Revenue up 12% in Portugal"]),
]


def render_screen(lines: list[str], title: str, size: tuple[int, int] = (1280, 720)) -> bytes:
    """A screen-like PNG: a title bar and lines of text."""
    image = Image.new("RGB", size, (250, 250, 252))
    draw = ImageDraw.Draw(image)
    try:
        font, small = ImageFont.truetype(FONT, 34), ImageFont.truetype(FONT, 22)
    except OSError:
        font = small = ImageFont.load_default()
    draw.rectangle((0, 0, size[0], 48), fill=(45, 52, 64))
    draw.text((20, 12), title, fill=(235, 235, 235), font=small)
    for i, line in enumerate(lines):
        draw.text((70, 120 + i * 70), line, fill=(25, 25, 30), font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _iso(moment: datetime) -> str:
    return moment.astimezone().isoformat()


def seed_demo(store: MemoryStore, now: datetime | None = None) -> dict[str, Any]:
    """Fill an empty store with demo observations and memories of every type; returns a few of their ids."""
    now = now or datetime.now().astimezone().replace(second=0, microsecond=0)
    # the demo day is today (the timeline shows today): from 9:00, else from 3 hours ago, else from midnight
    if now.hour >= 12:
        start = now.replace(hour=9, minute=0)
    else:
        start = max(now - timedelta(hours=3), now.replace(hour=0, minute=0))
    chat = [
        NewObservation("chat", f"demo-msg-{i}", _iso(start + timedelta(minutes=3 * i)), text, speaker=who, session="s1")
        for i, (who, text) in enumerate(CHAT)
    ]
    store.observations.add_many(chat)
    frame_ids = _add_frames(store, start + timedelta(hours=1))
    make_memorizer(store, Settings()).run(until_empty=True)
    msg = {o["source_id"]: o["id"] for o in store.observations.get_many(_ids(store, [c.source_id for c in chat]))}
    ids = {"frames": frame_ids}
    human = "Ann, lives in Lisbon (Alfama), works at Acme Robotics"
    ids["core"] = store.add("core", {"label": "human", "value": human})
    store.add("core", {"label": "persona", "value": "A concise assistant that cites its sources."})
    ids["semantic"] = store.add(
        "semantic",
        {"name": "Ann's employer", "summary": "Ann works at Acme Robotics in Lisbon", "source": "chat"},
        [msg["demo-msg-0"]],
    )
    store.add(
        "semantic",
        {"name": "Lisbon half marathon", "summary": "Ann is running the Lisbon half marathon in October"},
        [msg["demo-msg-3"], msg["demo-msg-4"]],
    )
    ids["procedural"] = store.add(
        "procedural",
        {
            "entry_type": "workflow",
            "summary": "How Ann builds the quarterly report",
            "steps": ["Export sales from the CRM", "Run report.py", "Paste the charts into Q3 report.odt"],
        },
        [frame_ids[0], frame_ids[2]],
    )
    store.add(
        "resource",
        {"title": "Clay Studio class page", "resource_type": "url", "uri": "https://claystudio.example/classes"},
        [frame_ids[1]],
    )
    ids["vault"] = store.add(
        "knowledge_vault",
        {"caption": "Acme VPN password", "secret_value": VAULT_SECRET, "sensitivity": "high", "source": "chat"},
    )
    store.add("knowledge_vault", {"caption": "Gym locker code", "secret_value": "4471", "sensitivity": "low"})
    return ids


def _ids(store: MemoryStore, source_ids: list[str]) -> list[str]:
    return [store.observations.by_source_id(s)["id"] for s in source_ids]


def _add_frames(store: MemoryStore, first: datetime) -> list[str]:
    assert store.data_dir is not None
    frames = FrameStore(store.data_dir, store.frame_key, 2 * 1024**3)
    out = []
    for i, (app_name, title, lines) in enumerate(FRAMES):
        moment = first + timedelta(minutes=40 * i)
        rel, _ = frames.write(render_screen(lines, title), moment.timestamp())
        new = NewObservation(
            "frame", f"demo-frame-{i}", _iso(moment), "\n".join(lines), app=app_name, title=title, frame_file=rel
        )
        out.append(store.observations.add(new)[0])
    return out
