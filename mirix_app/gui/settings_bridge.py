"""The settings area's bridge: load the form, apply a saved one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot

from mirix_app.gui.jobs import AreaBridge, JobRunner
from mirix_app.gui.settings_service import SettingsService


class SettingsBridge(AreaBridge):
    """The settings panel's requests."""

    settings_loaded = Signal(object)  # SettingsForm
    settings_applied = Signal(str)

    def __init__(self, runner: JobRunner, settings: SettingsService) -> None:
        super().__init__(runner)
        self.settings = settings

    @Slot()
    def on_load_settings(self) -> None:
        self._run(self.settings.settings_form, self.settings_loaded.emit)

    @Slot(object)
    def on_apply_settings(self, form: Any) -> None:
        def applied(message: str) -> None:
            self.settings_applied.emit(message)
            self.settings_loaded.emit(self.settings.settings_form())

        self._run(lambda: self.settings.apply_settings(form), applied)
