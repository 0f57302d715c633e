"""Command-line interface: the scripting surface of mirix-app."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``mirix-app`` command."""
    return 0
