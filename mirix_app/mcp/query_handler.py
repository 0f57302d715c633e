"""The owner's answer to a ``query`` request: one engine job, or (a model query) each store call as one.

A query that may call a language model (``ask_memory``) runs on the asking thread with the store behind the
engine (``stores.gated_store``), like the CLI's ``ask`` served by the desktop app: a slow model never blocks the
owner's database jobs.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mirix_app.engine import EngineStopped
from mirix_app.mcp.queries import run_query
from mirix_app.owner_protocol import Send
from stores.errors import NotFoundError, UserFacingError, ValidationError, disk_full_message, is_disk_full
from stores.gated_store import Run

log = logging.getLogger(__name__)

LOCKED_IN_APP = (
    "Your mirix-app memory is locked: unlock it in the mirix-app window (the desktop app is running), then ask again."
)
LOCKED_ANSWER = {"ok": False, "locked": True, "error": LOCKED_IN_APP, "code": 3}
MODEL_QUERIES = frozenset({"ask_memory"})
"""Queries that may call a language model: they run on the asking thread, each store call as one engine job."""


def answer_query(store: Any, data_dir: Path, request: dict[str, Any], run: Run | None = None) -> dict[str, Any]:
    """The final protocol answer to one query against ``store`` (None when the owner's memory is locked).

    ``run``: the gate for every store call (``Engine.call``) when this runs off the engine thread.
    """
    if store is None:
        return dict(LOCKED_ANSWER)
    args = request.get("args") or {}
    try:
        result = run_query(store, data_dir, str(request.get("query")), args, str(request.get("client") or ""), run)
    except (UserFacingError, NotFoundError, ValidationError) as error:
        return {"ok": False, "error": str(error), "code": 3}
    except Exception as error:  # noqa: BLE001 - one failed query must not take the owner down
        if is_disk_full(error):
            return {"ok": False, "error": disk_full_message(data_dir), "code": 3}
        log.exception("query %r failed", request.get("query"))
        return {"ok": False, "error": f"mirix-app could not answer ({type(error).__name__}: {error}).", "code": 3}
    return {"ok": True, "result": result}


class QueryHandler:
    """Answers ``query`` requests (on a socket or worker thread) against the owner's store, through its engine.

    ``closed`` is the answer while there is no store: the locked error for the desktop app, None for an MCP
    server that has just handed the memory over (its caller then asks the new owner).
    """

    def __init__(
        self, engine: Any, store: Callable[[], Any], data_dir: Path, closed: dict[str, Any] | None = LOCKED_ANSWER
    ) -> None:
        self.engine = engine
        self.store = store
        self.data_dir = Path(data_dir)
        self.closed = closed

    def __call__(self, request: dict[str, Any], send: Send) -> dict[str, Any]:
        """The protocol answer on the owner's socket (a closed store: the ``closed`` answer, else "retry")."""
        answer = self.answer(request)
        return answer if answer is not None else {"ok": False, "retry": True, "error": "the memory is closed"}

    def answer(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """The answer to one query; ``closed`` (None for an MCP server: ask the new owner) while there is no store."""
        if str(request.get("query")) in MODEL_QUERIES:
            store = self.store()
            return self._closed() if store is None else answer_query(store, self.data_dir, request, self.engine.call)

        def job() -> dict[str, Any] | None:
            store = self.store()
            return self._closed() if store is None else answer_query(store, self.data_dir, request)

        try:
            return self.engine.submit(job).result()
        except (EngineStopped, concurrent.futures.CancelledError):
            return {"ok": False, "retry": True, "error": "the owner of the memory is closing", "code": 3}

    def _closed(self) -> dict[str, Any] | None:
        return None if self.closed is None else dict(self.closed)
