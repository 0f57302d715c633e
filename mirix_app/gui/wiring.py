"""The one place where the area bridges and the window's widgets are connected (qutebrowser's _connect_signals)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mirix_app.gui.bridge import Bridges
from ui.capture_indicator import NO_TRAY
from ui.main_window import MainWindow
from ui.tray import TrayIcon


def connect_signals(
    bridges: Bridges,
    window: MainWindow,
    tray: TrayIcon,
    quit_app: Callable[[], None],
    set_theme: Callable[[str], object],
    auto_lock: Any = None,
) -> None:
    """Wire every request of the UI to a bridge slot and every bridge result to the widgets that show it."""
    _connect_session(bridges, window)
    _connect_chat(bridges, window)
    _connect_memories(bridges, window)
    _connect_explore(bridges, window)
    _connect_capture(bridges, window, tray, quit_app)
    _connect_forget(bridges, window, tray)
    _connect_trust(bridges, window, tray, auto_lock)
    _connect_settings(bridges, window, set_theme)
    for area in bridges.areas():
        area.error.connect(window.on_error)


def _connect_session(bridges: Bridges, window: MainWindow) -> None:
    session = bridges.session
    window.first_shown.connect(session.on_start)
    session.setup_ready.connect(window.unlock.on_setup)
    window.unlock.unlock_requested.connect(session.on_unlock)
    session.unlock_failed.connect(window.unlock.on_failed)
    session.unlocked.connect(window.on_unlocked)
    session.unlocked.connect(session.on_load_models)
    session.unlocked.connect(bridges.settings.on_load_settings)
    session.unlocked.connect(bridges.capture.on_start_timers)
    session.unlocked.connect(window.memories.refresh)
    session.unlocked.connect(bridges.chat.on_restore_last)
    session.unlocked.connect(bridges.memories.on_apps)
    session.progress.connect(window.on_progress)
    session.models_ready.connect(window.on_models_ready)
    session.models_ready.connect(bridges.memories.on_overview)
    window.tabs.currentChanged.connect(lambda _: _refresh_visible(window))


def _refresh_visible(window: MainWindow) -> None:
    current = window.tabs.currentWidget()
    if current is window.graph and not window.graph.requested:
        window.graph.request()
    elif current is window.timeline:
        window.timeline.request()
    elif current is window.memories:
        window.memories.refresh()


def _connect_chat(bridges: Bridges, window: MainWindow) -> None:
    chat, bridge = window.chat, bridges.chat
    chat.send_requested.connect(bridge.on_send)
    chat.clear_requested.connect(bridge.on_clear_chat)
    bridge.chat_token.connect(chat.on_token)
    bridge.chat_reply.connect(chat.on_reply)
    bridge.chat_failed.connect(chat.on_failed)
    threads = chat.threads
    threads.open_requested.connect(bridge.on_open_thread)
    threads.rename_requested.connect(bridge.on_rename_thread)
    threads.delete_requested.connect(bridge.on_delete_thread)
    threads.restore_requested.connect(bridge.on_restore_thread)
    bridge.threads_listed.connect(threads.on_threads)
    bridge.thread_opened.connect(chat.on_thread)
    bridges.memories.overview_ready.connect(chat.on_overview)
    chat.citation_clicked.connect(window.show_memory)
    chat.citation_clicked.connect(bridges.memories.on_open)
    chat.citation_clicked.connect(bridges.memories.on_sources)
    chat.graph_requested.connect(window.show_graph)


def _connect_memories(bridges: Bridges, window: MainWindow) -> None:
    browser, detail, bridge = window.memories, window.memories.detail, bridges.memories
    browser.list_requested.connect(bridge.on_list)
    browser.open_requested.connect(bridge.on_open)
    browser.export_requested.connect(bridge.on_export)
    browser.import_requested.connect(bridge.on_import)
    browser.import_chat_requested.connect(bridge.on_import_chat)
    browser.import_frames_requested.connect(bridge.on_import_screenshots)
    browser.search_requested.connect(bridge.on_search_all)
    bridge.results_ready.connect(browser.on_search_results)
    bridge.apps_listed.connect(browser.search.set_apps)
    bridge.overview_ready.connect(browser.on_overview)
    bridge.import_progress.connect(browser.on_import_progress)
    bridge.import_done.connect(browser.on_import_done)
    bridge.memories_listed.connect(browser.on_listed)
    bridge.memory_opened.connect(detail.show_detail)
    bridge.memory_deleted.connect(browser.on_deleted)
    bridge.exported.connect(browser.on_message)
    bridge.imported.connect(browser.on_imported)
    bridge.import_failed.connect(browser.on_import_failed)
    bridges.capture.memorized.connect(window.on_message)
    bridges.capture.memorized.connect(lambda _: browser.refresh_quietly())
    bridges.capture.memorized.connect(lambda _: bridge.on_overview())
    detail.save_requested.connect(bridge.on_save)
    detail.delete_requested.connect(bridge.on_delete)
    detail.history_requested.connect(bridge.on_history)
    detail.sources_requested.connect(bridge.on_sources)
    detail.reveal_requested.connect(bridge.on_reveal)
    bridge.reveal_refused.connect(detail.on_reveal_refused)
    detail.frame_requested.connect(bridges.explore.on_frame)
    bridge.history_ready.connect(detail.on_history)
    bridge.sources_ready.connect(detail.on_sources)
    bridge.secret_revealed.connect(detail.on_revealed)
    bridges.explore.frame_ready.connect(detail.on_frame)


def _connect_explore(bridges: Bridges, window: MainWindow) -> None:
    graph, timeline, bridge = window.graph, window.timeline, bridges.explore
    graph.graph_requested.connect(bridge.on_graph)
    bridge.graph_ready.connect(graph.on_graph)
    graph.open_requested.connect(window.show_memory)
    graph.open_requested.connect(bridges.memories.on_open)
    timeline.day_requested.connect(bridge.on_timeline)
    bridge.timeline_ready.connect(timeline.on_day)
    timeline.frame_requested.connect(bridge.on_frame)
    timeline.produced_requested.connect(bridge.on_produced)
    bridge.produced_ready.connect(timeline.on_produced)
    bridge.frame_ready.connect(timeline.on_frame)
    timeline.thumbnails_requested.connect(bridge.on_thumbnails)
    bridge.thumbnails_ready.connect(timeline.on_thumbnails)
    timeline.memory_requested.connect(window.show_memory)
    timeline.memory_requested.connect(bridges.memories.on_open)


def _connect_capture(bridges: Bridges, window: MainWindow, tray: TrayIcon, quit_app: Callable[[], None]) -> None:
    bridge = bridges.capture
    for source in (window.capture, tray):
        source.pause_requested.connect(bridge.on_pause)
        source.resume_requested.connect(bridge.on_resume)
    window.toggle_pause_requested.connect(bridge.on_toggle_pause)
    bridge.status_ready.connect(window.capture.on_status)
    bridge.status_ready.connect(tray.on_status)
    bridge.status_ready.connect(window.indicator.on_status)
    window.capture.start_requested.connect(lambda: bridge.on_choose(True))
    if not tray.available:
        window.capture.set_tray_notice(NO_TRAY)
    tray.show_requested.connect(window.show_window)
    tray.quit_requested.connect(quit_app)


def _connect_forget(bridges: Bridges, window: MainWindow, tray: TrayIcon) -> None:
    """Forget a range: the timeline's selection, the tray's and the Capture tab's "last N minutes"."""
    flow, bridge = window.forget, bridges.capture
    window.timeline.forget_requested.connect(flow.ask)
    window.capture.forget_recent_requested.connect(flow.ask_recent)

    def from_tray(minutes: int) -> None:
        window.show_window()
        flow.ask_recent(minutes)

    tray.forget_recent_requested.connect(from_tray)
    flow.preview_requested.connect(bridge.on_forget_preview)
    flow.forget_confirmed.connect(bridge.on_forget)
    bridge.forget_plan_ready.connect(flow.on_plan)
    bridge.forget_failed.connect(flow.on_failed)
    bridge.forgotten.connect(flow.on_forgotten)
    bridge.forgotten.connect(lambda plan: window.on_message(plan.summary))
    bridge.forgotten.connect(lambda _: window.timeline.request())
    bridge.forgotten.connect(lambda _: window.memories.refresh())


