"""The settings area: the form's values, and saving and applying what changed."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from mirix_app.gui.capture_service import CaptureService
from mirix_app.gui.session import Session
from mirix_app.settings import Settings, save_settings
from ui.viewmodels import SettingsForm

log = logging.getLogger(__name__)


@dataclass
class SettingsService:
    """Reads the settings into the form and applies a saved form live where it can."""

    session: Session
    capture: CaptureService

    def settings_form(self) -> SettingsForm:
        s = self.session.settings
        cap, llm = s.capture, s.llm
        return SettingsForm(
            interval_s=cap.interval_s,
            dedupe_threshold=cap.dedupe_threshold,
            excluded_apps=list(cap.excluded_apps),
            excluded_title_patterns=list(cap.excluded_title_patterns),
            idle_timeout_s=cap.idle_timeout_s,
            frame_budget_mb=int(cap.frame_budget_bytes // 1024**2),
            llm_provider=llm.provider,
            llm_model=llm.model,
            llm_base_url=llm.base_url,
            tokens_per_hour=llm.tokens_per_hour,
            memorize_mode=llm.memorize_mode,
            chroma_url=s.chroma_url,
            theme=s.theme,
            start_at_login=s.start_at_login,
            lock_after_idle_min=s.lock_after_idle_min,
            lock_with_session=s.lock_with_session,
        )

    def apply_settings(self, form: SettingsForm) -> str:
        """Save the settings and apply what can change live; returns what needs a restart, if anything."""
        session, s = self.session, self.session.settings
        llm_changed = (form.llm_provider, form.llm_model, form.llm_base_url, form.memorize_mode) != (
            s.llm.provider,
            s.llm.model,
            s.llm.base_url,
            s.llm.memorize_mode,
        )
        chroma_changed = form.chroma_url != s.chroma_url
        _copy_form(form, s)
        if form.llm_api_key and form.llm_provider:
            from agents.providers import store_api_key

            store_api_key(form.llm_provider, form.llm_api_key)
            llm_changed = True
        save_settings(session.data_dir, s)
        _sync_autostart(s)
        self.capture.apply(s)
        if llm_changed and session.store is not None and session.model_ready:
            session.connect_model()
        if chroma_changed:
            return "Saved. The Chroma server URL applies at the next start."
        return "Saved and applied."


def _sync_autostart(s: Settings) -> None:
    """Keep the start-at-login entry in step with the setting (never fails the save)."""
    from mirix_app.desktop import autostart

    try:
        autostart.sync(s.start_at_login)
    except OSError as error:
        log.warning("start at login: %s", error)


def _copy_form(form: SettingsForm, s: Settings) -> None:
    cap, llm = s.capture, s.llm
    cap.interval_s = max(0.2, float(form.interval_s))
    cap.dedupe_threshold = float(form.dedupe_threshold)
    cap.excluded_apps = [a for a in form.excluded_apps if a.strip()]
    cap.excluded_title_patterns = [p for p in form.excluded_title_patterns if p.strip()]
    cap.idle_timeout_s = float(form.idle_timeout_s)
    cap.frame_budget_bytes = int(form.frame_budget_mb) * 1024**2
    llm.provider, llm.model, llm.base_url = form.llm_provider, form.llm_model, form.llm_base_url
    llm.tokens_per_hour = int(form.tokens_per_hour)
    llm.memorize_mode = form.memorize_mode
    s.chroma_url = form.chroma_url.strip()
    s.theme = form.theme
    s.start_at_login = bool(form.start_at_login)
    s.lock_after_idle_min = max(0.0, float(form.lock_after_idle_min))
    s.lock_with_session = bool(form.lock_with_session)
