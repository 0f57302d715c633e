"""`mirix-app forget --since --until [--dry-run]`: say what a time range holds, then delete it everywhere."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from mirix_app import owner_protocol
from mirix_app.cli import output
from mirix_app.owner_protocol import ProtocolError
from stores.errors import UserFacingError
from stores.forget_report import ForgetReport
from stores.timeutil import to_epoch

EXIT_OK = 0


def _cli() -> Any:
    from mirix_app.cli import main as cli  # late: cli imports this module to register the commands

    return cli


def _range(args: argparse.Namespace) -> tuple[str, str]:
    """The range as aware ISO-8601 strings (``--until`` defaults to now); a reversed range is refused."""
    until = args.until or datetime.now(UTC).isoformat()
    since_epoch, until_epoch = to_epoch(args.since), to_epoch(until)
    assert since_epoch is not None and until_epoch is not None
    if until_epoch < since_epoch:
        raise UserFacingError("--until is before --since; nothing was deleted.")
    return args.since, until


def describe_range(since: str, until: str) -> str:
    """'from A to B' in local time, with UTC alongside (naive input times are UTC, as everywhere in the CLI)."""

    def both(value: str) -> str:
        epoch = to_epoch(value) or 0.0
        local = datetime.fromtimestamp(epoch).astimezone()
        shown = f"{local:%Y-%m-%d %H:%M:%S %Z}"
        return (
            shown if local.utcoffset() == timedelta(0) else f"{shown} ({datetime.fromtimestamp(epoch, UTC):%H:%M} UTC)"
        )

    return f"from {both(since)} to {both(until)}"


def _confirmed(args: argparse.Namespace) -> bool:
    """--yes, or a 'y' typed on a terminal; without a terminal --yes is required."""
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise UserFacingError("Not a terminal: add --yes to forget without being asked (or --dry-run to look first).")
    try:
        answer = input("Forget all of this? It cannot be undone. [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _print_plan(report: ForgetReport, since: str, until: str, dry_run: bool) -> None:
    verb = "would forget" if dry_run else "will forget"
    output.out(f"{verb} everything stored {describe_range(since, until)}:")
    for line in report.lines():
        output.out(f"  - {line}")


def _go_ahead(plan: ForgetReport, since: str, until: str, args: argparse.Namespace) -> bool:
    """Print what the range holds; True when it should now be deleted (not a dry run, not empty, confirmed)."""
    _print_plan(plan, since, until, args.dry_run)
    if args.dry_run:
        output.out("(dry run: nothing was deleted)")
        return False
    if plan.nothing:
        return False
    if not _confirmed(args):
        output.out("nothing was deleted")
        return False
    return True


def cmd_forget(args: argparse.Namespace) -> int:
    """Run as the data dir's owner (or inside the desktop app for an older client's ``run`` request)."""
    since, until = _range(args)
    with _cli()._open(args) as store:
        plan = store.forget_range(since, until, dry_run=True)
        if not _go_ahead(plan, since, until, args):
            return EXIT_OK
        output.out(store.forget_range(since, until).summary())
    return EXIT_OK


def forget_as_client(path: str, args: argparse.Namespace) -> int | str | None:
    """The same command against the running desktop app, with the ``forget`` request (None: nobody listens)."""
    since, until = _range(args)
    plan = _request(path, since, until, dry_run=True)
    if not isinstance(plan, ForgetReport):
        return plan
    if not _go_ahead(plan, since, until, args):
        return EXIT_OK
    done = _request(path, since, until, dry_run=False)
    if not isinstance(done, ForgetReport):
        return done if done is not None else _gone()
    output.out(done.summary())
    return EXIT_OK


def _request(path: str, since: str, until: str, dry_run: bool) -> ForgetReport | int | str | None:
    message = {"op": "forget", "since": since, "until": until, "dry_run": dry_run, "cwd": os.getcwd()}
    try:
        answer = owner_protocol.request(path, message, timeout=None)
    except ProtocolError as error:
        raise UserFacingError(f"The running mirix-app stopped answering: {error}. Try again.") from None
    if answer is None:
        return None
    if answer.get("ok"):
        return ForgetReport.from_dict(answer.get("result") or {})
    if answer.get("retry"):
        return str(answer.get("error", ""))
    reason = str(answer.get("error", "the running mirix-app refused to forget"))
    if reason.startswith("unknown request"):
        reason = "the running mirix-app is an older version that cannot forget a range; restart it and try again"
    output.err(f"error: {reason}")
    return int(answer.get("code", 3))


def _gone() -> int:
    output.err("error: the running mirix-app went away before forgetting; run the command again")
    return 3


def register(sub: Any, iso_time: Any) -> None:
    """Add ``forget`` to the ``mirix-app`` parser's subcommands."""
    p = sub.add_parser(
        "forget",
        help="delete everything stored in a time range (observations, frames, vectors, memories made only from it)",
        description="Prints what the range holds, then deletes it everywhere. Memories that also have sources "
        "outside the range stay and lose only the range's sources (kept in their history), unless they quote one "
        "of its lines word for word. Times are ISO-8601; a time without an offset is UTC.",
    )
    p.add_argument("--since", type=iso_time, required=True, help="start of the range (ISO-8601)")
    p.add_argument("--until", type=iso_time, help="end of the range (ISO-8601; default: now)")
    p.add_argument("--dry-run", action="store_true", help="only print what would be deleted")
    p.add_argument("--yes", action="store_true", help="do not ask (needed when not on a terminal)")
    p.set_defaults(func=cmd_forget, as_client=forget_as_client)


__all__ = ["cmd_forget", "describe_range", "forget_as_client", "register"]
