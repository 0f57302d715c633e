"""A pause shortcut that works while another app has the focus: an X11 key grab on the root window.

Where it works: X11 desktops (XGrabKey). Where it does not: Wayland sessions (a compositor lets no client grab
keys for the whole desktop), macOS and Windows (not built yet); there the shortcut works while the app's window
has the focus, and the tray icon pauses from anywhere. ``reason`` says which applies.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import select
import sys
import threading
from collections.abc import Callable
from ctypes import POINTER, c_char_p, c_int, c_ubyte, c_uint, c_ulong, c_void_p
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

KEY_PRESS = 2
GRAB_MODE_ASYNC = 1
LOCK_MASK, CONTROL_MASK, MOD1_MASK, MOD2_MASK = 1 << 1, 1 << 2, 1 << 3, 1 << 4  # Caps, Ctrl, Alt, NumLock
BAD_ACCESS = 10
SHORTCUT_TEXT = "Ctrl+Alt+P"

_ERROR_HANDLER = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p)


class _XErrorEvent(ctypes.Structure):
    _fields_ = [  # noqa: RUF012 - ctypes layout
        ("type", c_int),
        ("display", c_void_p),
        ("resourceid", c_ulong),
        ("serial", c_ulong),
        ("error_code", c_ubyte),
        ("request_code", c_ubyte),
        ("minor_code", c_ubyte),
    ]


_recorded: list[int] = []  # error codes seen while grabbing


@_ERROR_HANDLER
def _record_error(_display: int, event: int) -> int:
    """Record an X error (BadAccess: the key is grabbed by another client) instead of letting Xlib exit."""
    _recorded.append(int(ctypes.cast(event, POINTER(_XErrorEvent)).contents.error_code))
    return 0


def unavailable_reason() -> str | None:
    """Why no global shortcut can exist here (None on an X11 desktop)."""
    if not sys.platform.startswith("linux"):
        return f"not available on {sys.platform} yet: the shortcut works while the window has the focus"
    wayland = os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY")
    if os.environ.get("XDG_SESSION_TYPE") == "wayland" or wayland:
        return "Wayland lets no app listen to keys for the whole desktop: the shortcut works while the window has focus"
    if not os.environ.get("DISPLAY"):
        return "no X display"
    return None


class X11KeyGrab:
    """Grabs one key combination on the root window of its own X connection and calls back on each press."""

    def __init__(self, key: str = "p", modifiers: int = CONTROL_MASK | MOD1_MASK, display: str | None = None) -> None:
        self.key, self.modifiers = key, modifiers
        self._display_name = display or os.environ.get("DISPLAY", "")
        self._x: ctypes.CDLL | None = None
        self._display: int | None = None
        self._keycode = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._errors: list[int] = []

    def start(self, callback: Callable[[], None]) -> str | None:
        """Grab the key and listen on a thread; returns None when it works, else why not (nothing is left grabbed)."""
        found = ctypes.util.find_library("X11")
        if not found or not self._display_name:
            return "libX11 or an X display is missing"
        x = ctypes.CDLL(found)
        x.XOpenDisplay.restype = c_void_p
        x.XOpenDisplay.argtypes = [c_char_p]
        x.XDefaultRootWindow.restype = c_ulong
        x.XDefaultRootWindow.argtypes = [c_void_p]
        x.XStringToKeysym.restype = c_ulong
        x.XStringToKeysym.argtypes = [c_char_p]
        x.XKeysymToKeycode.restype = c_ubyte
        x.XKeysymToKeycode.argtypes = [c_void_p, c_ulong]
        x.XGrabKey.argtypes = [c_void_p, c_int, c_uint, c_ulong, c_int, c_int, c_int]
        x.XUngrabKey.argtypes = [c_void_p, c_int, c_uint, c_ulong]
        x.XSync.argtypes = [c_void_p, c_int]
        x.XConnectionNumber.argtypes = [c_void_p]
        x.XPending.argtypes = [c_void_p]
        x.XNextEvent.argtypes = [c_void_p, c_void_p]
        x.XCloseDisplay.argtypes = [c_void_p]
        x.XSetErrorHandler.argtypes = [_ERROR_HANDLER]
        x.XSetErrorHandler.restype = c_void_p
        display = x.XOpenDisplay(self._display_name.encode())
        if not display:
            return f"cannot open X display {self._display_name}"
        self._x, self._display = x, display
        self._keycode = int(x.XKeysymToKeycode(display, x.XStringToKeysym(self.key.encode())))
        root = x.XDefaultRootWindow(display)
        _recorded.clear()
        previous = x.XSetErrorHandler(_record_error)
        try:
            for extra in (0, LOCK_MASK, MOD2_MASK, LOCK_MASK | MOD2_MASK):
                x.XGrabKey(display, self._keycode, self.modifiers | extra, root, 1, GRAB_MODE_ASYNC, GRAB_MODE_ASYNC)
            x.XSync(display, 0)
        finally:
            if previous:  # else ours stays: it ignores errors, as capture's X connection wants too
                x.XSetErrorHandler(_ERROR_HANDLER(previous))
        self._errors = list(_recorded)
        if self._errors:
            self.close()
            taken = BAD_ACCESS in self._errors
            return f"{SHORTCUT_TEXT} is already taken by another program" if taken else "the X server refused the grab"
        self._stop.clear()
        self._thread = threading.Thread(target=self._listen, args=(callback,), name="pause-shortcut", daemon=True)
        self._thread.start()
        return None

    def _listen(self, callback: Callable[[], None]) -> None:
        x, display = self._x, self._display
        assert x is not None and display is not None
        fd = x.XConnectionNumber(display)
        event = ctypes.create_string_buffer(256)  # an XEvent union is 192 bytes
        while not self._stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.25)
            if not ready:
                continue
            while x.XPending(display):
                x.XNextEvent(display, event)
                if c_int.from_buffer(event).value == KEY_PRESS:
                    callback()

    def close(self) -> None:
        """Stop listening and release the key (the connection closes, which also ends every grab)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None
        if self._x is not None and self._display:
            self._x.XCloseDisplay(self._display)
        self._display = None


