"""The chat area's bridge: a question goes to a model thread, its tokens and answer come back as signals."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot

from mirix_app.gui.chat_service import ChatService
from mirix_app.gui.jobs import AreaBridge, JobRunner


class ChatBridge(AreaBridge):
    """Questions run on a model thread, so browsing and capture go on while the model thinks."""

    chat_token = Signal(str)
    chat_reply = Signal(object)  # ChatReply
    chat_failed = Signal(str)
    threads_listed = Signal(object)  # list[ThreadRow]
    thread_opened = Signal(object)  # ChatThreadView

    def __init__(self, runner: JobRunner, chat: ChatService) -> None:
        super().__init__(runner)
        self.chat = chat

    @Slot(str, int)
    def on_send(self, question: str, screen_minutes: int) -> None:
        def answered(reply: Any) -> None:
            self.chat_reply.emit(reply)
            self.on_threads()  # a new conversation, or one moved to the top

        self._run(
            lambda: self.chat.ask(question, screen_minutes, self.chat_token.emit),
            answered,
            fail=self.chat_failed.emit,
            lane="chat",
        )

    @Slot()
    def on_clear_chat(self) -> None:
        self._run(self.chat.clear, lambda _: None, lane="chat")

    # -- conversations ------------------------------------------------------------------------
    @Slot()
    def on_threads(self) -> None:
        self._run(self.chat.threads, self.threads_listed.emit)

    @Slot(str)
    def on_open_thread(self, thread_id: str) -> None:
        self._run(lambda: self.chat.open_thread(thread_id), self.thread_opened.emit, lane="chat")

    @Slot()
    def on_restore_last(self) -> None:
        """At start: reopen the conversation that was open last, and list them all."""

        def opened(view: Any) -> None:
            if view is not None:
                self.thread_opened.emit(view)

        self._run(self.chat.last_thread, opened, lane="chat")
        self.on_threads()

    @Slot(str, str)
    def on_rename_thread(self, thread_id: str, title: str) -> None:
        self._run(lambda: self.chat.rename_thread(thread_id, title), self.threads_listed.emit)

    @Slot(str)
    def on_delete_thread(self, thread_id: str) -> None:
        self._run(lambda: self.chat.delete_thread(thread_id), self.threads_listed.emit)

    @Slot(str)
    def on_restore_thread(self, thread_id: str) -> None:
        self._run(lambda: self.chat.restore_thread(thread_id), self.threads_listed.emit)
