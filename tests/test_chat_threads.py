"""Conversations kept in the encrypted database: rename, delete with undo, purge, the last one opened."""

from __future__ import annotations

import time

from stores.timeutil import utcnow_iso


def test_rename_delete_restore_and_purge(store):
    threads = store.chat_threads()
    first = threads.create("where does Ann work?")
    threads.add_message(first, "user", "where does Ann work?")
    second = threads.create("pottery class")
    threads.add_message(second, "user", "pottery class")
    assert [t["id"] for t in threads.list()] == [second, first]
    threads.rename(first, "  Ann's   job ")
    assert threads.get(first)["title"] == "Ann's job"
    threads.delete(second)
    assert [t["id"] for t in threads.list()] == [first], "a deleted conversation leaves the list"
    threads.restore(second)
    assert {t["id"] for t in threads.list()} == {first, second}, "undo brings it back with its messages"
    assert threads.messages(second)[0]["content"] == "pottery class"
    threads.delete(second)
    assert threads.purge_deleted(before="2000-01-01") == 0, "still within its undo time"
    assert threads.purge_deleted() == 1
    assert threads.messages(second) == [] and [t["id"] for t in threads.list()] == [first]


def test_the_last_opened_conversation_is_the_one_restored(store):
    threads = store.chat_threads()
    assert threads.last_opened() is None
    old = threads.create("old question")
    time.sleep(0.01)
    new = threads.create("new question")
    assert threads.last_opened() == new
    time.sleep(0.01)
    threads.mark_opened(old)
    assert threads.last_opened() == old, "reopening an older conversation makes it the one restored"
    threads.delete(old)
    assert threads.last_opened() == new
    assert utcnow_iso() > threads.get(old)["deleted_at"]
