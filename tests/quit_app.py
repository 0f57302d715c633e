"""Run the real desktop app offscreen with capture on a fake screen, build an OCR backlog, then quit.

``python tests/quit_app.py DATA_DIR BACKLOG`` prints ``QUIT <monotonic seconds>`` when it asks Qt to quit
(with at least BACKLOG kept frames waiting for OCR) and exits with the app's exit code.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from helpers import PASSPHRASE  # noqa: E402
from PIL import Image  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mirix_app.capture.active_window import FixedWindow  # noqa: E402
from mirix_app.capture.idle import FixedIdle  # noqa: E402
from mirix_app.capture.ocr import OcrEngine  # noqa: E402
from mirix_app.capture.screen_source import ImageScreenSource  # noqa: E402
from mirix_app.cli.owner_service import RunHandler  # noqa: E402
from mirix_app.desktop.integration import claim_instance  # noqa: E402
from mirix_app.factories import build_capture_loop, build_capture_pipeline  # noqa: E402
from mirix_app.gui.run import build_gui, run_until_quit  # noqa: E402
from mirix_app.gui.services import Factories  # noqa: E402
from mirix_app.settings import Settings  # noqa: E402


def noisy_frames(count: int) -> list[list[Image.Image]]:
    """Frames that differ everywhere (no dedupe) and are full of edges (OCR works hard on them)."""
    rng = np.random.default_rng(7)
    return [[Image.fromarray(rng.integers(0, 255, (800, 1280, 3), dtype=np.uint8))] for _ in range(count)]


def main() -> int:
    data_dir, backlog = Path(sys.argv[1]), int(sys.argv[2])
    settings = Settings(embedder="hashing")
    settings.capture.ocr_queue_max = backlog + 10
    settings.capture.enabled = True  # the user agreed to capture
    frames = noisy_frames(backlog + 10)

    def capture(store, s, submit):
        pipeline = build_capture_pipeline(store, s, ocr=OcrEngine(), submit=submit)
        return build_capture_loop(
            pipeline,
            s,
            source_factory=lambda: ImageScreenSource(frames),
            active_window=FixedWindow("code", "notes.txt"),
            idle=FixedIdle(0.0),
            interval_s=0.01,
        )

    app = QApplication(sys.argv[:1])
    instance = claim_instance(data_dir, [])
    assert instance is not None
    factories = Factories(chat_model=lambda _s: None, capture_loop=capture, idle=lambda: FixedIdle(0.0))
    gui = build_gui(data_dir, settings, factories, qt_app=app)
    gui.window.showMinimized()  # the fake screen is not covered by the app (it would be painted over)

    def watch() -> None:
        loop = gui.services.capture.loop
        if loop is not None and loop.backlog >= backlog:
            sys.stdout.write(f"QUIT {time.monotonic():.3f} backlog {loop.backlog}\n")
            sys.stdout.flush()
            app.quit()

    timer = QTimer()
    timer.timeout.connect(watch)
    gui.bridges.session.models_ready.connect(lambda _mode: timer.start(20))
    QTimer.singleShot(0, lambda: gui.bridges.session.on_unlock(PASSPHRASE))
    return run_until_quit(app, gui, instance, RunHandler)


if __name__ == "__main__":
    sys.exit(main())
