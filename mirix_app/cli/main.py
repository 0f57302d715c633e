"""Command-line interface: the scripting surface of mirix-app (import, search, stats, ...)."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mirix_app import __version__
from mirix_app.cli import agents, capture, forget, output, owner_client
from mirix_app.cli.errors import user_error
from mirix_app.logs import quiet_third_party_logs
from mirix_app.settings import default_data_dir
from stores.errors import KeyUnavailableError, UserFacingError
from stores.memory_types import MEMORY_TYPES, OBSERVATION
from stores.redaction import redact_text
from stores.timeutil import to_epoch

if TYPE_CHECKING:  # a client never opens the store: keep its start-up light (no Chroma, no models)
    from stores.memory_store import MemoryStore

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_USER_ERROR = 0, 1, 2, 3
TYPE_CHOICES = [*MEMORY_TYPES, "vault", OBSERVATION]


_err = output.err
_out = output.out


def _passphrase_from_user(data_dir: Path) -> str | None:
    """Ask for the passphrase on a terminal (twice when creating a new memory); None when not interactive."""
    from stores.keys import read_keyinfo

    if not sys.stdin.isatty():
        return None
    secret = getpass.getpass("Passphrase for your mirix-app memory: ")
    if read_keyinfo(data_dir) is None and getpass.getpass("Repeat it to confirm: ") != secret:
        raise UserFacingError("The two passphrases differ; nothing was created.")
    return secret


@contextlib.contextmanager
def _open(args: argparse.Namespace) -> Iterator[MemoryStore]:
    """The memory for this command: the owner's open store when serving a client, else opened (and closed) here."""
    served = output.served_store()
    if served is not None:
        yield served
        return
    with _unlock(args) as store:
        for notice in store.notices:
            _err(notice)
        yield store


def _unlock(args: argparse.Namespace) -> MemoryStore:
    from mirix_app.factories import load_app_settings, open_store

    data_dir = args.data_dir
    settings = load_app_settings(data_dir)
    passphrase = os.environ.get("MIRIX_PASSPHRASE")
    try:
        return open_store(data_dir, settings, passphrase)
    except KeyUnavailableError:
        if passphrase is not None:
            raise
        typed = _passphrase_from_user(data_dir)
        if typed is None:
            raise
        return open_store(data_dir, settings, typed)


# -- commands ------------------------------------------------------------------------------------
def cmd_import_chat(args: argparse.Namespace) -> int:
    from mirix_app.importers.chat_import import ChatImport
    from mirix_app.importers.chat_jsonl import check_import_file, read_chat_jsonl

    path = Path(args.file)
    check_import_file(path)
    report = ChatImport(path, _skipped_line_printer(path))
    with _open(args) as store:
        for item in read_chat_jsonl(path):
            if report.take(item):
                report.flush(store)
                _err(f"  {report.seen} messages read...")
        report.flush(store)
        _err("indexing vectors...")
        store.sync_vectors()
    _out(report.summary())
    return EXIT_PARTIAL if report.failed or report.differ else EXIT_OK


SHOWN_ERRORS = 20  # bad lines reported one by one; after that only counted


def _skipped_line_printer(path: Path) -> Callable[[int, str], None]:
    """Print the first skipped lines one by one, then say that only the count follows."""
    shown = [0]

    def report(line: int, reason: str) -> None:
        shown[0] += 1
        if shown[0] <= SHOWN_ERRORS:
            _err(f"{path}:{line}: skipped: {reason}")
        elif shown[0] == SHOWN_ERRORS + 1:
            _err(f"{path}: more lines skipped; only the count is reported from here on")

    return report


def _search_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {"types": args.type, "k": args.k, "since": args.since, "until": args.until, "app": args.app}


def _print_hits(query_id: str | None, hits: Sequence[Any], as_json: bool) -> None:
    if as_json:
        rows = [
            {"type": h.type, "id": h.id, "score": h.score, "text": redact_text(h.text), "sources": h.sources}
            for h in hits
        ]
        _out(json.dumps({"id": query_id, "hits": rows} if query_id is not None else {"hits": rows}))
        return
    if not hits:
        _out("no matches")
    for rank, hit in enumerate(hits, start=1):
        when = f" [{hit.time[:16]}]" if hit.time else ""
        sources = f"  (sources: {', '.join(hit.sources)})" if hit.sources else ""
        _out(f"{rank:>2}. {hit.type}{when} {redact_text(hit.text)}{sources}")


def _read_queries(path: Path) -> list[tuple[str, str]]:
    queries = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                queries.append((str(obj["id"]), str(obj["query"])))
            except (ValueError, KeyError, TypeError):
                raise UserFacingError(f'{path}:{number}: expected {{"id": ..., "query": ...}}') from None
    return queries


