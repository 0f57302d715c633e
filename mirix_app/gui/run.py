"""The desktop app's assembly: settings -> engine thread -> services -> bridges -> window -> wiring, then run."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mirix_app.factories import load_app_settings, make_gui_capture
from mirix_app.settings import Settings

log = logging.getLogger(__name__)

GIL_SWITCH_S = 0.001
"""How long a busy thread (search, memorize, chat) keeps the GIL while the GUI thread waits for it (Python's default
is 5 ms; with several busy threads the GUI thread then waited 100+ ms at times: bench/ui_responsiveness.py)."""

Serve = Callable[[Any, Any], Any]
"""Builds the owner's handler of CLI clients' commands from (engine, services)."""


def build_gui(data_dir: Path, settings: Settings | None = None, factories: Any = None, qt_app: Any = None) -> Any:
    """Build the desktop app in order: settings -> engine thread -> services -> bridges -> window -> wiring.

    The stores, models and graphs are built later on the engine thread (unlock, then ``load_models``),
    so the window appears at once. Returns a ``Gui`` handle (window, bridge, engine, close()).
    """
    from PySide6.QtWidgets import QApplication

    from mirix_app.capture.idle import platform_idle
    from mirix_app.desktop.auto_lock import AutoLock
    from mirix_app.engine import Engine
    from mirix_app.gui.bridge import Bridges
    from mirix_app.gui.handle import Gui
    from mirix_app.gui.self_watch import WindowWatcher
    from mirix_app.gui.services import Factories, Services
    from mirix_app.gui.wiring import connect_signals
    from ui.main_window import MainWindow
    from ui.theme import apply_theme
    from ui.tray import TrayIcon

    app: Any = qt_app or QApplication.instance()
    sys.setswitchinterval(GIL_SWITCH_S)
    if settings is None:
        settings = load_app_settings(data_dir)
    log.info("settings loaded from %s", data_dir)
    engine = Engine()
    engine.start()
    log.info("engine thread started")
    services = Services(data_dir, settings, engine.call, factories or Factories(capture_loop=make_gui_capture))
    bridges = Bridges(engine, services)
    log.info("bridges ready")
    window = MainWindow()
    tray = TrayIcon()
    apply_theme(app, settings.theme)
    log.info("window built")
    watcher = WindowWatcher(app, services.session.guard)  # capture never records the app's windows
    idle = services.session.factories.idle
    auto_lock = AutoLock(idle() if idle else platform_idle(), settings.lock_after_idle_min, settings.lock_with_session)
    connect_signals(
        bridges, window, tray, quit_app=app.quit, set_theme=lambda name: apply_theme(app, name), auto_lock=auto_lock
    )
    log.info("signals connected")
    return Gui(window, tray, bridges, engine, services, auto_lock=auto_lock, watcher=watcher)


def run_gui(data_dir: Path, serve: Serve | None = None) -> int:
    """Open the main window and run the Qt event loop until the user quits.

    ``serve(engine, services)`` builds the handler that runs CLI clients' commands (the CLI passes its
    ``RunHandler``; it is handed in so that this package never imports the CLI).
    """
    from PySide6.QtWidgets import QApplication

    from mirix_app.desktop.global_shortcut import install_pause_shortcut
    from mirix_app.desktop.integration import claim_instance, integrate

    app: Any = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("mirix-app")
    app.setDesktopFileName("mirix-app")
    app.setQuitOnLastWindowClosed(True)
    instance = claim_instance(data_dir)
    if instance is None:
        return 0
    gui = build_gui(data_dir, qt_app=app)
    integrate(app, gui, instance, getattr(gui.services.session.settings, "start_at_login", None))
    install_pause_shortcut(app, gui)
    gui.window.show()
    gui.tray.show()
    log.info("window shown")
    return run_until_quit(app, gui, instance, serve)


def run_until_quit(app: Any, gui: Any, instance: Any, serve: Serve | None = None) -> int:
    """Serve CLI clients and run the event loop; at quit close everything within the quit budget and exit.

    The process then exits at once (``os._exit`` after flushing): nothing is left to wait for, and a thread
    still in native code (OCR of a frame in flight) must not hold up or abort the interpreter's shutdown.
    Everything committed is durable; the rest was never reported as stored.
    """
    if serve is not None:
        instance.run_handler = serve(gui.engine, gui.services)
    code = 1
    try:
        code = int(app.exec())
    finally:
        instance.close()
        closed = gui.close()
        instance.release()
        log.info("closed%s", "" if closed else " (left work in flight behind)")
    exit_now(code)
    return code  # not reached


def exit_now(code: int) -> None:
    """Exit without waiting for daemon threads in native code (OCR) that would abort the interpreter's exit."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
