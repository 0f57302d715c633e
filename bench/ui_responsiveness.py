"""UI responsiveness: launch-to-window time, and the longest GUI-thread stall while memorizing and searching."""

from __future__ import annotations

import time

START = time.perf_counter()  # before any heavy import: "launch"

import argparse  # noqa: E402
import contextlib  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the demo data (tests/demo.py)
PASSPHRASE = "benchmark passphrase"
HEARTBEAT_MS = 10
QUESTIONS = ["Where does Ann work?", "pottery class", "quarterly report", "Lisbon half marathon", "Clay Studio"]


@contextlib.contextmanager
def chroma_server(path: Path, port: int = 8765) -> Iterator[str]:
    """A Chroma server (`chroma run`) in its own process: its index work cannot hold this process's GIL."""
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen([str(chroma), "run", "--path", str(path), "--port", str(port)], stdout=subprocess.DEVNULL)
    time.sleep(3.0)
    try:
        yield f"http://localhost:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def display(use_xvfb: bool, number: int) -> Iterator[str]:
    """A real X display (Xvfb started here) or Qt's offscreen platform."""
    if not use_xvfb or not shutil.which("Xvfb"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        yield "offscreen"
        return
    proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1400x900x24"], stderr=subprocess.DEVNULL)
    os.environ["DISPLAY"], os.environ["QT_QPA_PLATFORM"] = f":{number}", "xcb"
    time.sleep(1.0)
    try:
        yield f"Xvfb :{number}"
    finally:
        proc.terminate()
        proc.wait(10)


class Heartbeat:
    """A QTimer that records how late each of its ticks is: the GUI thread's stalls."""

    def __init__(self, interval_ms: int = HEARTBEAT_MS) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.interval = interval_ms / 1000
        self.lateness: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self._last = 0.0

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness.append(max(0.0, now - self._last - self.interval))
        self._last = now

    def stop(self) -> None:
        self.timer.stop()


def pump(app, condition: Callable[[], bool], timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("timed out")
        app.processEvents()
        time.sleep(0.002)


def seed(data_dir: Path, embedder: str, extra_messages: int, chroma_url: str = "") -> None:
    from demo import seed_demo

    from mirix_app.factories import make_embedder
    from mirix_app.settings import Settings, save_settings
    from stores.memory_store import MemoryStore
    from stores.observations import NewObservation

    settings = Settings(embedder=embedder, memorize_batch_size=20, chroma_url=chroma_url)
    store = MemoryStore.open(
        data_dir, PASSPHRASE, make_embedder(settings), chroma_url=chroma_url or None, prefer_passphrase=True
    )
    try:
        seed_demo(store)
        words = "Ann Bob Lisbon Acme report pottery marathon river Alfama robots sales charts class".split()  # noqa: SIM905
        news = [
            NewObservation(
                "chat",
                f"bench-{i}",
                f"2026-01-{1 + i // 200:02d}T{(i // 10) % 24:02d}:{i % 60:02d}:00",
                " ".join(words[(i + j) % len(words)] for j in range(12)),
                speaker="Ann" if i % 2 else "Bob",
                session=f"s{i // 40}",
            )
            for i in range(extra_messages)
        ]
        store.observations.add_many(news)
        store.sync_vectors()
    finally:
        store.close()
    save_settings(data_dir, settings)


def run(args: argparse.Namespace) -> dict:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from mirix_app.gui.run import build_gui
    from mirix_app.gui.services import Factories
    from mirix_app.settings import load_settings

    app = QApplication.instance() or QApplication(["mirix-app"])
    data_dir = Path(args.work) / "bench"
    gui = build_gui(data_dir, load_settings(data_dir), Factories(capture_loop=None), app)
    shown: list[float] = []
    gui.window.first_shown.connect(lambda: shown.append(time.perf_counter()))
    gui.window.show()
    pump(app, lambda: bool(shown), 30)
    window_s = shown[0] - args.start
    pump(app, lambda: gui.window.unlock.info is not None, 30)

    beat = Heartbeat()
    beat.start()
    ready: list[str] = []
    gui.bridges.session.models_ready.connect(ready.append)
    gui.window.unlock.passphrase.setText(PASSPHRASE)
    gui.window.unlock.button.click()
    pump(app, lambda: bool(ready), 120)
    unlock_stall = max(beat.lateness, default=0.0)
    beat.lateness.clear()

    pending = lambda: gui.engine.submit(lambda: gui.services.store.observations.counts()["pending"]).result()  # noqa: E731
    before = pending()
    answers: list = []
    gui.bridges.chat.chat_reply.connect(answers.append)
    searches: list = []
    gui.bridges.memories.search_listed.connect(lambda q, rows: searches.append(len(rows)))
    load = QTimer()
    step = [0]

    def drive() -> None:
        step[0] += 1
        gui.bridges.capture.on_memorize()
        gui.bridges.memories.on_search(QUESTIONS[step[0] % len(QUESTIONS)])
        if step[0] % 10 == 0:
            gui.window.chat.input.setText(QUESTIONS[step[0] // 10 % len(QUESTIONS)])
            gui.window.chat.send_button.click()
        if step[0] % 25 == 0:
            gui.bridges.explore.on_graph([], "")

    load.timeout.connect(drive)
    load.start(50)
    t0 = time.perf_counter()
    pump(app, lambda: time.perf_counter() - t0 > args.seconds, args.seconds + 30)
    load.stop()
    pump(app, lambda: not gui.bridges.busy, 60)
    beat.stop()
    after = pending()
    lateness = sorted(beat.lateness)
    gui.close()
    return {
        "window_s": window_s,
        "unlock_and_load_stall_ms": unlock_stall * 1000,
        "load_seconds": args.seconds,
        "memorized": before - after,
        "searches": len(searches),
        "chat_answers": len(answers),
        "ticks": len(lateness),
        "max_stall_ms": lateness[-1] * 1000 if lateness else 0.0,
        "p99_stall_ms": lateness[int(len(lateness) * 0.99)] * 1000 if lateness else 0.0,
        "over_50ms": sum(1 for x in lateness if x > 0.05),
    }


def report(result: dict, args: argparse.Namespace, where: str) -> str:
    cpu = platform.processor() or platform.machine()
    return f"""# UI responsiveness

Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, Python {platform.python_version()},
no GPU; display: {where}; embedder: {args.embedder}; vectors: {args.chroma_url or "embedded Chroma, child process"}.

Command: `.venv/bin/python bench/ui_responsiveness.py --embedder {args.embedder} --seconds {args.seconds:g}{
        " --chroma-server" if args.chroma_server else ""
    }`

The data dir (seeded by a separate process) holds the demo memory plus {args.messages} pending chat messages.
"Launch" is the moment this process, which has imported only the standard library, starts importing PySide6
and the app; "window shown" is the main window's first show event.
The stall is measured by a {HEARTBEAT_MS} ms QTimer heartbeat on the GUI thread recording how late each tick is,
while a driver timer submits, every 50 ms, a memorize batch (offline memorizer, 20 observations each) and a hybrid
search, a chat question every 0.5 s and a graph layout every 1.25 s — all through the bridge to the engine thread.

| measure | result | target |
|---|---|---|
| launch to window shown | {result["window_s"]:.2f} s | ≤ 3 s |
| longest GUI stall while unlocking and loading models | {result["unlock_and_load_stall_ms"]:.0f} ms | ≤ 50 ms |
| longest GUI stall under load ({result["load_seconds"]:g} s) | {result["max_stall_ms"]:.0f} ms | ≤ 50 ms |
| 99th percentile lateness | {result["p99_stall_ms"]:.1f} ms | |
| ticks later than 50 ms | {result["over_50ms"]} of {result["ticks"]} | 0 |

Work done meanwhile: {result["memorized"]} observations memorized, {result["searches"]} searches,
{result["chat_answers"]} chat answers.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedder", default="minilm", choices=["minilm", "hashing"])
    parser.add_argument("--seconds", type=float, default=15.0, help="how long to drive the load")
    parser.add_argument("--messages", type=int, default=600, help="pending chat messages to memorize")
    parser.add_argument("--offscreen", action="store_true", help="Qt offscreen instead of Xvfb")
    parser.add_argument("--display", type=int, default=96)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "ui_responsiveness.md"))
    parser.add_argument("--chroma-server", action="store_true", help="vectors in a `chroma run` server process")
    parser.add_argument("--seed-only", help=argparse.SUPPRESS)
    parser.add_argument("--chroma-url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.seed_only:
        seed(Path(args.seed_only), args.embedder, args.messages, args.chroma_url)
        return 0
    work = tempfile.mkdtemp(prefix="mirix-uibench-")
    with contextlib.ExitStack() as stack:
        if args.chroma_server:
            args.chroma_url = stack.enter_context(chroma_server(Path(work) / "chroma-server"))
        seed_command = [sys.executable, __file__, "--seed-only", str(Path(work) / "bench"), "--embedder", args.embedder]
        seed_command += ["--messages", str(args.messages), "--chroma-url", args.chroma_url]
        subprocess.run(seed_command, check=True)  # in another process: this one has imported nothing heavy yet
        stack.callback(shutil.rmtree, work, True)
        where = stack.enter_context(display(not args.offscreen, args.display))
        args.work, args.start = work, time.perf_counter()
        result = run(args)
    text = report(result, args, where)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