def cmd_search(args: argparse.Namespace) -> int:
    if bool(args.query) == bool(args.queries):
        raise UserFacingError("Give either a QUERY or --queries FILE.jsonl.")
    queries = _read_queries(Path(args.queries)) if args.queries else None
    with _open(args) as store:
        if queries is None:
            _print_hits(None, store.search(args.query, **_search_kwargs(args)), args.json)
            return EXIT_OK
        for query_id, text in queries:
            _print_hits(query_id, store.search(text, **_search_kwargs(args)), True)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from mirix_app.capture.status import capture_summary

    with _open(args) as store:
        stats = store.stats()
        stats["capture"] = capture_summary(store)
    if args.json:
        _out(json.dumps(stats))
        return EXIT_OK
    _out("memories:")
    for name, count in stats["memories"].items():
        _out(f"  {name:<16}{count}")
    inbox = stats["observations"]
    _out(f"observations: {inbox['pending']} pending, {inbox['done']} done, {inbox['parked']} need attention")
    _out(f"vectors: {stats['vectors']} ({stats['vector_outbox']} waiting to be indexed)")
    _out(f"disk: database {stats.get('database_bytes', 0):,} bytes, vectors {stats.get('vector_bytes', 0):,} bytes")
    cap = stats["capture"]
    _out(
        f"frames: {cap.get('frames_on_disk', 0)} on disk ({cap.get('frame_bytes', 0):,} bytes encrypted), "
        f"{cap.get('frame_observations', 0)} frame observations, {cap.get('image_vectors', 0)} image vectors"
    )
    last = cap.get("last_status")
    if last:
        dropped = ", ".join(f"{k} {v}" for k, v in last.get("dropped", {}).items()) or "none"
        _out(
            f"capture (as of {last['updated_at'][:19]}): {last['state']}, {last['seen']} seen, {last['kept']} kept, "
            f"dropped: {dropped}, backlog {last['ocr_backlog']}, image search {last['image_search']}"
        )
    return EXIT_OK


def cmd_reindex(args: argparse.Namespace) -> int:
    with _open(args) as store:
        _err("rebuilding the vector index from the database...")

        def progress(done: int, total: int) -> None:
            _err(f"  {done}/{total}")

        count = store.reindex(progress)
    _out(f"re-indexed {count} item(s)")
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from mirix_app.cli.owner_service import RunHandler
    from mirix_app.gui.run import run_gui

    return run_gui(args.data_dir, serve=RunHandler)


def cmd_mcp(args: argparse.Namespace) -> int:
    from mirix_app.mcp.server import serve

    return serve(args.data_dir, allow_write=args.allow_write)


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def iso_time(text: str) -> str:
    """An argparse type: an ISO-8601 date or time (kept as given)."""
    try:
        to_epoch(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO-8601 date or time: {text!r} (e.g. 2024-03-01 or 2024-03-01T14:30)"
        ) from None
    return text


# -- parser --------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mirix-app",
        description="A local-first memory of what you see and say, encrypted on your own disk. "
        "With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"mirix-app {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the encrypted memory lives (default: $MIRIX_DATA_DIR or the platform's app-data dir)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("gui", help="open the desktop app (the default when no command is given)")
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("import-chat", help="import chat messages from a JSONL file as observations")
    p.add_argument("file", help='JSONL, one {"id", "time", "speaker", "text"} object per line')
    p.set_defaults(func=cmd_import_chat)

    p = sub.add_parser("search", help="hybrid search over memories and observations")
    p.add_argument("query", nargs="?", help="what to look for")
    p.add_argument("--queries", help='JSONL of {"id", "query"} to run in one batch (prints JSON lines)')
    p.add_argument("--k", type=positive_int, default=10, help="how many hits (default 10)")
    p.add_argument("--type", action="append", choices=TYPE_CHOICES, help="restrict to a type (repeatable)")
    p.add_argument("--since", type=iso_time, help="only items at or after this ISO-8601 time")
    p.add_argument("--until", type=iso_time, help="only items at or before this ISO-8601 time")
    p.add_argument("--app", help="only items seen in this app")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("stats", help="counts per memory type, inbox, sizes on disk")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_stats)
    p = sub.add_parser("reindex", help="rebuild the vector index from the encrypted database (with progress)")
    p.set_defaults(func=cmd_reindex)
    p = sub.add_parser(
        "mcp",
        help="serve the memory to other assistants over the Model Context Protocol (stdio; read-only by default)",
        description="Speak MCP on stdin/stdout for Claude Desktop, Cursor, Zed or any MCP client (never a network "
        "port). Tools: search_memory, ask_memory, recent_activity, get_memory; resources: the core memory. "
        "Works through the running desktop app, or opens the memory itself (MIRIX_PASSPHRASE or the OS keyring) "
        "when the app is not running. Knowledge-vault secrets are never returned.",
    )
    p.add_argument(
        "--allow-write",
        action="store_true",
        help="also offer remember(text): notes kept as observations from mcp:<client name>",
    )
    p.set_defaults(func=cmd_mcp)
    capture.register(sub)
    agents.register(sub)
    forget.register(sub, iso_time)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mirix-app`` command."""
    multiprocessing.freeze_support()  # the Chroma worker is a spawned process, also in a frozen bundle
    parser = build_parser()
    raw = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(raw)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    quiet_third_party_logs()
    args.data_dir = (args.data_dir or default_data_dir()).expanduser()
    if getattr(args, "func", cmd_gui) in (cmd_gui, cmd_mcp):  # they own the data dir, or use its owner, themselves
        return run_command(args)
    try:
        return owner_client.run(args, raw, run_command)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except Exception as error:
        user = user_error(error, args.data_dir)
        if user is None:
            raise
        _err(f"error: {user}")
        return EXIT_USER_ERROR


def run_command(args: argparse.Namespace) -> int:
    """Run one parsed command here (as the owner, or for a client) and turn its errors into exit codes."""
    func: Callable[[argparse.Namespace], int] = getattr(args, "func", cmd_gui)
    try:
        return func(args)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except Exception as error:
        user = user_error(error, getattr(args, "data_dir", None))
        if user is None:
            raise
        _err(f"error: {user}")
        return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