def _connect_trust(bridges: Bridges, window: MainWindow, tray: TrayIcon, auto_lock: Any) -> None:
    """First-run capture choice, what capture must never record, and locking when away."""
    session, guard, detail = bridges.session, bridges.guard, window.memories.detail
    session.capture_choice_needed.connect(window.ask_capture_choice)
    window.capture_choice.chosen.connect(bridges.capture.on_choose)
    session.setup_ready.connect(lambda info: setattr(detail, "reauth_with_passphrase", info.method == "passphrase"))
    window.unlock.passphrase_shown.connect(lambda shown: guard.set_secret_shown("passphrase field", shown))
    detail.secret_shown.connect(guard.set_secret_shown)
    session.locked.connect(window.on_locked)
    session.locked.connect(tray.on_locked)
    if auto_lock is not None:
        if not auto_lock.can_tell:
            window.settings.lock_note.setText(
                window.settings.lock_note.text() + " This desktop reports neither idle time nor the screen lock, "
                "so the app cannot lock itself here."
            )
        session.unlocked.connect(auto_lock.arm)
        auto_lock.lock_due.connect(session.on_lock)
        bridges.settings.settings_loaded.connect(
            lambda form: auto_lock.configure(form.lock_after_idle_min, form.lock_with_session)
        )


def _connect_settings(bridges: Bridges, window: MainWindow, set_theme: Callable[[str], object]) -> None:
    bridge = bridges.settings
    window.settings.apply_requested.connect(bridge.on_apply_settings)
    window.settings.theme_changed.connect(set_theme)
    bridge.settings_loaded.connect(window.settings.on_loaded)
    bridge.settings_applied.connect(window.settings.on_applied)
