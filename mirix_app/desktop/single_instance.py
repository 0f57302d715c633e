"""One desktop app per user and data dir: it listens on the owner socket; a second launch asks it to come forward.

The running app listens on a local socket (a Unix socket in the user's private runtime dir) that only this
user can open; it is never a network port. It speaks the owner protocol (``owner_protocol``): a later launch
sends ``activate`` and exits, and the app emits ``activated`` and brings its window to the front; CLI
commands send ``run`` (or ``forget``) and the MCP server sends ``query``; all are answered by the handler the
app installs once its engine exists.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from mirix_app import owner_protocol
from mirix_app.owner_protocol import OwnerServer, ProtocolError, socket_name

log = logging.getLogger(__name__)

TIMEOUT_MS = 1000


RunHandler = Callable[[dict[str, Any], owner_protocol.Send], dict[str, Any]]


class SingleInstance(QObject):
    """The running app's end of the owner socket: emits ``activated(args)`` when another launch knocks."""

    activated = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.run_handler: RunHandler | None = None
        self.owner_lock: Any = None  # the data dir's OwnerLock, released by ``release`` after the stores close
        self._server = OwnerServer(name, self._handle)

    @property
    def server(self) -> OwnerServer | None:
        return self._server if self._server.listening else None

    def listen(self) -> bool:
        """Become the primary instance; False when another live instance already listens."""
        try:
            return self._server.start()
        except OSError as error:  # e.g. an unwritable runtime dir: run anyway rather than refuse to start
            log.warning("single instance: cannot listen on %s: %s", self.name, error)
            return True

    def close(self) -> None:
        """Stop answering (at quit); the owner lock stays held until ``release``."""
        self._server.close()

    def release(self) -> None:
        """Close the socket and give up ownership of the data dir (after the stores are closed)."""
        self.close()
        if self.owner_lock is not None:
            self.owner_lock.release()
            self.owner_lock = None

    def _handle(self, request: dict[str, Any], send: owner_protocol.Send) -> dict[str, Any]:
        """Runs on the socket's thread: answers at once; the signal is queued to the GUI thread."""
        op = request.get("op")
        if op == "hello":
            return {
                "ok": True,
                "result": {
                    "pid": os.getpid(),
                    "role": "gui",
                    "ops": list(owner_protocol.OPS),
                    "protocol": owner_protocol.VERSION,
                },
            }
        if op == "activate":
            self.activated.emit([str(a) for a in request.get("args", [])])
            return {"ok": True, "result": None}
        if op in ("run", "forget", "query"):
            if self.run_handler is None:
                return {
                    "ok": False,
                    "retry": op == "query",
                    "error": "The desktop app is still starting; try again in a moment.",
                    "code": 3,
                }
            return self.run_handler(request, send)
        return {"ok": False, "error": f"unknown request {op!r}", "code": 2}


def is_running(name: str, timeout_ms: int = 300) -> bool:
    """True when an instance listens on ``name``."""
    return owner_protocol.alive(name, timeout_ms / 1000)


def notify_running(name: str, args: list[str] | None = None, timeout_ms: int = TIMEOUT_MS) -> bool:
    """Ask the instance listening on ``name`` to come forward; True when one answered."""
    try:
        answer = owner_protocol.request(name, {"op": "activate", "args": list(args or [])}, timeout=timeout_ms / 1000)
    except ProtocolError:
        return False
    return bool(answer and answer.get("ok"))


def bring_to_front(window: QWidget) -> None:
    """Show, un-minimize and raise a window (the window manager may still only flash it)."""
    if window.isMinimized():
        window.showNormal()
    else:
        window.show()
    window.raise_()
    window.activateWindow()


__all__ = ["SingleInstance", "bring_to_front", "is_running", "notify_running", "socket_name"]
