"""A minimal ctypes binding to Xlib (window properties, input focus) and XScreenSaver (idle time)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from ctypes import POINTER, byref, c_char_p, c_int, c_long, c_ubyte, c_uint, c_ulong, c_void_p

ANY_PROPERTY_TYPE = 0


class X11Unavailable(RuntimeError):
    """No X display or no libX11: the caller reports "unknown"."""


class _XScreenSaverInfo(ctypes.Structure):
    _fields_ = [  # noqa: RUF012 - ctypes layout
        ("window", c_ulong),
        ("state", c_int),
        ("kind", c_int),
        ("til_or_since", c_ulong),
        ("idle", c_ulong),
        ("event_mask", c_ulong),
    ]


IS_VIEWABLE = 2


class _XWindowAttributes(ctypes.Structure):
    _fields_ = [  # noqa: RUF012 - ctypes layout
        ("x", c_int),
        ("y", c_int),
        ("width", c_int),
        ("height", c_int),
        ("border_width", c_int),
        ("depth", c_int),
        ("visual", c_void_p),
        ("root", c_ulong),
        ("class_", c_int),
        ("bit_gravity", c_int),
        ("win_gravity", c_int),
        ("backing_store", c_int),
        ("backing_planes", c_ulong),
        ("backing_pixel", c_ulong),
        ("save_under", c_int),
        ("colormap", c_ulong),
        ("map_installed", c_int),
        ("map_state", c_int),
        ("all_event_masks", c_long),
        ("your_event_mask", c_long),
        ("do_not_propagate_mask", c_long),
        ("override_redirect", c_int),
        ("screen", c_void_p),
    ]


_ERROR_HANDLER_TYPE = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p)


@_ERROR_HANDLER_TYPE
def _ignore_errors(_display: int, _event: int) -> int:
    """A window can close between two calls (BadWindow): ignore instead of letting Xlib exit the process."""
    return 0


def _load(name: str) -> ctypes.CDLL | None:
    found = ctypes.util.find_library(name)
    if not found:
        return None
    try:
        return ctypes.CDLL(found)
    except OSError:
        return None


class X11Display:
    """One Xlib connection, used from one thread at a time (guarded by a lock)."""

    def __init__(self, display: str | None = None) -> None:
        name = display or os.environ.get("DISPLAY")
        if not name:
            raise X11Unavailable("no DISPLAY")
        lib = _load("X11")
        if lib is None:
            raise X11Unavailable("libX11 not found")
        self._x = lib
        lib.XOpenDisplay.restype = c_void_p
        lib.XOpenDisplay.argtypes = [c_char_p]
        lib.XDefaultRootWindow.restype = c_ulong
        lib.XDefaultRootWindow.argtypes = [c_void_p]
        lib.XInternAtom.restype = c_ulong
        lib.XInternAtom.argtypes = [c_void_p, c_char_p, c_int]
        lib.XGetWindowProperty.restype = c_int
        lib.XGetWindowProperty.argtypes = [
            c_void_p, c_ulong, c_ulong, c_long, c_long, c_int, c_ulong,
            POINTER(c_ulong), POINTER(c_int), POINTER(c_ulong), POINTER(c_ulong), POINTER(POINTER(c_ubyte)),
        ]  # fmt: skip
        lib.XGetInputFocus.argtypes = [c_void_p, POINTER(c_ulong), POINTER(c_int)]
        lib.XQueryTree.argtypes = [
            c_void_p, c_ulong, POINTER(c_ulong), POINTER(c_ulong), POINTER(POINTER(c_ulong)), POINTER(c_uint),
        ]  # fmt: skip
        lib.XQueryTree.restype = c_int
        lib.XGetWindowAttributes.argtypes = [c_void_p, c_ulong, POINTER(_XWindowAttributes)]
        lib.XGetWindowAttributes.restype = c_int
        lib.XFree.argtypes = [c_void_p]
        lib.XCloseDisplay.argtypes = [c_void_p]
        lib.XSetErrorHandler.argtypes = [_ERROR_HANDLER_TYPE]
        lib.XSetErrorHandler.restype = c_void_p
        lib.XSetErrorHandler(_ignore_errors)
        self._display = lib.XOpenDisplay(name.encode())
        if not self._display:
            raise X11Unavailable(f"cannot open X display {name}")
        self.root = int(lib.XDefaultRootWindow(self._display))
        self._atoms: dict[str, int] = {}
        self._lock = threading.Lock()
        self._xss = _load("Xss")
        if self._xss is not None:
            self._xss.XScreenSaverAllocInfo.restype = POINTER(_XScreenSaverInfo)
            self._xss.XScreenSaverQueryExtension.argtypes = [c_void_p, POINTER(c_int), POINTER(c_int)]
            self._xss.XScreenSaverQueryInfo.argtypes = [c_void_p, c_ulong, POINTER(_XScreenSaverInfo)]
            event, error = c_int(), c_int()
            if not self._xss.XScreenSaverQueryExtension(self._display, byref(event), byref(error)):
                self._xss = None
        self._info = self._xss.XScreenSaverAllocInfo() if self._xss is not None else None

    def atom(self, name: str) -> int:
        if name not in self._atoms:
            self._atoms[name] = int(self._x.XInternAtom(self._display, name.encode(), 0))
        return self._atoms[name]

    def get_property(self, window: int, name: str) -> tuple[int, bytes] | None:
        """(format, raw bytes) of a window property; 32-bit items come back as C longs."""
        actual_type, actual_format = c_ulong(), c_int()
        nitems, after = c_ulong(), c_ulong()
        data = POINTER(c_ubyte)()
        with self._lock:
            status = self._x.XGetWindowProperty(
                self._display, window, self.atom(name), 0, 4096, 0, ANY_PROPERTY_TYPE,
                byref(actual_type), byref(actual_format), byref(nitems), byref(after), byref(data),
            )  # fmt: skip
            if status != 0 or not data:
                return None
            try:
                if actual_type.value == 0:
                    return None
                unit = {8: 1, 16: ctypes.sizeof(ctypes.c_short), 32: ctypes.sizeof(c_long)}[actual_format.value]
                return actual_format.value, ctypes.string_at(data, nitems.value * unit)
            finally:
                self._x.XFree(data)

    def window_property(self, window: int, name: str) -> int | None:
        """A single window-id (or cardinal) property."""
        found = self.get_property(window, name)
        if not found or found[0] != 32 or len(found[1]) < ctypes.sizeof(c_long):
            return None
        return int(c_ulong.from_buffer_copy(found[1][: ctypes.sizeof(c_long)]).value)

    def text_property(self, window: int, name: str) -> str | None:
        found = self.get_property(window, name)
        if not found or found[0] != 8:
            return None
        return found[1].decode("utf-8", "replace")

    def input_focus(self) -> int | None:
        focus, revert = c_ulong(), c_int()
        with self._lock:
            self._x.XGetInputFocus(self._display, byref(focus), byref(revert))
        return focus.value if focus.value > 1 else None  # 0 = None, 1 = PointerRoot

    def query_tree(self, window: int) -> tuple[int, list[int]] | None:
        """(parent, children bottom-to-top) of a window; None when it is gone."""
        root, parent = c_ulong(), c_ulong()
        children, count = POINTER(c_ulong)(), c_uint()
        with self._lock:
            if not self._x.XQueryTree(self._display, window, byref(root), byref(parent), byref(children), byref(count)):
                return None
            found = [int(children[i]) for i in range(count.value)] if children else []
            if children:
                self._x.XFree(children)
        return int(parent.value), found

    def parent(self, window: int) -> int | None:
        """The window's parent (None for the root or when the window is gone)."""
        tree = self.query_tree(window)
        return tree[0] if tree is not None and tree[0] and tree[0] != self.root else None

    def geometry(self, window: int) -> tuple[int, int, int, int, bool] | None:
        """(x, y, width, height, mapped and viewable) of a window, x and y relative to its parent."""
        attributes = _XWindowAttributes()
        with self._lock:
            if not self._x.XGetWindowAttributes(self._display, window, byref(attributes)):
                return None
        a = attributes
        return a.x, a.y, a.width + 2 * a.border_width, a.height + 2 * a.border_width, a.map_state == IS_VIEWABLE

    def idle_seconds(self) -> float | None:
        """Seconds since the last keyboard or mouse input; None without the MIT-SCREEN-SAVER extension."""
        if self._xss is None or not self._info:
            return None
        with self._lock:
            if not self._xss.XScreenSaverQueryInfo(self._display, self.root, self._info):
                return None
            return self._info.contents.idle / 1000.0

    def screensaver_active(self) -> bool:
        """True while the screen saver (and so usually the lock screen) is on."""
        if self._xss is None or not self._info:
            return False
        with self._lock:
            if not self._xss.XScreenSaverQueryInfo(self._display, self.root, self._info):
                return False
            return self._info.contents.state == 1  # ScreenSaverOn

    def close(self) -> None:
        if self._display:
            with self._lock:
                self._x.XCloseDisplay(self._display)
                self._display = None
