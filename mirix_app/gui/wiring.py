"""The one place where the bridge and the window's widgets are connected (qutebrowser's _connect_signals)."""

from __future__ import annotations

from collections.abc import Callable

from mirix_app.gui.bridge import Bridge
from ui.main_window import MainWindow
from ui.tray import TrayIcon


def connect_signals(
    bridge: Bridge, window: MainWindow, tray: TrayIcon, quit_app: Callable[[], None], set_theme: Callable[[str], None]
) -> None:
    """Wire every request of the UI to a bridge slot and every bridge result to the widgets that show it."""
    _connect_start(bridge, window)
    _connect_chat(bridge, window)
    _connect_memories(bridge, window)
    _connect_graph_and_timeline(bridge, window)
    _connect_capture(bridge, window, tray, quit_app)
    window.settings.apply_requested.connect(bridge.on_apply_settings)
    window.settings.theme_changed.connect(set_theme)
    bridge.settings_loaded.connect(window.settings.on_loaded)
    bridge.settings_applied.connect(window.settings.on_applied)
    bridge.error.connect(window.on_error)


def _connect_start(bridge: Bridge, window: MainWindow) -> None:
    window.first_shown.connect(bridge.on_start)
    bridge.setup_ready.connect(window.unlock.on_setup)
    window.unlock.unlock_requested.connect(bridge.on_unlock)
    bridge.unlock_failed.connect(window.unlock.on_failed)
    bridge.unlocked.connect(window.on_unlocked)
    bridge.unlocked.connect(bridge.on_load_models)
    bridge.unlocked.connect(bridge.on_load_settings)
    bridge.unlocked.connect(bridge.on_start_timers)
    bridge.unlocked.connect(window.memories.refresh)
    bridge.progress.connect(window.on_progress)
    bridge.models_ready.connect(window.on_models_ready)
    window.tabs.currentChanged.connect(lambda _: _refresh_visible(window))


def _refresh_visible(window: MainWindow) -> None:
    current = window.tabs.currentWidget()
    if current is window.graph and not window.graph.requested:
        window.graph.request()
    elif current is window.timeline:
        window.timeline.request()
    elif current is window.memories:
        window.memories.refresh()


def _connect_chat(bridge: Bridge, window: MainWindow) -> None:
    chat = window.chat
    chat.send_requested.connect(bridge.on_send)
    chat.clear_requested.connect(bridge.on_clear_chat)
    bridge.chat_token.connect(chat.on_token)
    bridge.chat_reply.connect(chat.on_reply)
    bridge.chat_failed.connect(chat.on_failed)
    chat.citation_clicked.connect(window.show_memory)
    chat.citation_clicked.connect(bridge.on_open)
    chat.citation_clicked.connect(bridge.on_sources)
    chat.graph_requested.connect(window.show_graph)


def _connect_memories(bridge: Bridge, window: MainWindow) -> None:
    browser, detail = window.memories, window.memories.detail
    browser.list_requested.connect(bridge.on_list)
    browser.open_requested.connect(bridge.on_open)
    browser.export_requested.connect(bridge.on_export)
    browser.import_requested.connect(bridge.on_import)
    bridge.memories_listed.connect(browser.on_listed)
    bridge.memory_opened.connect(detail.show_detail)
    bridge.memory_deleted.connect(browser.on_deleted)
    bridge.exported.connect(browser.on_message)
    bridge.imported.connect(browser.on_imported)
    bridge.import_failed.connect(browser.on_import_failed)
    bridge.memorized.connect(window.on_message)
    bridge.memorized.connect(lambda _: browser.refresh())
    detail.save_requested.connect(bridge.on_save)
    detail.delete_requested.connect(bridge.on_delete)
    detail.history_requested.connect(bridge.on_history)
    detail.sources_requested.connect(bridge.on_sources)
    detail.reveal_requested.connect(bridge.on_reveal)
    detail.frame_requested.connect(bridge.on_frame)
    bridge.history_ready.connect(detail.on_history)
    bridge.sources_ready.connect(detail.on_sources)
    bridge.secret_revealed.connect(detail.on_revealed)
    bridge.frame_ready.connect(detail.on_frame)


def _connect_graph_and_timeline(bridge: Bridge, window: MainWindow) -> None:
    graph, timeline = window.graph, window.timeline
    graph.graph_requested.connect(bridge.on_graph)
    bridge.graph_ready.connect(graph.on_graph)
    graph.node_clicked.connect(window.show_memory)
    graph.node_clicked.connect(bridge.on_open)
    timeline.day_requested.connect(bridge.on_timeline)
    bridge.timeline_ready.connect(timeline.on_day)
    timeline.frame_requested.connect(bridge.on_frame)
    timeline.produced_requested.connect(bridge.on_produced)
    bridge.produced_ready.connect(timeline.on_produced)
    bridge.frame_ready.connect(timeline.on_frame)
    timeline.memory_requested.connect(window.show_memory)
    timeline.memory_requested.connect(bridge.on_open)


def _connect_capture(bridge: Bridge, window: MainWindow, tray: TrayIcon, quit_app: Callable[[], None]) -> None:
    for source in (window.capture, tray):
        source.pause_requested.connect(bridge.on_pause)
        source.resume_requested.connect(bridge.on_resume)
    window.toggle_pause_requested.connect(bridge.on_toggle_pause)
    bridge.status_ready.connect(window.capture.on_status)
    bridge.status_ready.connect(tray.on_status)
    tray.show_requested.connect(window.show_window)
    tray.quit_requested.connect(quit_app)
