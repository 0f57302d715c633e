"""Import screenshot files through the capture pipeline, timed by a frames.jsonl sidecar or the file's mtime."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from mirix_app.capture.frame import UNKNOWN, Frame, WindowInfo
from mirix_app.capture.pipeline import CapturePipeline, content_hash, content_source_id
from mirix_app.capture.screen_source import load_rgb
from stores.timeutil import to_epoch

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}
SIDECAR = "frames.jsonl"
IMPORT_DEDUPE_KEY = "import"


@dataclass
class ImportItem:
    """One image file to import and what is known about it."""

    path: Path
    epoch: float
    name: str = ""  # the path relative to the folder imported: the frame's source id, cited by search hits
    app: str = UNKNOWN
    title: str = ""
    monitor: int = 0
    sidecar: Path | None = None


@dataclass
class ImportReport:
    """What happened to each file."""

    stored: int = 0
    already_present: int = 0
    duplicates: int = 0
    excluded: int = 0
    failed: list[tuple[Path, str]] = field(default_factory=list)
    deleted: int = 0
    stored_bytes: int = 0


def read_sidecar(path: Path) -> tuple[dict[str, dict], list[str]]:
    """Sidecar rows by file name (relative to the sidecar's folder), and one message per bad line."""
    rows: dict[str, dict] = {}
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            name = str(obj["file"])
            if obj.get("time") is not None:
                to_epoch(str(obj["time"]))
        except (ValueError, KeyError, TypeError) as error:
            problems.append(f"{path}:{number}: ignored ({type(error).__name__}: {error})")
            continue
        rows[str((path.parent / name).resolve())] = obj
    return rows, problems


def collect(paths: Sequence[Path]) -> tuple[list[ImportItem], list[str]]:
    """Image files named or found in the folders given, oldest first, with their sidecar facts."""
    files: list[Path] = []
    names: dict[Path, str] = {}
    for path in paths:
        if path.is_dir():
            found = [p for p in sorted(path.rglob("*")) if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()]
            files.extend(found)
            names.update({p: p.relative_to(path).as_posix() for p in found})
        elif path.is_file():
            files.append(path)
            names[path] = path.name
        else:
            raise FileNotFoundError(f"No such file or folder: {path}")
    sidecars: dict[Path, dict[str, dict]] = {}
    problems: list[str] = []
    items = []
    for file in files:
        folder = file.resolve().parent
        if folder not in sidecars:
            sidecar = folder / SIDECAR
            rows, bad = read_sidecar(sidecar) if sidecar.is_file() else ({}, [])
            sidecars[folder] = rows
            problems.extend(bad)
        row = sidecars[folder].get(str(file.resolve()), {})
        epoch = to_epoch(str(row["time"])) if row.get("time") else file.stat().st_mtime
        items.append(
            ImportItem(
                path=file,
                epoch=float(epoch),
                name=names.get(file, file.name),
                app=str(row.get("app") or UNKNOWN).lower(),
                title=str(row.get("title") or ""),
                monitor=int(row.get("monitor") or 0),
                sidecar=folder / SIDECAR if row else None,
            )
        )
    items.sort(key=lambda item: (item.epoch, str(item.path)))
    return items, problems


def import_frames(
    pipeline: CapturePipeline,
    items: Sequence[ImportItem],
    delete_originals: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Run each file through the pipeline as if captured at its time; optionally delete the imported files.

    A file is deleted only when its content is in the memory afterwards: stored now, stored before, or a
    near-duplicate of the frame kept just before it. Excluded and failed files are left alone.
    """
    report = ImportReport()
    deletable: list[Path] = []
    for number, item in enumerate(items, start=1):
        try:
            data = item.path.read_bytes()
            digest, legacy = content_hash(data), content_source_id(data)
            name = item.name or item.path.name

            def known(digest=digest, legacy=legacy, name=name) -> tuple[bool, bool]:
                inbox = pipeline.store.observations
                return inbox.has_content(digest) or inbox.has_source(legacy), inbox.has_source(name)

            present, name_taken = pipeline.submit(known)
            if present:
                report.already_present += 1
                deletable.append(item.path)
                continue
            source_id = name if not name_taken else f"{name}#{digest[:8]}"
            image = load_rgb(item.path)
        except Image.DecompressionBombError as error:
            report.failed.append((item.path, f"skipped: the image is too large to read safely ({error})"))
            continue
        except (OSError, ValueError) as error:
            report.failed.append((item.path, f"cannot read the image: {error}"))
            continue
        window = WindowInfo(app=item.app, title=item.title)
        frame = Frame(image=image, monitor=item.monitor, epoch=item.epoch, window=window, origin=name)
        before = pipeline.status.snapshot().dropped
        stored = pipeline.ingest(frame, dedupe_key=IMPORT_DEDUPE_KEY, source_id=source_id, content_hash=digest)
        after = pipeline.status.snapshot()
        if stored is not None:
            report.stored += 1
            report.stored_bytes += stored.stored_bytes
            deletable.append(item.path)
        elif after.dropped.get("excluded", 0) > before.get("excluded", 0):
            report.excluded += 1
        elif after.dropped.get("duplicate", 0) > before.get("duplicate", 0):
            report.duplicates += 1
            deletable.append(item.path)
        else:
            report.failed.append((item.path, after.last_error or "not stored"))
        if progress is not None:
            progress(number, len(items))
    pipeline.sync_vectors()
    if delete_originals:
        report.deleted = _delete(deletable, items)
    return report


def _delete(paths: Sequence[Path], items: Sequence[ImportItem]) -> int:
    deleted = 0
    gone = set()
    for path in paths:
        try:
            path.unlink()
            deleted += 1
            gone.add(path.resolve())
        except OSError as error:
            log.warning("could not delete %s: %s", path, error)
    for sidecar in {item.sidecar for item in items if item.sidecar is not None}:
        listed, _ = read_sidecar(sidecar)
        if all(Path(name) in gone or not Path(name).exists() for name in listed):
            sidecar.unlink(missing_ok=True)  # it names windows of files that no longer exist in plain text
    return deleted
