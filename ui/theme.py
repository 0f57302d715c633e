"""Light and dark colours; "system" follows the desktop's colour scheme and its changes.

A theme is a palette. The few widgets that need more than a palette (framed bars, a red button) get a small
style sheet of their own that names palette roles (``named``); a theme change sets the palette and re-applies
just those sheets. An application-wide style sheet would re-polish every widget on each change: seconds.
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

LIGHT = {"window": "#f6f7f9", "base": "#ffffff", "text": "#1f2328", "mid": "#d0d7de", "accent": "#3b82c4"}
DARK = {"window": "#1e2227", "base": "#262b31", "text": "#e6e8eb", "mid": "#3a414a", "accent": "#5aa0e0"}
USER_BUBBLE = {"light": "#dbeafe", "dark": "#1f3a5a"}  # the palette's AlternateBase (no table alternates rows)
HINT = {"light": "#6b7280", "dark": "#9aa3ad"}  # the palette's PlaceholderText
DANGER = "#c9534f"

FONTS = {"pageTitle": (22, True), "detailTitle": (15, True), "sectionTitle": (0, True), "captureState": (16, True)}
FONTS |= {"emptyState": (14, False), "globalSearch": (14, False)}
QUIET = {"hint", "emptyState"}  # drawn in the palette's placeholder colour
SHEETS = {
    "undoBar": "QFrame#undoBar { border: 1px solid palette(mid); border-radius: 6px; }",
    "graphPreview": "QFrame#graphPreview { border: 1px solid palette(mid); border-radius: 6px; }",
    "confirmBar": f"QFrame#confirmBar {{ border: 1px solid {DANGER}; border-radius: 6px; }}",
    "dangerButton": f"QPushButton#dangerButton {{ background: {DANGER}; color: white; padding: 4px 12px; "
    "border-radius: 4px; }",
    "unlockStatus": f"QLabel#unlockStatus {{ color: {DANGER}; }}",
}
_SHEETED: weakref.WeakSet[QWidget] = weakref.WeakSet()


def named(widget: QWidget, name: str) -> QWidget:
    """Give a widget its object name and the look that goes with it (font, quiet colour or its own sheet)."""
    widget.setObjectName(name)
    size, bold = FONTS.get(name, (0, False))
    if name in FONTS:
        font = QFont(widget.font())
        if size:
            font.setPixelSize(size)
        font.setBold(bold)
        widget.setFont(font)
    if name in QUIET:
        widget.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    elif widget.foregroundRole() == QPalette.ColorRole.PlaceholderText:
        widget.setForegroundRole(QPalette.ColorRole.NoRole)
    if name in SHEETS or widget in _SHEETED:
        widget.setStyleSheet(SHEETS.get(name, ""))
        _SHEETED.add(widget)
    return widget


def effective(name: str) -> str:
    """The theme to use: "light" or "dark" ("system" asks the desktop)."""
    if name in ("light", "dark"):
        return name
    scheme = QGuiApplication.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def palette_for(chosen: str) -> QPalette:
    """The palette of a theme ("light" or "dark")."""
    c = DARK if chosen == "dark" else LIGHT
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, color in (
        (roles.Window, c["window"]),
        (roles.Base, c["base"]),
        (roles.AlternateBase, USER_BUBBLE[chosen]),
        (roles.Button, c["base"]),
        (roles.WindowText, c["text"]),
        (roles.Text, c["text"]),
        (roles.ButtonText, c["text"]),
        (roles.ToolTipBase, c["base"]),
        (roles.ToolTipText, c["text"]),
        (roles.Highlight, c["accent"]),
        (roles.HighlightedText, "#ffffff"),
        (roles.Link, c["accent"]),
        (roles.Mid, c["mid"]),
        (roles.PlaceholderText, HINT[chosen]),
    ):
        palette.setColor(role, QColor(color))
    return palette


def apply_theme(app: QApplication, name: str) -> str:
    """Set the theme's palette and re-apply the few widget style sheets; returns the theme actually applied."""
    chosen = effective(name)
    if app.styleSheet():
        app.setStyleSheet("")  # none: see the module docstring
    app.setPalette(palette_for(chosen))
    for widget in list(_SHEETED):
        try:
            sheet = widget.styleSheet()
            widget.setStyleSheet("")
            widget.setStyleSheet(sheet)
        except RuntimeError:  # its C++ side is gone (a closed window)
            _SHEETED.discard(widget)
    app.setProperty("mirixTheme", chosen)
    return chosen
