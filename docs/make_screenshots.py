"""Start the real desktop app under Xvfb with demo data and save a screenshot of each screen in docs/screenshots/."""

from __future__ import annotations

import argparse
import contextlib
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
    app.processEvents()
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    path.chmod(0o644)  # the app sets a private umask; screenshots are for the docs
    log.info("saved %s", path.relative_to(ROOT))


def run(embedder: str) -> None:
    from PySide6.QtWidgets import QApplication

    from mirix_app.factories import make_gui_capture
    from mirix_app.gui.run import build_gui
    from mirix_app.gui.services import Factories
    from mirix_app.settings import load_settings

    app = QApplication.instance() or QApplication(["mirix-app"])
    work = Path(tempfile.mkdtemp(prefix="mirix-shots-"))
    try:
        fresh = build_gui(work / "fresh", load_settings(work), Factories(capture_loop=None), app)
        fresh.window.show()
        wait_for(app, lambda: fresh.window.unlock.info is not None)
        fresh.window.unlock.passphrase.setText("correct horse battery")
        fresh.window.unlock.confirm.setText("correct horse battery")
        shoot(app, fresh.window, "first_run")
        fresh.close()

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
        wait_for(app, lambda: bool(ready), timeout=120)

        replies: list = []
        gui.bridges.chat.chat_reply.connect(replies.append)
        for count, question in enumerate(("Where does Ann work?", "pottery class on Saturday"), start=1):
            w.chat.input.setText(question)
            w.chat.send_button.click()
            wait_for(app, lambda n=count: len(replies) >= n)
        shoot(app, w, "chat")

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

        graphs: list = []
        gui.bridges.explore.graph_ready.connect(graphs.append)
        w.tabs.setCurrentWidget(w.graph)
        wait_for(app, lambda: bool(graphs))
        shoot(app, w, "graph")

        days: list = []
        gui.bridges.explore.timeline_ready.connect(days.append)
        w.tabs.setCurrentWidget(w.timeline)
        wait_for(app, lambda: bool(days))
        frame = next(i for i in w.timeline.strip.items if i.kind == "frame")
        w.timeline.slider.setValue(int(frame.start_s))
        w.timeline.strip.item_clicked.emit(frame)
        wait_for(app, lambda: w.timeline.frame.pixmap() is not None and not w.timeline.frame.pixmap().isNull())
        shoot(app, w, "timeline")

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
