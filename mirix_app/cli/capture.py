"""CLI commands of the capture pipeline: capture, import-frames, search-frames, delete-frames."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stores.errors import UserFacingError
from stores.timeutil import to_epoch

if TYPE_CHECKING:  # the capture machinery loads only when a capture command runs in this process
    from mirix_app.capture.status import CaptureStatus

EXIT_OK, EXIT_PARTIAL = 0, 1


def _cli() -> Any:
    from mirix_app.cli import main as cli  # late: cli imports this module to register the commands

    return cli


def _status_line(status: CaptureStatus) -> str:
    dropped = ", ".join(f"{reason} {n}" for reason, n in status.dropped.items()) or "none"
    return (
        f"capture {status.state}: {status.seen} seen, {status.kept} kept, dropped: {dropped}; "
        f"backlog {status.ocr_backlog}; frames on disk {status.frames_on_disk} ({status.frame_bytes:,} bytes); "
        f"image search {status.image_search}"
    )


def cmd_capture(args: argparse.Namespace) -> int:
    from mirix_app.factories import build_capture_loop, build_capture_pipeline, load_app_settings

    cli = _cli()
    settings = load_app_settings(args.data_dir)
    if args.interval is not None and args.interval <= 0:
        raise UserFacingError("--interval must be a positive number of seconds.")
    with cli._open(args) as store:
        pipeline = build_capture_pipeline(store, settings)
        loop = build_capture_loop(pipeline, settings, interval_s=args.interval)
        if args.once:
            try:
                stored = loop.run_once()
            except RuntimeError as error:
                raise UserFacingError(str(error)) from error
            cli._out(f"stored {stored} frame(s)")
            cli._err(_status_line(loop.status.snapshot()))
            return EXIT_OK
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        cli._err(f"capturing every {loop.interval_s:g} s; press Ctrl-C to stop")
        loop.start()
        try:
            while not stop.wait(1.0 if args.verbose else 30.0):
                if args.verbose:
                    cli._err(_status_line(loop.status.snapshot()))
        except KeyboardInterrupt:
            pass
        finally:
            cli._err(f"stopping: finishing {loop.backlog} queued frame(s)...")
            loop.stop()
            signal.signal(signal.SIGTERM, previous)
        cli._err(_status_line(loop.status.snapshot()))
    return EXIT_OK


def cmd_import_frames(args: argparse.Namespace) -> int:
    from mirix_app.capture.importer import collect, import_frames
    from mirix_app.factories import build_capture_pipeline, load_app_settings

    cli = _cli()
    settings = load_app_settings(args.data_dir)
    try:
        items, problems = collect([Path(p) for p in args.paths])
    except FileNotFoundError as error:
        raise UserFacingError(str(error)) from error
    for problem in problems:
        cli._err(problem)
    if not items:
        raise UserFacingError("No PNG, JPEG or WebP files found in the given paths.")
    with cli._open(args) as store:
        pipeline = build_capture_pipeline(store, settings)
        cli._err(f"importing {len(items)} image(s); image search {pipeline.status.image_search}")

        def progress(done: int, total: int) -> None:
            if done % 25 == 0 or done == total:
                cli._err(f"  {done}/{total}")

        report = import_frames(pipeline, items, delete_originals=args.delete_originals, progress=progress)
    for path, reason in report.failed:
        cli._err(f"{path}: failed: {reason}")
    cli._out(
        f"imported {report.stored} frame(s) ({report.stored_bytes:,} bytes encrypted), "
        f"{report.already_present} already present, {report.duplicates} near-duplicate(s) skipped, "
        f"{report.excluded} excluded, {len(report.failed)} failed"
        + (f"; deleted {report.deleted} original(s)" if args.delete_originals else "")
    )
    return EXIT_PARTIAL if report.failed else EXIT_OK


def cmd_search_frames(args: argparse.Namespace) -> int:
    from mirix_app.capture.frame_search import search_frames
    from mirix_app.factories import load_app_settings, make_image_embedder

    cli = _cli()
    settings = load_app_settings(args.data_dir)
    embedder = make_image_embedder(settings.capture)
    if not embedder.available:
        raise UserFacingError(f"Image search is {embedder.status}.")
    from mirix_app.factories import make_image_index

    with cli._open(args) as store:
        index = make_image_index(store, settings, embedder)
        if index is None:
            raise UserFacingError(f"Image search is {embedder.status}.")
        index.sync()
        hits = search_frames(store, index, embedder, args.query, args.k, args.since, args.until, args.app)
    if args.json:
        cli._out(json.dumps({"hits": [h.to_dict() for h in hits]}))
        return EXIT_OK
    if not hits:
        cli._out("no matching frames")
    for rank, hit in enumerate(hits, start=1):
        cli._out(
            f"{rank:>2}. [{hit.time[:19]}] {hit.app or '?'}: {hit.title or ''}  (observation {hit.observation_id})"
        )
    return EXIT_OK


def cmd_delete_frames(args: argparse.Namespace) -> int:
    cli = _cli()
    if not args.since and not args.until and not args.all:
        raise UserFacingError("Give --since and/or --until (ISO-8601), or --all.")
    try:
        since, until = to_epoch(args.since), to_epoch(args.until)
    except ValueError as error:
        raise UserFacingError(f"Not an ISO-8601 time: {error}") from error
    from mirix_app.factories import build_capture_pipeline, load_app_settings

    settings = load_app_settings(args.data_dir)
    with cli._open(args) as store:
        pipeline = build_capture_pipeline(store, settings)
        deleted = pipeline.frames.delete_range(since, until)
        store.forget_frame_files(deleted)
    cli._out(f"deleted {len(deleted)} frame file(s); their observations and memories stay")
    return EXIT_OK


def register(sub: Any) -> None:
    """Add the capture commands to the ``mirix-app`` parser's subcommands."""
    p = sub.add_parser("capture", help="capture the screen into encrypted, OCR'd observations (Ctrl-C stops)")
    p.add_argument("--interval", type=float, default=None, help="seconds between grabs (default: settings, 3)")
    p.add_argument("--once", action="store_true", help="grab every monitor once, store what is kept, exit")
    p.set_defaults(func=cmd_capture)

    p = sub.add_parser("import-frames", help="import screenshots (files or folders) as if they were captured")
    p.add_argument("paths", nargs="+", metavar="PATH", help="PNG/JPEG/WebP files or folders of them")
    p.add_argument(
        "--delete-originals",
        action="store_true",
        help="delete each plaintext file once its content is in the memory (excluded or failed files stay)",
    )
    p.set_defaults(func=cmd_import_frames)

    p = sub.add_parser("search-frames", help="find frames by what they look like (needs CLIP weights)")
    p.add_argument("query", help='a description, e.g. "red bar chart"')
    p.add_argument("--k", type=int, default=10, help="how many frames (default 10)")
    p.add_argument("--since", help="only frames at or after this ISO-8601 time")
    p.add_argument("--until", help="only frames at or before this ISO-8601 time")
    p.add_argument("--app", help="only frames of this app")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_search_frames)

    p = sub.add_parser("delete-frames", help="delete stored frame images in a time range (observations stay)")
    p.add_argument("--since", help="from this ISO-8601 time")
    p.add_argument("--until", help="up to this ISO-8601 time")
    p.add_argument("--all", action="store_true", help="every frame image")
    p.set_defaults(func=cmd_delete_frames)


__all__ = ["register"]
