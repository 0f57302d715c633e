"""How the MCP server reaches the memory: as the running owner's client, or as the owner while nobody else is.

- The desktop app (or another ``mirix-app mcp``) owns the data dir and listens: every query is a ``query``
  request on its socket; the key never crosses it, so this process needs no passphrase.
- Nobody owns it: this process takes the owner lock, opens the store on its own engine thread and answers
  queries itself. It listens on the owner socket too: other MCP servers' queries are served, and a desktop app
  or CLI command that knocks (``activate``, ``run``) gets the memory handed over at once (store closed, lock
  released) and this process becomes its client.
- A CLI command owns it (no socket): a query waits for it, up to ``wait_s``, with one line on stderr.
- Locked (no keyring key, no ``MIRIX_PASSPHRASE``): every query fails with one message saying how to unlock.
  Nothing is ever asked on stdin or printed on stdout (they carry the MCP protocol).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mirix_app import owner_protocol
from mirix_app.engine import Engine, EngineStopped
from mirix_app.mcp.query_handler import QueryHandler
from mirix_app.owner_protocol import OwnerServer, ProtocolError
from stores.errors import KeyUnavailableError, WrongKeyError
from stores.keys import read_keyinfo
from stores.owner_lock import OwnerLock, read_owner

log = logging.getLogger(__name__)

POLL_S = 0.2
WAIT_S = 60.0  # how long a query waits for a CLI command that owns the memory
HANDOVER_GRACE_S = 3.0  # after handing over, let the one who knocked take the lock before taking it back
ROLE, COMMAND = "cli", "mcp"  # how the owner lock names this process: "mirix-app mcp (pid N)"

NO_MEMORY = (
    "There is no mirix-app memory in {data_dir} yet. Open the mirix-app desktop app once to set it up, or point "
    "this server at your memory with --data-dir DIR (or MIRIX_DATA_DIR)."
)
LOCKED = (
    "Your mirix-app memory is locked, and this MCP server never asks for a passphrase (its input and output carry "
    "the protocol). Unlock it in one of two ways: open the mirix-app desktop app and unlock it there (the server "
    'then answers through the app), or give the server the key by setting MIRIX_PASSPHRASE in the "env" of its '
    "entry in your MCP client's configuration (or keep the key in the OS keyring). Why: {reason}"
)
WRONG_KEY = "{reason} Check MIRIX_PASSPHRASE in the \"env\" of this server's entry in your MCP client's configuration."


class AccessError(Exception):
    """A query could not be answered; the message is meant for the assistant's user."""


class MemoryLocked(AccessError):
    """The memory is locked and this process has no way to unlock it."""


