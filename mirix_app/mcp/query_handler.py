"""The owner's answer to a ``query`` request on its socket: run it as one engine job against the open store."""

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

log = logging.getLogger(__name__)

LOCKED_IN_APP = (
    "Your mirix-app memory is locked: unlock it in the mirix-app window (the desktop app is running), then ask again."
)


def answer_query(store: Any, data_dir: Path, request: dict[str, Any]) -> dict[str, Any]:
    """The final protocol answer to one query against ``store`` (None when the owner's memory is locked)."""
    if store is None:
        return {"ok": False, "locked": True, "error": LOCKED_IN_APP, "code": 3}
    args = request.get("args") or {}
    try:
        result = run_query(store, data_dir, str(request.get("query")), args, str(request.get("client") or ""))
    except (UserFacingError, NotFoundError, ValidationError) as error:
        return {"ok": False, "error": str(error), "code": 3}
    except Exception as error:  # noqa: BLE001 - one failed query must not take the owner down
        if is_disk_full(error):
            return {"ok": False, "error": disk_full_message(data_dir), "code": 3}
        log.exception("query %r failed", request.get("query"))
        return {"ok": False, "error": f"mirix-app could not answer ({type(error).__name__}: {error}).", "code": 3}
    return {"ok": True, "result": result}


class QueryHandler:
    """Answers ``query`` requests on the owner's socket thread by running them on the owner's engine."""

    def __init__(self, engine: Any, store: Callable[[], Any], data_dir: Path) -> None:
        self.engine = engine
        self.store = store
        self.data_dir = Path(data_dir)

    def __call__(self, request: dict[str, Any], send: Send) -> dict[str, Any]:
        try:
            return self.engine.submit(lambda: answer_query(self.store(), self.data_dir, request)).result()
        except (EngineStopped, concurrent.futures.CancelledError):
            return {"ok": False, "retry": True, "error": "the owner of the memory is closing", "code": 3}
