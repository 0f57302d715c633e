"""mirix-app composition root: settings, start-up, capture, engine thread, bridge and CLI."""

__version__ = "0.1.0"
