"""The chat area's bridge: a question goes to a model thread, its tokens and answer come back as signals."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot

from mirix_app.gui.chat_service import ChatService
from mirix_app.gui.jobs import AreaBridge, JobRunner


class ChatBridge(AreaBridge):
    """Questions run on a model thread, so browsing and capture go on while the model thinks."""

    chat_token = Signal(str)
    chat_reply = Signal(object)  # ChatReply
    chat_failed = Signal(str)

    def __init__(self, runner: JobRunner, chat: ChatService) -> None:
        super().__init__(runner)
        self.chat = chat

    @Slot(str, int)
    def on_send(self, question: str, screen_minutes: int) -> None:
        self._run(
            lambda: self.chat.ask(question, screen_minutes, self.chat_token.emit),
            self.chat_reply.emit,
            fail=self.chat_failed.emit,
            lane="chat",
        )

    @Slot()
    def on_clear_chat(self) -> None:
        self._run(self.chat.clear, lambda _: None, lane="chat")
