"""One desktop app per user and data dir: a second launch asks the running one to come forward.

The first instance listens on a local socket (a Unix socket in the user's private runtime dir, or a
named pipe on Windows) that only this user can open; it is never a network port. A later launch
connects, sends one line ("activate" plus its arguments) and exits; the running app emits
``activated`` and brings its window to the front.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

TIMEOUT_MS = 1000
MAX_MESSAGE = 64 * 1024


def _user() -> str:
    try:
        return str(os.getuid())  # type: ignore[attr-defined]
    except AttributeError:  # Windows
        return os.environ.get("USERNAME", "user")


def socket_name(data_dir: Path) -> str:
    """Where the running app listens for this user and data dir (a path on Unix, a pipe name on Windows)."""
    digest = hashlib.sha256(str(Path(data_dir).expanduser().resolve()).encode()).hexdigest()[:12]
    name = f"mirix-app-{_user()}-{digest}"
    if sys.platform == "win32":
        return name
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir() and os.access(runtime, os.W_OK):
        return str(Path(runtime) / f"{name}.sock")
    # no runtime dir (headless, macOS): a private directory of our own under the temp dir
    private = Path(tempfile.gettempdir()) / f"mirix-app-{_user()}"
    private.mkdir(mode=0o700, exist_ok=True)
    if private.stat().st_uid != os.getuid() or private.is_symlink():  # type: ignore[attr-defined]
        raise PermissionError(f"{private} is not ours; refusing to put the app's socket there")
    os.chmod(private, 0o700)
    return str(private / f"{name}.sock")


class SingleInstance(QObject):
    """The running app's end: listens, and emits ``activated(args)`` when another launch knocks."""

    activated = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server: QLocalServer | None = None

    # -- primary side ---------------------------------------------------------------------------
    def listen(self) -> bool:
        """Become the primary instance; False when another live instance already listens."""
        if self.server is not None:
            return True
        if is_running(self.name):
            return False
        QLocalServer.removeServer(self.name)  # a stale socket left by a crash
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # e.g. an unwritable runtime dir: run anyway rather than refuse to start
            log.warning("single instance: cannot listen on %s: %s", self.name, server.errorString())
            return True
        server.newConnection.connect(self._on_connection)
        self.server = server
        return True

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None

    @Slot()
    def _on_connection(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            conn = self.server.nextPendingConnection()
            conn.readyRead.connect(lambda c=conn: self._read(c))
            conn.disconnected.connect(conn.deleteLater)
            if conn.bytesAvailable():
                self._read(conn)

    def _read(self, conn: QLocalSocket) -> None:
        if not conn.canReadLine():
            if conn.bytesAvailable() > MAX_MESSAGE:
                conn.abort()
            return
        line = bytes(conn.readLine().data()).decode("utf-8", "replace").strip()
        conn.write(b"ok\n")
        conn.flush()
        conn.disconnectFromServer()
        try:
            message = json.loads(line)
        except ValueError:
            return
        if isinstance(message, dict) and message.get("cmd") == "activate":
            self.activated.emit([str(a) for a in message.get("args", [])])


def is_running(name: str, timeout_ms: int = 300) -> bool:
    """True when an instance listens on ``name`` (the OS accepts the connection even before it reads)."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    connected = sock.waitForConnected(timeout_ms)
    sock.abort()
    return connected


def notify_running(name: str, args: list[str] | None = None, timeout_ms: int = TIMEOUT_MS) -> bool:
    """Ask the instance listening on ``name`` to come forward; True when one answered."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(timeout_ms):
        return False
    sock.write((json.dumps({"cmd": "activate", "args": list(args or [])}) + "\n").encode())
    sock.flush()
    answered = sock.waitForReadyRead(timeout_ms) and bytes(sock.readAll().data()).startswith(b"ok")
    sock.disconnectFromServer()
    return bool(answered)


def bring_to_front(window: QWidget) -> None:
    """Show, un-minimize and raise a window (the window manager may still only flash it)."""
    if window.isMinimized():
        window.showNormal()
    else:
        window.show()
    window.raise_()
    window.activateWindow()
