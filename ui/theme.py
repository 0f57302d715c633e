"""Light and dark colours; "system" follows the desktop's colour scheme and its changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

LIGHT = {"window": "#f6f7f9", "base": "#ffffff", "text": "#1f2328", "mid": "#d0d7de", "accent": "#3b82c4"}
DARK = {"window": "#1e2227", "base": "#262b31", "text": "#e6e8eb", "mid": "#3a414a", "accent": "#5aa0e0"}

STYLE = """
QLabel#pageTitle {{ font-size: 22px; font-weight: 600; }}
QLabel#detailTitle {{ font-size: 15px; font-weight: 600; }}
QLabel#sectionTitle {{ font-weight: 600; margin-top: 8px; }}
QLabel#captureState {{ font-size: 16px; font-weight: 600; }}
QLabel#hint {{ color: {hint}; }}
QLabel#unlockStatus {{ color: #c9534f; }}
QFrame#userBubble {{ background: {user}; border-radius: 10px; margin-left: 120px; }}
QFrame#answerBubble {{ background: {base}; border: 1px solid {mid}; border-radius: 10px; margin-right: 60px; }}
QFrame#errorBubble {{ background: {base}; border: 1px solid #c9534f; border-radius: 10px; margin-right: 60px; }}
QPushButton#citationChip {{ background: {chip}; border: 1px solid {accent}; border-radius: 10px;
    padding: 2px 10px; color: {text}; }}
QPushButton#citationChip:hover {{ background: {accent}; color: white; }}
QPushButton#linkButton {{ border: none; color: {accent}; text-decoration: underline; padding: 2px 6px; }}
QPushButton#dangerButton {{ background: #c9534f; color: white; padding: 4px 12px; border-radius: 4px; }}
QFrame#confirmBar {{ border: 1px solid #c9534f; border-radius: 6px; }}
"""


def effective(name: str) -> str:
    """The theme to use: "light" or "dark" ("system" asks the desktop)."""
    if name in ("light", "dark"):
        return name
    scheme = QGuiApplication.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def apply_theme(app: QApplication, name: str) -> str:
    """Set the palette and style sheet; returns the theme actually applied."""
    chosen = effective(name)
    c = DARK if chosen == "dark" else LIGHT
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(c["window"]))
    palette.setColor(QPalette.ColorRole.Base, QColor(c["base"]))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor(c["window"]))
    palette.setColor(QPalette.ColorRole.Button, QColor(c["base"]))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(role, QColor(c["text"]))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(c["accent"]))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Mid, QColor(c["mid"]))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8b949e"))
    app.setPalette(palette)
    user = "#dbeafe" if chosen == "light" else "#1f3a5a"
    chip = "#eef5fc" if chosen == "light" else "#23364a"
    colors = {"hint": "#6b7280", "user": user, "chip": chip, **c}
    app.setStyleSheet(STYLE.format(**colors))
    app.setProperty("mirixTheme", chosen)
    return chosen
