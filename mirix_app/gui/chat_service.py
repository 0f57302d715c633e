"""The chat area: questions answered from the memory, with the recent screen as optional context."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mirix_app import factories
from mirix_app.gui import memory_views
from mirix_app.gui.session import Session
from ui.viewmodels import ChatReply

SCREEN_CHARS = 3000


@dataclass
class ChatService:
    """Answers questions; runs off the engine thread (its store calls are engine jobs, its model calls are not)."""

    session: Session
    thread_id: str | None = None
    _chat: Any = None
    _generation: int = -1

    def _the_chat(self) -> Any:
        s = self.session
        if self._chat is None or self._generation != s.model_generation:
            self._chat = factories.make_chat(s.open_store(), s.settings, s.model, run=s.submit)
            self._generation = s.model_generation
        return self._chat

    def ask(self, question: str, screen_minutes: int, on_token: Callable[[str], None]) -> ChatReply:
        chat = self._the_chat()
        text = question
        if screen_minutes > 0:
            screen = self.recent_screen_text(screen_minutes)
            text = f"{question}\n\n[My screen in the last {screen_minutes} minutes]\n{screen}" if screen else question
        answer = chat.ask(text, thread_id=self.thread_id, on_token=on_token, remember=text == question)
        self.thread_id = answer.thread_id
        return memory_views.chat_reply(answer)

    def recent_screen_text(self, minutes: int) -> str:
        rows = self.session.gated_store().frame_texts_since(time.time() - minutes * 60)
        lines = [f"[{a or '?'}: {t or ''}] {x or ''}" for a, t, x in rows]
        return "\n".join(lines)[-SCREEN_CHARS:]

    def drop(self) -> None:
        """Forget the chat runner (it holds the store): at lock."""
        self._chat = None

    def clear(self) -> None:
        self.thread_id = None
