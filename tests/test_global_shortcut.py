"""The pause shortcut works while another app has the focus (X11 key grab), and says so where it cannot."""

from __future__ import annotations

import ctypes
import ctypes.util
import threading

import pytest
from proc_helpers import xvfb_display

from mirix_app.desktop.global_shortcut import X11KeyGrab, unavailable_reason


@pytest.fixture(scope="module")
def xvfb():
    with xvfb_display(121, "640x480x24") as name:
        yield name


def press_ctrl_alt_p(display: str) -> None:
    """Type Ctrl+Alt+P as a keyboard would (XTEST), from another X client."""
    found = ctypes.util.find_library("Xtst")
    if not found:
        pytest.skip("libXtst is missing (install.sh installs libxtst6)")
    x, xtst = ctypes.CDLL(ctypes.util.find_library("X11")), ctypes.CDLL(found)
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XStringToKeysym.restype = ctypes.c_ulong
    x.XStringToKeysym.argtypes = [ctypes.c_char_p]
    x.XKeysymToKeycode.restype = ctypes.c_ubyte
    x.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x.XFlush.argtypes = x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
    handle = x.XOpenDisplay(display.encode())
    codes = [x.XKeysymToKeycode(handle, x.XStringToKeysym(name)) for name in (b"Control_L", b"Alt_L", b"p")]
    for code in codes:
        xtst.XTestFakeKeyEvent(handle, code, 1, 0)
    for code in reversed(codes):
        xtst.XTestFakeKeyEvent(handle, code, 0, 0)
    x.XFlush(handle)
    x.XCloseDisplay(handle)


def test_ctrl_alt_p_reaches_the_app_from_anywhere_and_a_second_grab_is_refused(xvfb):
    pressed = threading.Event()
    grab = X11KeyGrab(display=xvfb)
    assert grab.start(pressed.set) is None
    try:
        other = X11KeyGrab(display=xvfb)
        assert other.start(lambda: None) == "Ctrl+Alt+P is already taken by another program"
        press_ctrl_alt_p(xvfb)
        assert pressed.wait(10)
    finally:
        grab.close()


def test_where_no_global_shortcut_exists_it_says_why(monkeypatch):
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    assert "Wayland" in unavailable_reason()
    monkeypatch.setattr("sys.platform", "darwin")
    assert "darwin" in unavailable_reason()
