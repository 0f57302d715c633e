"""The data a capture tick hands around: a grabbed frame and the window that was active."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

UNKNOWN = "unknown"


@dataclass(frozen=True)
class WindowInfo:
    """The focused window: app name (lower-case class or process), title, and raw identifiers."""

    app: str = UNKNOWN
    title: str = ""
    wm_class: tuple[str, ...] = ()
    process: str = ""
    pid: int | None = None  # the process that owns the window, where the platform says (_NET_WM_PID)
    window_id: int = 0  # the platform's window id (X11 window), 0 when unknown

    @property
    def known(self) -> bool:
        return self.app != UNKNOWN or bool(self.title)


@dataclass
class Frame:
    """One monitor's image at one moment, with where it came from."""

    image: Image.Image
    monitor: int
    epoch: float
    window: WindowInfo = field(default_factory=WindowInfo)
    origin: str = "screen"  # "screen" or the imported file's name
