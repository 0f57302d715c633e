"""PySide6 widgets; talks to the rest only through signals and view-model dataclasses."""