class GlobalPauseShortcut(QObject):
    """Emits ``activated`` (on the GUI thread's queue) when the pause combination is pressed anywhere."""

    activated = Signal()

    def __init__(self, parent: QObject | None = None, display: str | None = None) -> None:
        super().__init__(parent)
        self._grab: X11KeyGrab | None = None
        self._display = display
        self.reason: str | None = "not started"

    @property
    def active(self) -> bool:
        return self._grab is not None

    def start(self) -> bool:
        """Grab the key where the platform allows; ``reason`` says why not otherwise."""
        self.reason = unavailable_reason() if self._display is None else None
        if self.reason is not None:
            log.info("global pause shortcut: %s", self.reason)
            return False
        grab = X11KeyGrab(display=self._display)
        self.reason = grab.start(self.activated.emit)
        if self.reason is not None:
            log.info("global pause shortcut: %s", self.reason)
            return False
        self._grab = grab
        return True

    def stop(self) -> None:
        if self._grab is not None:
            self._grab.close()
            self._grab = None


def install_pause_shortcut(app: Any, gui: Any) -> GlobalPauseShortcut:
    """Ctrl+Alt+P toggles capture even while another app has the focus, where the platform allows; else say so."""
    shortcut = GlobalPauseShortcut(app)
    active = shortcut.start()
    if active:
        shortcut.activated.connect(gui.bridges.capture.on_toggle_pause)
        app.aboutToQuit.connect(shortcut.stop)
    gui.window.capture.set_shortcut_note(active, shortcut.reason or "")
    gui.window.capture_choice.global_shortcut = active
    return shortcut


__all__ = ["SHORTCUT_TEXT", "GlobalPauseShortcut", "X11KeyGrab", "install_pause_shortcut", "unavailable_reason"]
