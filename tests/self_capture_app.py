"""Run the real app under an X server with real capture; report what it stored while its own windows had the focus.

Usage: self_capture_app.py DATA_DIR (DISPLAY names the X server; the data dir holds the demo passphrase). Prints one
JSON line: frames stored and drop reasons after each phase (the app focused, a dialog focused, another program's
window focused beside the app's window) and the stored frames' text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers import PASSPHRASE  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from mirix_app.capture.active_window_x11 import X11ActiveWindow  # noqa: E402
from mirix_app.capture.idle import FixedIdle  # noqa: E402
from mirix_app.factories import make_gui_capture  # noqa: E402
from mirix_app.gui.run import build_gui  # noqa: E402
from mirix_app.gui.services import Factories  # noqa: E402
from mirix_app.settings import Settings  # noqa: E402

OTHER_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
w = QLabel("Zanzibar harbour schedule")
w.setWindowTitle("Harbour notes")
w.setStyleSheet("background: white; color: black; font-size: 40px; padding: 30px;")
w.setGeometry(640, 0, 640, 800)
w.show()
QTimer.singleShot(300, w.activateWindow)
QTimer.singleShot(900, lambda: print("ready", flush=True))
app.exec()
"""
TICKS = 6


def main() -> int:
    data_dir = Path(sys.argv[1])
    settings = Settings(embedder="hashing")
    settings.capture.enabled = True
    settings.capture.interval_s = 0.3
    app = QApplication(sys.argv[:1])
    factories = Factories(chat_model=lambda _s: None, capture_loop=make_gui_capture, idle=lambda: FixedIdle(0.0))
    gui = build_gui(data_dir, settings, factories, qt_app=app)
    window = gui.window
    window.setGeometry(0, 0, 640, 800)
    window.show()
    result: dict = {"pid": os.getpid()}
    reader = X11ActiveWindow()
    others: list[subprocess.Popen] = []

    def loop():
        return gui.services.capture.loop

    def frames() -> list[str]:
        def job() -> list[str]:
            return [text or "" for _app, _title, text in gui.services.store.frame_texts_since(0)]

        return gui.engine.submit(job).result(20)

    def after_ticks(n: int, then) -> None:
        target = loop().status.snapshot().seen + n

        def check() -> None:
            if loop().status.snapshot().seen >= target and loop().backlog == 0:
                then()
            else:
                QTimer.singleShot(100, check)

        check()

    base: dict = {}

    def mark_then(then) -> None:
        """Once no frame is in OCR, count from here (a frame taken before the app had the focus is not this phase's)."""
        if loop().backlog:
            QTimer.singleShot(100, lambda: mark_then(then))
            return
        snap = loop().status.snapshot()
        base.update(kept=snap.kept, dropped=dict(snap.dropped), frames=len(frames()))
        then()

    def record(phase: str) -> None:
        snap = loop().status.snapshot()
        dropped = {k: v - base.get("dropped", {}).get(k, 0) for k, v in snap.dropped.items()}
        result[phase] = {
            "focused_pid": reader.current().pid,
            "kept": snap.kept - base.get("kept", 0),
            "dropped": {k: v for k, v in dropped.items() if v},
            "frames": len(frames()) - base.get("frames", 0),
        }

    def phase_window() -> None:
        window.activateWindow()
        window.raise_()
        QTimer.singleShot(500, lambda: mark_then(lambda: after_ticks(TICKS, after_window)))

    def after_window() -> None:
        record("window")
        text = "Dialog text that must never be stored"
        box = QMessageBox(QMessageBox.Icon.Information, "A dialog", text, parent=window)
        box.setModal(False)
        box.show()
        box.activateWindow()
        result["dialog_box"] = box
        QTimer.singleShot(500, lambda: mark_then(lambda: after_ticks(TICKS, after_dialog)))

    def after_dialog() -> None:
        record("dialog")
        result.pop("dialog_box").close()
        env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
        proc = subprocess.Popen([sys.executable, "-c", OTHER_WINDOW], env=env, stdout=subprocess.PIPE, text=True)
        others.append(proc)
        proc.stdout.readline()
        wait_for_kept(time.monotonic() + 90)

    def wait_for_kept(deadline: float) -> None:
        """Until a frame of the other program's window is stored (OCR takes a moment), or the deadline."""
        if any("Zanzibar" in text for text in frames()) or time.monotonic() > deadline:
            finish()
        else:
            QTimer.singleShot(300, lambda: wait_for_kept(deadline))

    def finish() -> None:
        record("other")
        result["texts"] = frames()
        for proc in others:
            proc.kill()
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
        app.quit()

    gui.bridges.session.models_ready.connect(lambda _mode: QTimer.singleShot(300, phase_window))
    QTimer.singleShot(0, lambda: gui.bridges.session.on_unlock(PASSPHRASE))
    code = app.exec()
    gui.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
