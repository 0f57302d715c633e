"""The desktop app's answer to its clients: a CLI command line or an MCP server's query, run on the engine thread."""

from __future__ import annotations

import concurrent.futures
from typing import Any

from mirix_app.cli import output, owner_client
from mirix_app.engine import EngineStopped
from mirix_app.mcp.query_handler import QueryHandler
from mirix_app.owner_protocol import Send
from stores.errors import UserFacingError
from stores.gated_store import gated

MODEL_COMMANDS = frozenset({"ask", "memorize"})
"""Commands that call a language model: they run on the client's own thread, their store calls as engine jobs."""
NOT_SERVED = {
    "gui": "The desktop app is already running.",
    "capture": "The desktop app is running and captures the screen itself; use its capture controls.",
    "mcp": "mirix-app mcp runs on its own and uses the desktop app by itself; start it directly.",
}


class RunHandler:
    """Runs a client's command as one engine job (a model command: each store call as one), streaming its output.

    An MCP server's ``query`` requests go to a ``QueryHandler`` on the same engine and store.
    """

    def __init__(self, engine: Any, services: Any) -> None:
        self.engine = engine
        self.services = services
        self.queries = QueryHandler(engine, lambda: services.store, services.data_dir)

    def __call__(self, request: dict[str, Any], send: Send) -> dict[str, Any]:
        from mirix_app.cli import main as cli  # late: cli/main.py hands this handler to the desktop app

        if request.get("op") == "query":
            return self.queries(request, send)

        if self.services.store is None:
            return {"ok": False, "retry": True, "error": "unlock the memory in the desktop app's window"}
        if request.get("op") == "forget":
            return self._forget(request)
        parsed = _parse(cli.build_parser(), request.get("argv") or [])
        if isinstance(parsed, dict):
            return parsed
        command = parsed.command or "gui"
        if command in NOT_SERVED:
            return {"ok": False, "error": NOT_SERVED[command], "code": 3}
        owner_client.absolutize(parsed, request.get("cwd"))
        parsed.data_dir = self.services.data_dir

        gate = command in MODEL_COMMANDS

        def job() -> int:
            store = self.services.store
            with output.serving(
                _sender(send, "out"), _sender(send, "err"), gated(store, self.engine.call) if gate and store else store
            ):
                if store is None:
                    output.err("error: the desktop app's memory was closed")
                    return cli.EXIT_USER_ERROR
                return cli.run_command(parsed)

        try:
            code = job() if gate else self.engine.submit(job).result()
        except (EngineStopped, concurrent.futures.CancelledError):
            return {"ok": False, "error": "The desktop app quit before running this command; run it again.", "code": 3}
        return {"ok": True, "result": {"exit": int(code)}}

    def _forget(self, request: dict[str, Any]) -> dict[str, Any]:
        """Count (dry run) or delete a time range on the engine thread; the answer is the forget report."""
        since, until, dry_run = request.get("since"), request.get("until"), bool(request.get("dry_run", True))
        if not isinstance(since, str) or not isinstance(until, str):
            return {"ok": False, "error": "forget needs since and until (ISO-8601)", "code": 2}

        def job() -> Any:  # the app's forget also drops frames of the range in OCR and refreshes the window
            if self.services.store is None:
                raise UserFacingError("the desktop app's memory was locked; unlock it and run the command again")
            return self.services.forget_range(since, until, dry_run)

        try:
            report = self.engine.submit(job).result()
        except (EngineStopped, concurrent.futures.CancelledError):
            return {"ok": False, "error": "The desktop app quit before forgetting; run the command again.", "code": 3}
        except (UserFacingError, ValueError) as error:
            return {"ok": False, "error": str(error), "code": 3}
        return {"ok": True, "result": report.to_dict()}


def _sender(send: Send, event: str) -> output.Write:
    return lambda text: send({"event": event, "text": text})


class _UsageError(Exception):
    """argparse found the command line unusable (raised instead of printing and exiting)."""


def _parse(parser: Any, argv: list[str]) -> Any:
    """The parsed command line, or a final error answer (the client checked it already; versions may differ)."""

    def error(message: str) -> None:
        raise _UsageError(message)

    parser.error = error
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for sub in action.choices.values():
            sub.error = error
    try:
        return parser.parse_args([str(a) for a in argv])
    except (_UsageError, SystemExit) as failure:
        return {"ok": False, "error": f"usage: {failure}", "code": 2}
