"""Desktop integration of the running app: single instance, close-to-tray, start at login, smoke quit.

``run_gui`` calls ``claim_instance`` before building anything (a second launch only knocks and
exits) and ``integrate`` once the window exists.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QSystemTrayIcon

from mirix_app.desktop import autostart, smoke
from mirix_app.desktop.single_instance import SingleInstance, bring_to_front, is_running, notify_running, socket_name
from stores.memory_store import ensure_private_dir
from stores.owner_lock import OwnerLock, read_owner

log = logging.getLogger(__name__)

WAIT_POLL_S = 0.2


def claim_instance(data_dir: Path, args: list[str] | None = None) -> SingleInstance | None:
    """Become the data dir's owner and this user's app; None when the app already runs (it was asked forward).

    While a CLI command owns the data dir, wait for it with one "waiting for <pid>" line.
    """
    lock = OwnerLock(ensure_private_dir(Path(data_dir)))
    name = socket_name(data_dir)
    said = ""
    while not lock.try_acquire("gui"):
        if notify_running(name, args if args is not None else sys.argv[1:]):
            sys.stderr.write("mirix-app is already running; brought its window to the front\n")
            return None
        owner = read_owner(data_dir)
        if owner is not None and owner.role == "gui":
            sys.stderr.write("mirix-app is already running but did not answer; try again in a moment\n")
            return None
        who = owner.describe() if owner is not None else "another mirix-app process"
        line = f"waiting for {who} to finish with {data_dir}...\n"
        if line != said:
            sys.stderr.write(line)
            said = line
        time.sleep(WAIT_POLL_S)
    instance = SingleInstance(name)
    instance.owner_lock = lock
    if not instance.listen():  # an older app without the lock file answers there
        lock.release()
        if notify_running(name, args if args is not None else sys.argv[1:]) or is_running(name):
            sys.stderr.write("mirix-app is already running; brought its window to the front\n")
        return None
    return instance


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
