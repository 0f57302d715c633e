"""Desktop integration of the running app: single instance, close-to-tray, start at login, smoke quit.

``run_gui`` calls ``claim_instance`` before building anything (a second launch only knocks and
exits) and ``integrate`` once the window exists.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QSystemTrayIcon

from mirix_app import autostart, smoke
from mirix_app.single_instance import SingleInstance, bring_to_front, is_running, notify_running, socket_name

log = logging.getLogger(__name__)


def claim_instance(data_dir: Path, args: list[str] | None = None) -> SingleInstance | None:
    """Become this user's (and data dir's) app; None when one already runs and was asked to come forward."""
    instance = SingleInstance(socket_name(data_dir))
    if instance.listen():
        return instance
    if notify_running(instance.name, args if args is not None else sys.argv[1:]):
        sys.stderr.write("mirix-app is already running; brought its window to the front\n")
    elif is_running(instance.name):
        sys.stderr.write("mirix-app is already running but did not answer; try again in a moment\n")
    return None


def integrate(app: Any, gui: Any, instance: SingleInstance | None, start_at_login: bool | None = None) -> None:
    """Wire the running app into the desktop.

    - a second launch brings the window forward;
    - with a system tray, closing the window only hides it (capture keeps running) and the tray's
      "Quit" ends the app, which stops capture on the way out (``Gui.close``); without a tray,
      closing the window quits;
    - the XDG autostart entry follows the ``start_at_login`` setting (when given);
    - ``MIRIX_SMOKE_QUIT_AFTER`` arms the packaging smoke test's visible-window report and timed quit.
    """
    if instance is not None:
        instance.setParent(app)
        instance.activated.connect(lambda _args: bring_to_front(gui.window))
        app.aboutToQuit.connect(instance.close)
    if QSystemTrayIcon.isSystemTrayAvailable():
        app.setQuitOnLastWindowClosed(False)
    if start_at_login is not None:
        try:
            autostart.sync(start_at_login)
        except OSError as error:
            log.warning("start at login: %s", error)
    smoke.install(gui.window, app.quit)
