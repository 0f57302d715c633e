"""Start the real desktop app under Xvfb with demo data and save a screenshot of each screen in docs/screenshots/."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the demo data (tests/demo.py)
OUT = ROOT / "docs" / "screenshots"
PASSPHRASE = "demo passphrase for screenshots"
log = logging.getLogger("screenshots")


@contextlib.contextmanager
def xvfb(display: int, size: str = "1400x900x24") -> Iterator[None]:
    """Run Xvfb on ``:display`` for the duration (our own process, stopped by its pid)."""
    command = ["Xvfb", f":{display}", "-screen", "0", size, "-nolisten", "tcp"]
    proc = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    os.environ["DISPLAY"] = f":{display}"
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    time.sleep(1.0)
    try:
        yield
    finally:
        proc.terminate()
        proc.wait(10)


def wait_for(app, condition: Callable[[], bool], timeout: float = 60.0, settle: float = 0.4) -> None:
    """Process Qt events until ``condition()`` holds, then a little longer so the screen settles."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the app did not reach the expected state")
        app.processEvents()
        time.sleep(0.02)
    end = time.monotonic() + settle
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def seed(data_dir: Path, embedder: str) -> dict:
    from demo import seed_demo

    from mirix_app.factories import make_embedder
    from mirix_app.settings import Settings, save_settings
    from stores.memory_store import MemoryStore

    settings = Settings(embedder=embedder)
    settings.capture.enabled = True  # the user agreed to capture (the first-run choice has its own screenshot)
    store = MemoryStore.open(data_dir, PASSPHRASE, make_embedder(settings), prefer_passphrase=True)
    try:
        ids = seed_demo(store)
    finally:
        store.close()
    save_settings(data_dir, settings)
    return ids


def shoot(app, widget, name: str) -> None:
    """Save ``name``.png in the light theme and ``name``_dark.png in the dark one (the theme is a palette swap)."""
    from ui.theme import apply_theme

    for theme, suffix in (("light", ""), ("dark", "_dark")):
        apply_theme(app, theme)
        settle(app)
        path = OUT / f"{name}{suffix}.png"
        widget.grab().save(str(path))
        path.chmod(0o644)  # the app sets a private umask; screenshots are for the docs
        log.info("saved %s", path.relative_to(ROOT))
    apply_theme(app, "light")
    settle(app)