class MemoryAccess:
    """Answers the MCP server's queries through whoever owns the data dir, becoming the owner when nobody does."""

    def __init__(self, data_dir: Path, passphrase: str | None = None, wait_s: float = WAIT_S) -> None:
        self.data_dir = Path(data_dir)
        self.path = owner_protocol.socket_name(self.data_dir)
        self.passphrase = passphrase if passphrase is not None else os.environ.get("MIRIX_PASSPHRASE")
        self.wait_s = wait_s
        self._lock = OwnerLock(self.data_dir)
        self._guard = threading.Lock()
        self._engine: Engine | None = None
        self._store: Any = None
        self._embedder: Any = None  # kept across hand-overs: opening again does not load the model again
        self._server: OwnerServer | None = None
        self._handler: QueryHandler | None = None
        self._handing_over = False
        self._yield_until = 0.0

    def warm_up(self) -> None:
        """When nobody owns the memory, load the text embedder in the background (the lock waits for a query).

        The first query then waits only for opening the memory, not for the model as well.
        """
        from mirix_app.factories import load_app_settings, make_embedder

        if self._embedder is not None or read_keyinfo(self.data_dir) is None or owner_protocol.alive(self.path):
            return
        try:
            embedder = make_embedder(load_app_settings(self.data_dir))
        except Exception as error:  # noqa: BLE001 - a broken settings file is reported by the first query
            log.warning("not loading the text embedder ahead of time: %s", error)
            return
        self._embedder = embedder
        threading.Thread(target=_load, args=(embedder,), name="mirix-mcp-warm-up", daemon=True).start()

    @property
    def owner(self) -> bool:
        """True while this process owns the memory (its store is open here)."""
        return self._store is not None

    # -- queries ------------------------------------------------------------------------------------
    def query(self, name: str, args: Mapping[str, Any], client: str = "") -> dict[str, Any]:
        """The result of one named query, or ``AccessError`` with a message for the user."""
        request = {"op": "query", "query": name, "args": dict(args), "client": client}
        deadline = time.monotonic() + self.wait_s
        said = ""
        while True:
            answer = self._answer(request)
            if answer is not None and not answer.get("retry"):
                if answer.get("ok"):
                    return dict(answer.get("result") or {})
                error = str(answer.get("error") or "the owner of the memory refused the query")
                raise MemoryLocked(error) if answer.get("locked") else AccessError(error)
            owner = read_owner(self.data_dir)
            who = owner.describe() if owner is not None else "another mirix-app process"
            if time.monotonic() >= deadline:
                raise AccessError(f"{who} is busy with your mirix-app memory; ask again in a moment.")
            line = f"waiting for {who} to finish with {self.data_dir}" + (
                f": {answer['error']}" if answer and answer.get("error") else ""
            )
            if line != said:
                log.warning("%s...", line)
                said = line
            time.sleep(POLL_S)

    def _answer(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """The final answer of whoever owns the memory (this process included); None when nobody can answer now."""
        if self.owner:
            return self._here(request)
        try:
            answer = owner_protocol.request(self.path, request, timeout=None)
        except ProtocolError as error:  # the owner quit or handed over mid-answer: ask whoever owns it next
            return {"ok": False, "retry": True, "error": f"the owner stopped answering ({error})"}
        if answer is not None:
            return answer
        if time.monotonic() < self._yield_until or not self._become_owner():
            return None  # a CLI command owns the memory (no socket), or we just handed it over
        return self._here(request)

    def _here(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """Answer with this process's store; None when the memory was handed over meanwhile."""
        handler = self._handler
        return None if handler is None else handler.answer(request)

    # -- owning ---------------------------------------------------------------------------------------
    def _become_owner(self) -> bool:
        """Take the owner lock and open the store; False when someone else owns the memory."""
        from mirix_app.factories import load_app_settings, open_store

        with self._guard:
            if self._store is not None:
                return True
            if not self._lock.try_acquire(ROLE, COMMAND):
                return False
            try:
                if read_keyinfo(self.data_dir) is None:  # never create a memory here: the app sets one up
                    raise AccessError(NO_MEMORY.format(data_dir=self.data_dir))
                if self._engine is None:
                    self._engine = Engine("mirix-mcp-engine")
                    self._engine.start()
                    self._handler = QueryHandler(self._engine, lambda: self._store, self.data_dir, closed=None)
                settings = load_app_settings(self.data_dir)
                store = self._engine.call(lambda: open_store(self.data_dir, settings, self.passphrase, self._embedder))
            except WrongKeyError as error:
                self._lock.release()
                raise AccessError(WRONG_KEY.format(reason=error)) from None
            except KeyUnavailableError as error:
                self._lock.release()
                raise MemoryLocked(LOCKED.format(reason=error)) from None
            except BaseException:
                self._lock.release()
                raise
            for notice in store.notices:
                log.warning("%s", notice)
            self._embedder = store.vectors.embedder
            self._store = store
            self._server = OwnerServer(self.path, self._on_request)
            try:
                self._server.start()
            except OSError as error:  # an unwritable runtime dir: answer our own queries anyway
                log.warning("cannot listen on %s: %s", self.path, error)
            log.info("mirix-app mcp owns %s", self.data_dir)
            return True

    def _on_request(self, request: dict[str, Any], send: owner_protocol.Send) -> dict[str, Any]:
        """Another process knocks while this one owns the memory (runs on the socket's thread)."""
        op = request.get("op")
        if op == "hello":
            return {"ok": True, "result": {"pid": os.getpid(), "role": "mcp", "protocol": owner_protocol.VERSION}}
        if op == "query" and not self._handing_over:  # another MCP server: serve it
            return self._here(request) or {"ok": False, "retry": True, "error": "handing the memory over"}
        # the desktop app starting ("activate") or a CLI command ("run"): they come first
        self.hand_over()
        return {"ok": False, "retry": True, "error": "it is handing the memory over", "code": 3}

    def hand_over(self) -> None:
        """Give the memory up soon (after the query in flight): close the socket and the store, release the lock."""
        with self._guard:
            if self._handing_over or self._store is None or self._engine is None:
                return
            self._handing_over = True
            engine = self._engine
        with contextlib.suppress(EngineStopped):  # exiting: close() releases everything
            engine.submit(self._release)

    def _release(self) -> None:
        """On the engine thread: stop listening, close the store, release the owner lock (in that order)."""
        self._yield_until = time.monotonic() + HANDOVER_GRACE_S
        server, self._server = self._server, None
        if server is not None:
            server.close()
        store, self._store = self._store, None
        try:
            if store is not None:
                store.close()
        finally:
            self._lock.release()
            self._handing_over = False
            log.info("mirix-app mcp handed %s over", self.data_dir)

    def close(self) -> None:
        """At exit: give the memory up and stop the engine."""
        engine, self._engine = self._engine, None
        if engine is None:
            self._lock.release()
            return
        try:
            engine.call(self._release, timeout=30)
        except Exception as error:  # noqa: BLE001 - exiting anyway; the OS drops the lock with the process
            log.warning("closing the memory: %s", error)
        engine.stop(timeout=5)


def _load(embedder: Any) -> None:
    """Load an embedder's model (a failure shows again, with its reason, when a query needs it)."""
    try:
        embedder.embed(["warm up"])
    except Exception as error:  # noqa: BLE001 - the query that needs the model reports it
        log.warning("could not load the text embedder ahead of the first query: %s", error)
