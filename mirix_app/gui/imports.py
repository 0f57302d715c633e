"""Imports started from the window: read on a worker thread, written by short jobs on the engine thread.

A chat JSONL file goes through the same core as `mirix-app import-chat`, a folder of screenshots through the
same capture pipeline as `mirix-app import-frames`; both report progress and end with what was skipped and why.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mirix_app.capture.importer import collect, import_frames
from mirix_app.importers.chat_import import ChatImport
from mirix_app.importers.chat_jsonl import check_import_file, read_chat_jsonl
from stores.errors import UserFacingError
from ui.viewmodels import ImportSummary

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
Submit = Callable[[Callable[[], Any]], Any]  # runs a job on the engine thread and returns its result


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def import_chat(path: Path, store: Any, submit: Submit, progress: Progress) -> ImportSummary:
    """Import a chat JSONL file: lines parsed here, each batch written by an engine job."""
    check_import_file(path)
    with path.open("rb") as handle:
        total = sum(1 for _ in handle)
    job = ChatImport(path)
    line = 0
    for item in read_chat_jsonl(path):
        line = item.line
        if job.take(item):
            submit(lambda: job.flush(store))
            progress(f"Importing chat messages: line {line:,} of {total:,}…", line, total)
    submit(lambda: job.flush(store))
    progress("Indexing the new messages for search…", total, total)
    submit(store.sync_vectors)
    headline = f"Imported {_plural(job.new, 'new message')} from {path.name}; {job.present} already present."
    if job.new:
        headline += " They are memorized in the background."
    skipped = [f"line {n}: {reason}" for n, reason in job.skipped]
    if job.failed + job.differ > len(job.skipped):
        skipped.append(f"{job.failed + job.differ - len(job.skipped)} more lines skipped")
    return ImportSummary(headline, skipped)


def import_screenshots(folder: Path, pipeline: Any, progress: Progress) -> ImportSummary:
    """Import a folder of screenshots through the capture pipeline (OCR here, writes on the engine thread)."""
    try:
        items, problems = collect([folder])
    except FileNotFoundError as error:
        raise UserFacingError(str(error)) from error
    if not items:
        raise UserFacingError(f"No PNG, JPEG or WebP files in {folder}.")
    progress(f"Reading {_plural(len(items), 'screenshot')}…", 0, len(items))

    def step(done: int, total: int) -> None:
        progress(f"Reading screenshots: {done} of {total}…", done, total)

    report = import_frames(pipeline, items, progress=step)
    mb = report.stored_bytes / 1024**2
    headline = (
        f"Imported {_plural(report.stored, 'screenshot')} from {folder.name} ({mb:.1f} MB, encrypted); "
        f"{report.already_present} already present."
    )
    skipped = [f"{path.name}: {reason}" for path, reason in report.failed]
    if report.duplicates:
        skipped.append(f"{_plural(report.duplicates, 'near-duplicate')} of the screenshot before (nothing new)")
    if report.excluded:
        skipped.append(f"{report.excluded} excluded by your capture exclusions (app or window title)")
    return ImportSummary(headline, skipped + problems)


def run_in_thread(
    work: Callable[[], ImportSummary], done: Callable[[ImportSummary], None], fail: Callable[[str], None]
) -> threading.Thread:
    """Run an import on its own thread; ``done`` or ``fail`` is called there (they emit Qt signals)."""

    def body() -> None:
        try:
            summary = work()
        except UserFacingError as error:
            fail(str(error))
        except Exception as error:  # noqa: BLE001 - a bug: logged with its traceback, told briefly
            log.exception("import failed")
            fail(f"Something went wrong: {type(error).__name__}: {error}")
        else:
            done(summary)

    thread = threading.Thread(target=body, name="import", daemon=True)
    thread.start()
    return thread