def settle(app, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def first_run(app, work: Path) -> None:
    """The first start (passphrase with confirmation), then the empty memory it opens."""
    from mirix_app.gui.run import build_gui
    from mirix_app.gui.services import Factories
    from mirix_app.settings import load_settings

    fresh = build_gui(work / "fresh", load_settings(work), Factories(capture_loop=None), app)
    w = fresh.window
    w.show()
    wait_for(app, lambda: w.unlock.info is not None)
    w.unlock.passphrase.setText("correct horse battery")
    w.unlock.confirm.setText("correct horse battery")
    shoot(app, w, "first_run")
    overview: list = []
    fresh.bridges.memories.overview_ready.connect(overview.append)
    w.unlock.button.click()
    wait_for(app, lambda: w.capture_choice.isVisible() or w.unlocked, timeout=120)
    if w.capture_choice.isVisible():
        w.capture_choice.later_button.click()  # "Not now": nothing is captured in the docs' fresh memory
    wait_for(app, lambda: bool(overview) and w.tabs.isVisible(), timeout=120)
    shoot(app, w, "empty_chat")
    w.tabs.setCurrentWidget(w.memories)
    w.memories.show_type("semantic")
    wait_for(app, lambda: w.memories.tables["semantic"].loaded)
    shoot(app, w, "empty_memories")
    fresh.close()


def chat_and_search(app, gui, ids: dict) -> None:
    """Two conversations with cited answers, then the search over everything."""
    w = gui.window
    replies: list = []
    gui.bridges.chat.chat_reply.connect(replies.append)
    for count, question in enumerate(("Where does Ann work?", "pottery class on Saturday"), start=1):
        if count > 1:
            w.chat.clear_button.click()  # a new conversation
        w.chat.input.setText(question)
        w.chat.send_button.click()
        wait_for(app, lambda n=count: len(replies) >= n)
    wait_for(app, lambda: len(w.chat.threads.titles()) == 2)
    shoot(app, w, "chat")

    results: list = []
    gui.bridges.memories.results_ready.connect(lambda q, rows: results.append(q.text))
    w.show_search()
    from PySide6.QtTest import QTest

    QTest.keyClicks(w.memories.search.field, "Lisbon")
    wait_for(app, lambda: "Lisbon" in results, timeout=60)
    w.memories.results.list.setCurrentRow(0)
    wait_for(app, lambda: w.memories.detail.detail is not None)
    shoot(app, w, "search")
    w.memories.search.field.clear()


def memories(app, gui, ids: dict, work: Path) -> None:
    """A fact and why it is believed, a procedure's source frame, the vault, a chat import's summary."""
    w = gui.window
    w.tabs.setCurrentWidget(w.memories)
    w.memories.show_type("semantic")
    table = w.memories.tables["semantic"]
    wait_for(app, lambda: bool(table.rows()))
    table.select_id(ids["semantic"])
    wait_for(app, lambda: w.memories.detail.detail is not None)
    w.memories.detail.why_button.click()
    wait_for(app, lambda: w.memories.detail.sources_list.isVisible())
    shoot(app, w, "memories")

    w.memories.show_type("procedural")
    table = w.memories.tables["procedural"]
    wait_for(app, lambda: bool(table.rows()))
    table.select_id(ids["procedural"])
    wait_for(app, lambda: w.memories.detail.detail is not None and w.memories.detail.detail.id == ids["procedural"])
    w.memories.detail.why_button.click()
    wait_for(app, lambda: w.memories.detail.frame.isVisible())
    shoot(app, w, "provenance_frame")

    w.memories.show_type("knowledge_vault")
    table = w.memories.tables["knowledge_vault"]
    wait_for(app, lambda: bool(table.rows()))
    table.select_id(ids["vault"])
    wait_for(app, lambda: w.memories.detail.detail is not None and w.memories.detail.detail.id == ids["vault"])
    w.memories.detail.history_button.click()
    shoot(app, w, "vault_masked")

    lines = [
        {"id": "c1", "time": "2026-03-02T09:00:00", "speaker": "Carla", "text": "Lunch at Time Out Market?"},
        {"id": "c2", "time": "2026-03-02T09:01:00", "speaker": "Ann", "text": "Yes, 13:00 at the entrance"},
        "{not json",
        {"id": "c3", "time": "yesterday", "speaker": "Ann", "text": "a time that is not ISO-8601"},
    ]
    path = work / "carla.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    done: list = []
    gui.bridges.memories.import_done.connect(done.append)
    w.memories.ask_chat_path = lambda: str(path)
    w.memories.show_type("observation")
    w.memories.import_chat_button.click()
    wait_for(app, lambda: bool(done), timeout=60)
    wait_for(app, lambda: any("Carla" in r.title for r in w.memories.tables["observation"].rows()))
    shoot(app, w, "import")


def explore(app, gui, ids: dict) -> None:
    """The graph with a memory selected, the timeline zoomed to the frames with one shown."""
    w = gui.window
    graphs: list = []
    gui.bridges.explore.graph_ready.connect(graphs.append)
    w.tabs.setCurrentWidget(w.graph)
    wait_for(app, lambda: bool(graphs) and bool(w.graph.nodes))
    w.graph.select_id(ids["procedural"])
    shoot(app, w, "graph")

    days: list = []
    gui.bridges.explore.timeline_ready.connect(days.append)
    thumbs: list = []
    gui.bridges.explore.thumbnails_ready.connect(thumbs.append)
    w.tabs.setCurrentWidget(w.timeline)
    wait_for(app, lambda: bool(days))
    frames = [i for i in w.timeline.strip.items if i.kind == "frame"]
    first, last = frames[0].start_s, frames[-1].start_s
    w.timeline.zoom_to(max(3600.0, (last - first) * 1.15), (first + last) / 2)  # every frame in view
    wait_for(app, lambda: bool(thumbs), timeout=30)
    w.timeline.strip.setFocus()
    w.timeline.strip.choose(frames[1])
    wait_for(app, lambda: w.timeline.frame.pixmap() is not None and not w.timeline.frame.pixmap().isNull())
    shoot(app, w, "timeline")


def run(embedder: str) -> None:
    from PySide6.QtWidgets import QApplication

    from mirix_app.factories import make_gui_capture
    from mirix_app.gui.run import build_gui
    from mirix_app.gui.services import Factories
    from mirix_app.settings import load_settings

    app = QApplication.instance() or QApplication(["mirix-app"])
    work = Path(tempfile.mkdtemp(prefix="mirix-shots-"))
    try:
        first_run(app, work)
        data_dir = work / "demo"
        ids = seed(data_dir, embedder)
        gui = build_gui(data_dir, load_settings(data_dir), Factories(capture_loop=make_gui_capture), app)
        w = gui.window
        w.show()
        wait_for(app, lambda: w.unlock.info is not None)
        w.unlock.passphrase.setText(PASSPHRASE)
        shoot(app, w, "unlock")
        w.unlock.button.click()
        ready: list[str] = []
        gui.bridges.session.models_ready.connect(ready.append)
        wait_for(app, lambda: bool(ready), timeout=180)

        chat_and_search(app, gui, ids)
        memories(app, gui, ids, work)
        explore(app, gui, ids)

        statuses: list = []
        gui.bridges.capture.status_ready.connect(statuses.append)
        w.tabs.setCurrentWidget(w.capture)
        wait_for(app, lambda: len(statuses) >= 2, timeout=30)
        shoot(app, w, "capture")

        w.tabs.setCurrentWidget(w.settings)
        wait_for(app, lambda: w.settings.interval.value() > 0)
        shoot(app, w, "settings")
        gui.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--display", type=int, default=97, help="the Xvfb display number to start")
    parser.add_argument("--embedder", default="minilm", choices=["minilm", "hashing"])
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
    OUT.mkdir(parents=True, exist_ok=True)
    with xvfb(args.display):
        run(args.embedder)
    return 0


if __name__ == "__main__":
    from mirix_app.gui.run import exit_now

    exit_now(main())  # like the app: do not wait on a capture thread still in native OCR (it aborted the exit)
