"""The app never records itself: its windows (by process and window id) and every moment it shows a secret.

The desktop app tells the guard, from its GUI thread, which top-level windows it has (X window ids and their
screen rectangles), whether one of them has the focus, and when it shows something that must never be
captured (a revealed vault value, a passphrase field). The capture ticker asks the guard before every grab:
a frame is dropped whole while an app window has the focus or a secret is shown, and the rectangles of the
app's other visible windows are painted over before anything reads the pixels. This is not a setting.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw

from mirix_app.capture.frame import WindowInfo
from mirix_app.capture.status import OWN_WINDOW, SECRET_SHOWN


@dataclass(frozen=True)
class Rect:
    """A window's rectangle in virtual-desktop pixels (the coordinates monitors' origins use)."""

    x: int
    y: int
    width: int
    height: int


class SelfGuard:
    """Thread-safe: the GUI thread writes what the app shows, the capture ticker reads it."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid = os.getpid() if pid is None else pid
        self._lock = threading.Lock()
        self._windows: dict[int, Rect | None] = {}  # window id -> rectangle while visible, None when hidden
        self._focused = False
        self._secrets: set[str] = set()

    # -- what the app tells (GUI thread) --------------------------------------------------------------
    def set_windows(self, windows: Mapping[int, Rect | None]) -> None:
        """The app's top-level windows and dialogs now: id -> rectangle when visible."""
        with self._lock:
            self._windows = dict(windows)

    def set_focused(self, focused: bool) -> None:
        """Whether one of the app's windows has the keyboard focus: decides where the platform cannot name the
        focused window (Wayland); where it can (X11), the window's process and id decide."""
        with self._lock:
            self._focused = focused

    def set_secret_shown(self, what: str, shown: bool) -> None:
        """A secret (``what``: "vault value", "passphrase field") appears on or leaves the screen."""
        with self._lock:
            if shown:
                self._secrets.add(what)
            else:
                self._secrets.discard(what)

    # -- what capture asks (ticker thread) ------------------------------------------------------------
    def refusal(self, window: WindowInfo) -> str | None:
        """Why no frame may be taken now (a secret is shown, or the focused window is the app's), or None."""
        with self._lock:
            if self._secrets:
                return SECRET_SHOWN
            if window.pid == self.pid or (window.window_id and window.window_id in self._windows):
                return OWN_WINDOW
            if self._focused and not window.known:  # the platform cannot say which window (Wayland): ask Qt
                return OWN_WINDOW
        return None

    def visible_rects(self, screen: Any = None) -> list[Rect]:
        """The parts of the app's windows that are on screen now.

        With ``screen`` (the X11 active-window reader: ``stacking()`` and ``toplevel()``) only the parts not
        covered by another program's window are returned, so nothing of that program is painted over; without
        it, the windows' whole rectangles (covering too much is safe, too little is not).
        """
        with self._lock:
            shown = {i: r for i, r in self._windows.items() if r is not None and r.width > 0 and r.height > 0}
        if not shown or screen is None or not hasattr(screen, "stacking"):
            return list(shown.values())
        try:
            stack = screen.stacking()
            ours = {screen.toplevel(window_id) for window_id in shown}
        except Exception:  # noqa: BLE001 - the X server went away mid-query: cover everything
            return list(shown.values())
        parts: list[Rect] = []
        for index, (window, rect) in enumerate(stack):
            if window not in ours:
                continue
            visible = [rect]
            for above, cover in stack[index + 1 :]:
                if above not in ours:
                    visible = [piece for part in visible for piece in subtract(part, cover)]
            parts.extend(visible)
        return parts


def subtract(rect: Rect, cover: Rect) -> list[Rect]:
    """The parts of ``rect`` outside ``cover`` (up to four rectangles)."""
    x0, y0, x1, y1 = rect.x, rect.y, rect.x + rect.width, rect.y + rect.height
    cx0, cy0 = max(x0, cover.x), max(y0, cover.y)
    cx1, cy1 = min(x1, cover.x + cover.width), min(y1, cover.y + cover.height)
    if cx0 >= cx1 or cy0 >= cy1:
        return [rect]
    pieces = [
        (x0, y0, x1, cy0),  # above the cover
        (x0, cy1, x1, y1),  # below
        (x0, cy0, cx0, cy1),  # left
        (cx1, cy0, x1, cy1),  # right
    ]
    return [Rect(a, b, c - a, d - b) for a, b, c, d in pieces if c > a and d > b]


def paint_over(image: Image.Image, rects: Iterable[Rect], origin: tuple[int, int]) -> Image.Image:
    """A copy of ``image`` with every rectangle that overlaps it filled black (the original when none does)."""
    ox, oy = origin
    boxes = []
    for r in rects:
        x0, y0 = max(0, r.x - ox), max(0, r.y - oy)
        x1, y1 = min(image.width, r.x - ox + r.width), min(image.height, r.y - oy + r.height)
        if x1 > x0 and y1 > y0:
            boxes.append((x0, y0, x1 - 1, y1 - 1))
    if not boxes:
        return image
    image = image.copy()
    draw = ImageDraw.Draw(image)
    for box in boxes:
        draw.rectangle(box, fill=(0, 0, 0))
    return image


__all__ = ["OWN_WINDOW", "SECRET_SHOWN", "Rect", "SelfGuard", "paint_over", "subtract"]
