"""Run a CLI command as the data dir's owner, or as a client of the owner that runs, waiting when one must."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from mirix_app import owner_protocol
from mirix_app.cli import output
from mirix_app.owner_protocol import ProtocolError
from stores.datadir import ensure_private_dir
from stores.errors import UserFacingError
from stores.owner_lock import OwnerLock, read_owner

POLL_S = 0.2
PATH_ARGS = ("file", "queries", "questions")


def run(args: argparse.Namespace, argv: Sequence[str], dispatch: Callable[[argparse.Namespace], int]) -> int:
    """Own the data dir for this command when nobody does; else send it to the owner; else wait for the owner."""
    data_dir = ensure_private_dir(args.data_dir)
    lock = OwnerLock(data_dir)
    path = owner_protocol.socket_name(data_dir)
    said = ""
    while True:
        if lock.try_acquire("cli", args.command or ""):
            try:
                return dispatch(args)
            finally:
                lock.release()
        as_client = getattr(args, "as_client", None)  # a command with its own request (forget)
        answer = as_client(path, args) if as_client is not None else _as_client(path, argv)
        if isinstance(answer, int):
            return answer
        owner = read_owner(data_dir)
        who = owner.describe() if owner is not None else "another mirix-app process"
        line = f"waiting for {who} to finish with {data_dir}" + (f": {answer}" if answer else "") + "..."
        if line != said:
            output.err(line)
            said = line
        time.sleep(POLL_S)


def _as_client(path: str, argv: Sequence[str]) -> int | str | None:
    """The exit code of the command run by the owner; a reason to wait (str); None when nobody listens."""
    message = {"op": "run", "argv": list(argv), "cwd": os.getcwd()}
    try:
        answer = owner_protocol.request(path, message, on_event=_print_event, timeout=None)
    except ProtocolError as error:
        raise UserFacingError(f"The running mirix-app stopped answering: {error}. Try again.") from None
    if answer is None:
        return None
    if answer.get("ok"):
        return int(answer.get("result", {}).get("exit", 0))
    if answer.get("retry"):
        return str(answer.get("error", ""))
    output.err(f"error: {answer.get('error', 'the running mirix-app refused the command')}")
    return int(answer.get("code", 3))


def _print_event(event: dict[str, Any]) -> None:
    text = str(event.get("text", ""))
    if event.get("event") == "out":
        output.write_out(text)
    else:
        output.write_err(text)


def absolutize(args: argparse.Namespace, cwd: str | None) -> None:
    """Resolve a client's relative file arguments against the client's working dir."""
    if not cwd:
        return
    for name in PATH_ARGS:
        value = getattr(args, name, None)
        if value and not os.path.isabs(value):
            setattr(args, name, os.path.join(cwd, value))
    paths = getattr(args, "paths", None)
    if paths:
        args.paths = [p if os.path.isabs(p) else os.path.join(cwd, p) for p in paths]
