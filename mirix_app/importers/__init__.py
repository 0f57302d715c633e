"""Importers' cores, shared by the CLI commands and the desktop app's import dialogs (no Qt, no printing)."""
