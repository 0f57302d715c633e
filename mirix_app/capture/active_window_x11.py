"""The focused window on X11 (EWMH _NET_ACTIVE_WINDOW, else the input focus): class, title, process."""

from __future__ import annotations

from pathlib import Path

from mirix_app.capture.frame import UNKNOWN, WindowInfo
from mirix_app.capture.self_guard import Rect
from mirix_app.capture.x11 import X11Display


def _process_name(pid: int | None) -> str:
    if not pid:
        return ""
    try:
        return Path(f"/proc/{pid}/comm").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


MAX_DEPTH = 8


class X11ActiveWindow:
    """Reads the active window through Xlib (ctypes, no subprocess per frame)."""

    def __init__(self, display: str | None = None, x11: X11Display | None = None) -> None:
        self._x = x11 or X11Display(display)

    def _focused(self) -> int | None:
        active = self._x.window_property(self._x.root, "_NET_ACTIVE_WINDOW")
        return active if active else self._x.input_focus()

    def _client(self, window: int) -> int:
        """The top-level client window holding ``window`` (the input focus can sit on a child window)."""
        current: int | None = window
        for _ in range(MAX_DEPTH):
            if current is None:
                break
            if self._x.get_property(current, "WM_CLASS") is not None:
                return current
            current = self._x.parent(current)
        return window

    def current(self) -> WindowInfo:
        focused = self._focused()
        if not focused:
            return WindowInfo()
        window = self._client(focused)
        title = self._x.text_property(window, "_NET_WM_NAME") or self._x.text_property(window, "WM_NAME") or ""
        raw_class = self._x.text_property(window, "WM_CLASS") or ""
        wm_class = tuple(part for part in raw_class.split("\0") if part)
        pid = self._x.window_property(window, "_NET_WM_PID")
        process = _process_name(pid)
        app = (wm_class[-1] if wm_class else process or UNKNOWN).lower()
        return WindowInfo(app=app, title=title.strip(), wm_class=wm_class, process=process, pid=pid, window_id=window)

    def toplevel(self, window: int) -> int:
        """The root's child that holds ``window`` (its window-manager frame, or itself without a manager)."""
        current = window
        for _ in range(MAX_DEPTH):
            tree = self._x.query_tree(current)
            if tree is None or not tree[0] or tree[0] == self._x.root:
                return current
            current = tree[0]
        return current

    def stacking(self) -> list[tuple[int, Rect]]:
        """The root's mapped children, bottom to top, with their rectangles (what covers what on screen)."""
        tree = self._x.query_tree(self._x.root)
        out = []
        for child in tree[1] if tree is not None else []:
            geometry = self._x.geometry(child)
            if geometry is not None and geometry[4]:
                out.append((child, Rect(*geometry[:4])))
        return out

    def close(self) -> None:
        self._x.close()
