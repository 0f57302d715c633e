"""The chat area: questions answered from the memory, with the recent screen as optional context."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mirix_app import factories
from mirix_app.gui import memory_views
from mirix_app.gui.session import Session
from ui.viewmodels import ChatReply, ChatThreadView, ThreadRow

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

    # -- conversations: listing and editing on the engine thread ------------------------------
    def threads(self) -> list[ThreadRow]:
        return [memory_views.thread_row(t) for t in self.session.open_store().chat_threads().list()]

    def rename_thread(self, thread_id: str, title: str) -> list[ThreadRow]:
        self.session.open_store().chat_threads().rename(thread_id, title)
        return self.threads()

    def delete_thread(self, thread_id: str) -> list[ThreadRow]:
        """Hide a conversation (undo with ``restore_thread``; erased at the next start)."""
        self.session.open_store().chat_threads().delete(thread_id)
        if self.thread_id == thread_id:
            self.thread_id = None
        return self.threads()

    def restore_thread(self, thread_id: str) -> list[ThreadRow]:
        self.session.open_store().chat_threads().restore(thread_id)
        return self.threads()

    # -- conversations: opening one, on the chat lane (a question in flight finishes first) -----
    def open_thread(self, thread_id: str) -> ChatThreadView:
        """Continue a stored conversation: its messages, and the next question goes on in it."""
        threads = self.session.gated_store().chat_threads()
        view = memory_views.thread_view(threads.get(thread_id), threads.messages(thread_id))
        threads.mark_opened(thread_id)
        self.thread_id = thread_id
        return view

    def last_thread(self) -> ChatThreadView | None:
        """The conversation open when the app was last used, reopened at start."""
        thread_id = self.session.gated_store().chat_threads().last_opened()
        return self.open_thread(thread_id) if thread_id else None
