"""Screenshots of trust and control under Xvfb, light and dark: first-run capture choice, the capture indicator on
and paused, the forget dialog on the timeline, the lock screen (docs/screenshots/trust_*.png).

Run: ``.venv/bin/python docs/make_trust_screenshots.py`` (starts ``Xvfb :96`` itself; with ``openbox`` installed
the window manager draws the title bar, so the title's capture state shows too).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_screenshots import OUT, PASSPHRASE, ROOT, seed, wait_for, xvfb  # noqa: E402

log = logging.getLogger("trust-screenshots")


@contextlib.contextmanager
def window_manager() -> Iterator[None]:
    """openbox on the Xvfb display when installed (title bars), else nothing."""
    binary = shutil.which("openbox")
    proc = subprocess.Popen([binary], stderr=subprocess.DEVNULL) if binary else None
    try:
        yield
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)


def shoot(app, window, name: str) -> None:
    """The window with its frame (title bar) as the screen shows it; the widget alone without a manager."""
    import mss
    import mss.tools

    app.processEvents()
    path = OUT / f"{name}.png"
    frame = window.frameGeometry()
    if shutil.which("openbox"):
        with mss.MSS() as grabber:
            shot = grabber.grab({"left": frame.x(), "top": frame.y(), "width": frame.width(), "height": frame.height()})
            mss.tools.to_png(shot.rgb, shot.size, output=str(path))
    else:
        window.grab().save(str(path))
    path.chmod(0o644)
    log.info("saved %s", path.relative_to(ROOT))


def run(embedder: str, theme: str) -> None:
    from gui_helpers import fake_capture
    from PySide6.QtWidgets import QApplication

    from mirix_app.capture.idle import FixedIdle
    from mirix_app.gui.run import build_gui
    from mirix_app.gui.services import Factories
    from mirix_app.settings import load_settings, save_settings
    from ui.theme import apply_theme

    app = QApplication.instance() or QApplication(["mirix-app"])
    work = Path(tempfile.mkdtemp(prefix="mirix-trust-shots-"))
    idle = FixedIdle(0.0)
    try:
        data_dir = work / "demo"
        seed(data_dir, embedder)
        settings = load_settings(data_dir)
        settings.capture.enabled = None  # as on a first run: the choice is asked after unlocking
        settings.theme = theme
        save_settings(data_dir, settings)
        gui = build_gui(data_dir, settings, Factories(capture_loop=fake_capture, idle=lambda: idle), app)
        apply_theme(app, theme)
        w = gui.window
        w.setGeometry(40, 40, 1200, 780)
        w.show()
        wait_for(app, lambda: w.unlock.info is not None)
        w.unlock.passphrase.setText(PASSPHRASE)
        ready: list[str] = []
        gui.bridges.session.models_ready.connect(ready.append)
        w.unlock.button.click()
        wait_for(app, lambda: bool(ready) and w.stack.currentWidget() is w.capture_choice, timeout=120)
        shoot(app, w, f"trust_capture_choice_{theme}")

        statuses: list = []
        gui.bridges.capture.status_ready.connect(statuses.append)
        w.capture_choice.start_button.click()
        w.tabs.setCurrentWidget(w.capture)
        wait_for(app, lambda: any(s.state == "running" for s in statuses), timeout=30)
        shoot(app, w, f"trust_capturing_{theme}")
        w.capture.pause15.click()
        wait_for(app, lambda: bool(statuses) and statuses[-1].state == "paused", timeout=30)
        shoot(app, w, f"trust_paused_{theme}")
        w.capture.pause_button.click()

        days: list = []
        gui.bridges.explore.timeline_ready.connect(days.append)
        w.tabs.setCurrentWidget(w.timeline)
        wait_for(app, lambda: bool(days))
        frames = sorted(i.start_s for i in w.timeline.strip.items if i.kind == "frame")
        w.timeline.selection.select(frames[1] - 300, frames[2] + 300)
        start, end = w.timeline.selection.span
        w.timeline.selection.forget_requested.emit(start, end)
        wait_for(app, lambda: w.forget.dialog is not None and w.forget.dialog.forget_button.isEnabled())
        dialog = w.forget.dialog
        dialog.move(w.frameGeometry().x() + 300, w.frameGeometry().y() + 260)
        wait_for(app, lambda: True, settle=0.6)
        shoot(app, w, f"trust_forget_timeline_{theme}")
        dialog.reject()

        locked: list[str] = []
        gui.bridges.session.locked.connect(locked.append)
        idle.idle_s = 16 * 60
        gui.auto_lock.check()
        wait_for(app, lambda: bool(locked), timeout=30)
        shoot(app, w, f"trust_locked_{theme}")
        gui.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--display", type=int, default=96, help="the Xvfb display number to start")
    parser.add_argument("--embedder", default="hashing", choices=["minilm", "hashing"])
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
    OUT.mkdir(parents=True, exist_ok=True)
    with xvfb(args.display, "1280x860x24"), window_manager():
        for theme in ("light", "dark"):
            run(args.embedder, theme)
    return 0


if __name__ == "__main__":
    from mirix_app.gui.run import exit_now

    exit_now(main())
