"""Where frames come from: every monitor through mss, or image files (tests, benchmarks, imports)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from PIL import Image


class ScreenSource(Protocol):
    """Grabs the current image of every monitor: [(monitor index, RGB image)]."""

    def grab(self) -> list[tuple[int, Image.Image]]: ...

    def origin(self, monitor: int) -> tuple[int, int]:
        """The monitor's top-left corner on the virtual desktop, as of the last grab."""
        ...

    def close(self) -> None: ...


class ScreenUnavailableError(RuntimeError):
    """No screen can be grabbed (no X display, Wayland without a portal, ...)."""


class MssScreenSource:
    """Every physical monitor via ``mss``; opened lazily in the thread that grabs (mss handles are per thread)."""

    def __init__(self, display: str | None = None) -> None:
        self._display = display
        self._mss: Any = None
        self._origins: dict[int, tuple[int, int]] = {}

    def _handle(self) -> Any:
        if self._mss is None:
            import mss

            try:
                self._mss = mss.MSS(display=self._display) if self._display else mss.MSS()
            except Exception as error:  # noqa: BLE001 - mss raises its own error types per platform
                raise ScreenUnavailableError(f"cannot open the screen for capture: {error}") from error
        return self._mss

    def grab(self) -> list[tuple[int, Image.Image]]:
        handle = self._handle()
        monitors = handle.monitors[1:] or handle.monitors[:1]
        frames = []
        for index, monitor in enumerate(monitors):
            self._origins[index] = (int(monitor.get("left", 0)), int(monitor.get("top", 0)))
            shot = handle.grab(monitor)
            frames.append((index, Image.frombuffer("RGB", shot.size, shot.bgra, "raw", "BGRX")))
        return frames

    def origin(self, monitor: int) -> tuple[int, int]:
        return self._origins.get(monitor, (0, 0))

    def close(self) -> None:
        if self._mss is not None:
            self._mss.close()
            self._mss = None


class FileScreenSource:
    """Plays image files as if they were the screen: each ``grab`` returns the next file (one monitor each)."""

    def __init__(self, paths: Sequence[Path | str] | Sequence[Sequence[Path | str]], loop: bool = False) -> None:
        self._ticks = [[Path(p)] if isinstance(p, str | Path) else [Path(x) for x in p] for p in paths]
        self._loop = loop
        self._next = 0
        self.grabs = 0

    def grab(self) -> list[tuple[int, Image.Image]]:
        if self._next >= len(self._ticks):
            if not self._loop or not self._ticks:
                return []
            self._next = 0
        tick = self._ticks[self._next]
        self._next += 1
        self.grabs += 1
        return [(i, load_rgb(path)) for i, path in enumerate(tick)]

    def origin(self, monitor: int) -> tuple[int, int]:
        return (0, 0)

    def close(self) -> None:
        """Nothing to release."""


class ImageScreenSource:
    """A fixed list of in-memory images per tick (tests and benchmarks); repeats the last tick when exhausted."""

    def __init__(self, ticks: Sequence[Sequence[Image.Image]]) -> None:
        self._ticks = [list(t) for t in ticks]
        self._next = 0
        self.grabs = 0

    def grab(self) -> list[tuple[int, Image.Image]]:
        if not self._ticks:
            return []
        tick = self._ticks[min(self._next, len(self._ticks) - 1)]
        self._next += 1
        self.grabs += 1
        return list(enumerate(tick))

    def origin(self, monitor: int) -> tuple[int, int]:
        return (0, 0)

    def close(self) -> None:
        """Nothing to release."""


def load_rgb(path: Path) -> Image.Image:
    """Open an image file fully into memory as RGB (the file handle is closed at once)."""
    with Image.open(path) as img:
        img.load()
        return img.convert("RGB")
