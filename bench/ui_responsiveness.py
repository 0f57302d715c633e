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
SEARCHES = ["Lisbon", "pottery class", "plane trip", "quarterly report"]


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
        self.all_lateness: list[float] = []
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
        late = max(0.0, now - self._last - self.interval)
        self.lateness.append(late)
        self.all_lateness.append(late)
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


def stalls(lateness: list[float]) -> dict:
    """Longest and 99th-percentile lateness (ms) of the heartbeat ticks of one phase."""
    ordered = sorted(lateness)
    if not ordered:
        return {"ticks": 0, "max_ms": 0.0, "p99_ms": 0.0, "over_50ms": 0}
    return {
        "ticks": len(ordered),
        "max_ms": ordered[-1] * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "over_50ms": sum(1 for x in ordered if x > 0.05),
    }


def phase(app, beat: Heartbeat, condition: Callable[[], bool], timeout: float) -> dict:
    """Run the event loop until ``condition``; the heartbeat's stalls meanwhile."""
    beat.lateness.clear()
    pump(app, condition, timeout)
    return stalls(list(beat.lateness))


def type_text(app, widget, text: str, per_key_s: float = 0.08) -> None:
    """Type ``text`` key by key into ``widget`` like a person (a key every 80 ms), with the event loop running."""
    from PySide6.QtTest import QTest

    for char in text:
        QTest.keyClick(widget, char)
        end = time.perf_counter() + per_key_s
        pump(app, lambda end=end: time.perf_counter() >= end, 5)


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
    result: dict = {"window_s": window_s, "load_before": os.getloadavg()[0]}

    beat = Heartbeat()
    beat.start()
    ready: list[str] = []
    gui.bridges.session.models_ready.connect(ready.append)
    overview: list = []
    gui.bridges.memories.overview_ready.connect(overview.append)
    gui.window.unlock.passphrase.setText(PASSPHRASE)
    t0 = time.perf_counter()
    gui.window.unlock.button.click()
    result["unlock"] = phase(app, beat, lambda: bool(ready) and bool(overview), 180)
    result["unlock_s"] = time.perf_counter() - t0

    window = gui.window
    window.tabs.setCurrentWidget(window.memories)
    pump(app, lambda: bool(window.memories.tables["core"].rows()), 30)
    themes: list[float] = []

    def switch(name: str) -> None:
        t = time.perf_counter()
        window.settings.theme_changed.emit(name)  # what choosing a theme in Settings does
        app.processEvents()
        themes.append(time.perf_counter() - t)

    beat.lateness.clear()
    for tab in (window.memories, window.chat, window.graph):
        window.tabs.setCurrentWidget(tab)
        for name in ("dark", "light"):
            switch(name)
            end = time.perf_counter() + 0.4
            pump(app, lambda end=end: time.perf_counter() >= end, 5)
    result["theme"] = stalls(list(beat.lateness))
    result["theme_switch_ms"] = max(themes) * 1000

    results: list = []
    gui.bridges.memories.results_ready.connect(lambda q, rows: results.append((time.perf_counter(), q.text, len(rows))))
    field = window.memories.search.field
    beat.lateness.clear()
    latencies = []
    for query in SEARCHES:
        window.show_search()
        field.clear()
        type_text(app, field, query)
        typed = time.perf_counter()
        pump(app, lambda q=query: any(text == q for _, text, _ in results), 60)
        latencies.append(next(at for at, text, _ in results if text == query) - typed)
    result["search"] = stalls(list(beat.lateness))
    result["search_latency_ms"] = max(latencies) * 1000
    result["search_results"] = len(results)

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

    window.tabs.setCurrentWidget(window.chat)
    beat.lateness.clear()
    load.timeout.connect(drive)
    load.start(50)
    t0 = time.perf_counter()
    pump(app, lambda: time.perf_counter() - t0 > args.seconds, args.seconds + 30)
    load.stop()
    pump(app, lambda: not gui.bridges.busy, 60)
    result["load"] = stalls(list(beat.lateness))
    beat.stop()
    result["all"] = stalls(list(beat.all_lateness))
    result.update(
        memorized=before - pending(),
        searches=len(searches),
        chat_answers=len(answers),
        load_seconds=args.seconds,
        load_after=os.getloadavg()[0],
    )
    gui.close()
    return result


def report(result: dict, args: argparse.Namespace, where: str) -> str:
    cpu = platform.processor() or platform.machine()
    rows = "\n".join(
        f"| {label} | {result[key]['max_ms']:.0f} ms | {result[key]['p99_ms']:.1f} ms | "
        f"{result[key]['over_50ms']} of {result[key]['ticks']} |"
        for key, label in (
            ("unlock", "unlock + loading the models (embedder process, LLM client, chat restored)"),
            ("theme", "theme changes (6 switches light/dark on three screens)"),
            ("search", f"search-as-you-type ({len(SEARCHES)} queries typed key by key, 80 ms a key)"),
            ("load", f"memorize + search + chat + graph load ({result['load_seconds']:g} s)"),
            ("all", "all of the above"),
        )
    )
    return f"""# UI responsiveness

Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, Python {platform.python_version()},
no GPU; display: {where}; embedder: {args.embedder} (in its own process); vectors: {
        args.chroma_url or "embedded Chroma, child process"
    }. Load average (1 min) {result["load_before"]:.2f} at the start, {result["load_after"]:.2f} at the end
(2 cores: above ~1.5 the machine was busy with other work).

Command: `.venv/bin/python bench/ui_responsiveness.py --embedder {args.embedder} --seconds {args.seconds:g}{
        " --chroma-server" if args.chroma_server else ""
    }`

The data dir (seeded by a separate process) holds the demo memory plus {args.messages} pending chat messages.
"Launch" is the moment this process, which has imported only the standard library, starts importing PySide6
and the app; "window shown" is the main window's first show event. A {HEARTBEAT_MS} ms QTimer heartbeat on the
GUI thread records how late each tick is ("stall"), phase by phase:

| phase | longest stall | 99th percentile | ticks later than 50 ms |
|---|---|---|---|
{rows}

Target: longest stall ≤ 50 ms in every phase.

- launch to window shown: {result["window_s"]:.2f} s (target ≤ 3 s); unlock to models ready: {result["unlock_s"]:.1f} s
- longest theme switch call: {result["theme_switch_ms"]:.0f} ms (palette only, no style sheet re-polish)
- search-as-you-type: results {result["search_latency_ms"]:.0f} ms at most after the last key (250 ms debounce
  included), {result["search_results"]} result lists shown
- load phase: every 50 ms a memorize batch (offline memorizer, 20 observations each) and a hybrid search, a chat
  question every 0.5 s and a graph layout every 1.25 s, all through the bridges; meanwhile {result["memorized"]}
  observations memorized, {result["searches"]} searches, {result["chat_answers"]} chat answers.
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
