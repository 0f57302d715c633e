"""The memorize area: turning pending observations into memories, off the engine thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mirix_app import factories
from mirix_app.gui.session import Session


@dataclass
class MemorizeService:
    """Runs the memorizer when it is due; its store calls are engine jobs, its model calls are not."""

    session: Session
    _memorizer: Any = None
    _generation: int = -1

    @property
    def ready(self) -> bool:
        return self.session.model_ready and self.session.store is not None

    def _the_memorizer(self) -> Any:
        s = self.session
        if self._memorizer is None or self._generation != s.model_generation:
            self._memorizer = factories.make_memorizer(s.open_store(), s.settings, s.model, run=s.submit)
            self._generation = s.model_generation
        return self._memorizer

    def drop(self) -> None:
        """Forget the memorizer (it holds the store): at lock."""
        self._memorizer = None

    def memorize_if_due(self, force: bool = False) -> str:
        """A one-line summary of what was memorized; "" when nothing was due."""
        if not self.ready:
            return ""
        memorizer = self._the_memorizer()
        if not force and not memorizer.due():
            return ""
        return str(memorizer.run(until_empty=force).summary())
