"""The desktop app's glue: assembly and run (``run.py``), bridge, services per area, signal wiring, view models."""
