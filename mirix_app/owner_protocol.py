"""The owner's local socket: a small versioned JSON-lines request/response protocol (no Qt, no network port).

A client connects to the user-only Unix socket of a data dir and sends one request line::

    {"v": 1, "op": "hello" | "activate" | "run" | "forget", ...}
    {"v": 2, "op": "query", "query": "search_memory", "args": {...}, "client": "claude-ai"}

``run`` carries a command line (``argv``, ``cwd``); ``forget`` carries ``since``, ``until`` (ISO-8601) and
``dry_run``, and answers with the forget report (what the range holds, or what was deleted), so the client can
print it and ask before deleting. ``query`` is the MCP server's typed request (search, ask, recent activity, one
memory with its history and sources, core memory, remember). ``hello`` answers with the ``ops`` the owner serves
and its ``protocol`` version; an owner that predates an op answers ``unknown request``.

The owner answers with zero or more event lines (``{"v": 2, "event": "out" | "err", "text": ...}``: what the
command prints) and one final line, ``{"v": 2, "ok": true, "result": ...}`` or
``{"v": 2, "ok": false, "error": "...", "code": 3}`` (``"retry": true`` when the client should wait and ask
again; ``"locked": true`` when the owner's memory is locked). Keys and passphrases never cross the socket: the
owner has unlocked the memory itself, and a request carries only the command line and the client's working dir,
or a named query and its arguments.

Versions: 1 has ``hello``, ``activate``, ``run`` and ``forget``; 2 adds ``query``. A client sends the lowest
version that has its op, so an owner of either version serves every request it can; an owner that is too old
for a request answers "protocol version 2 not supported".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import socket
import socketserver
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

VERSION = 2
OP_SINCE = {"hello": 1, "activate": 1, "run": 1, "forget": 1, "query": 2}  # the protocol version of each op
OPS = tuple(OP_SINCE)
MAX_LINE = 1024 * 1024

Send = Callable[[dict[str, Any]], None]
Handler = Callable[[dict[str, Any], Send], dict[str, Any]]


def _user() -> str:
    try:
        return str(os.getuid())  # type: ignore[attr-defined]
    except AttributeError:  # Windows
        return os.environ.get("USERNAME", "user")


def socket_name(data_dir: Path) -> str:
    """Where a data dir's owner listens for this user (a path on Unix, a pipe name on Windows)."""
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


class ProtocolError(Exception):
    """The other end sent something this protocol does not allow, or went away mid-answer."""


def encode(message: dict[str, Any]) -> bytes:
    return (json.dumps({"v": VERSION, **message}) + "\n").encode("utf-8")


def version_for(op: str) -> int:
    """The protocol version a client sends with ``op``: the one that introduced it."""
    return OP_SINCE.get(op, VERSION)


def refusal(request: dict[str, Any]) -> dict[str, Any] | None:
    """The owner's answer to a request of a version or op it does not serve, else None."""
    version = request.get("v")
    if not isinstance(version, int) or not 1 <= version <= VERSION:
        return {"ok": False, "error": f"protocol version {version} not supported", "code": 3}
    op = str(request.get("op"))
    if OP_SINCE.get(op, 1) > version:
        return {"ok": False, "error": f"{op!r} needs protocol version {OP_SINCE[op]}", "code": 2}
    return None


def decode(line: bytes) -> dict[str, Any]:
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ProtocolError(f"not a JSON line: {error}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message must be a JSON object")
    return message


# -- the owner's end ------------------------------------------------------------------------------
class _Connection(socketserver.StreamRequestHandler):
    """One client connection: read one request, stream events, write the final answer."""

    server: _Server

    def handle(self) -> None:
        line = self.rfile.readline(MAX_LINE + 1)
        if not line:
            return
        send_lock = threading.Lock()

        def send(message: dict[str, Any]) -> None:
            with send_lock, contextlib.suppress(OSError):
                self.wfile.write(encode(message))
                self.wfile.flush()

        try:
            request = decode(line)
            final = refusal(request) or self.server.handler(request, send)
        except ProtocolError as error:
            final = {"ok": False, "error": str(error), "code": 2}
        except Exception as error:  # noqa: BLE001 - a bug in a handler: answer, keep serving
            log.exception("owner socket: request failed")
            final = {"ok": False, "error": f"{type(error).__name__}: {error}", "code": 3}
        send(final)


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, path: str, handler: Handler) -> None:
        self.handler = handler
        old = os.umask(0o077)  # the socket file is created user-only (no window before a chmod)
        try:
            super().__init__(path, _Connection)
        finally:
            os.umask(old)
        os.chmod(path, 0o600)


class OwnerServer:
    """Serves requests on a Unix socket from a thread; ``handler(request, send)`` returns the final answer."""

    def __init__(self, path: str, handler: Handler) -> None:
        self.path = path
        self._handler = handler
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Listen (replacing a stale socket file left by a crash); False when another process answers there."""
        if self._server is not None:
            return True
        if sys.platform == "win32":  # pragma: no cover - named pipes are not implemented yet
            log.warning("owner socket: not available on Windows yet")
            return True
        if alive(self.path):
            return False
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        self._server = _Server(self.path, self._handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="owner-socket", daemon=True)
        self._thread.start()
        return True

    @property
    def listening(self) -> bool:
        return self._server is not None

    def close(self) -> None:
        """Stop accepting; requests already answering finish on their own threads.

        The socket file goes first: a client arriving meanwhile finds nobody (and waits for the owner lock)
        instead of a connection that is reset while the listener shuts down.
        """
        if self._server is None:
            return
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        self._server.shutdown()
        self._server.server_close()
        self._server = None
        self._thread = None


# -- the client's end -----------------------------------------------------------------------------
def _connect(path: str, timeout: float | None) -> socket.socket | None:
    if sys.platform == "win32" or not os.path.exists(path):  # pragma: no cover - Windows
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        return None
    return sock


def alive(path: str, timeout: float = 0.5) -> bool:
    """True when something accepts connections on ``path``."""
    sock = _connect(path, timeout)
    if sock is None:
        return False
    sock.close()
    return True


def request(
    path: str,
    message: dict[str, Any],
    on_event: Callable[[dict[str, Any]], None] | None = None,
    timeout: float | None = 5.0,
) -> dict[str, Any] | None:
    """Send one request; events go to ``on_event``; returns the final answer, or None when nobody listens.

    ``timeout`` bounds connecting and each silence while waiting; a "run" request may take long, so the
    client passes ``None`` there (the owner streams progress and always answers, or closes when it dies).
    """
    sock = _connect(path, min(timeout or 5.0, 5.0))
    if sock is None:
        return None
    with sock:
        sock.settimeout(timeout)
        try:
            sock.sendall(encode({"v": version_for(str(message.get("op"))), **message}))
            reader = sock.makefile("rb")
            for line in reader:
                answer = decode(line)
                if "event" in answer:
                    if on_event is not None:
                        on_event(answer)
                    continue
                return answer
        except (TimeoutError, OSError) as error:
            raise ProtocolError(f"the owner stopped answering ({error})") from error
    raise ProtocolError("the owner closed the connection before answering")
