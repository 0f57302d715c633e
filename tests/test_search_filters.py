"""Filtered search: a small filtered set searched exactly, a broad one over-fetched and checked, nothing stale."""

from __future__ import annotations

import pytest

from stores import hybrid_search
from stores.memory_store import MemoryStore


@pytest.fixture
def real_store(data_dir, minilm):
    from helpers import PASSPHRASE

    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=minilm) as opened:
        yield opened


def _episode(store: MemoryStore, summary: str, app: str) -> str:
    return store.add("episodic", {"summary": summary, "occurred_at": "2024-03-01T10:00:00", "app": app})


def test_a_memory_edited_under_a_filter_is_found_by_its_new_meaning_not_its_old_one(real_store):
    brakes = _episode(real_store, "Ann fixed the brakes on her automobile", "code")
    truck = _episode(real_store, "Dara washed her pickup truck", "code")
    _episode(real_store, "Bob cooked lentil soup", "code")
    _episode(real_store, "Ann fixed the brakes on her automobile", "firefox")  # outside the filter
    assert real_store.search("car mechanic", app="code", k=1)[0].id == brakes  # its vector is now in memory

    real_store.update("episodic", brakes, {"summary": "Ann practised chords on her acoustic guitar"})

    assert real_store.search("car mechanic", app="code", k=1)[0].id == truck
    assert real_store.search("music instrument", app="code", k=1)[0].id == brakes


def test_what_is_stored_after_a_search_of_an_empty_memory_is_found_by_meaning(real_store):
    assert real_store.search("anything at all") == []  # the vector side now knows the index as empty

    car = real_store.add("semantic", {"name": "Vehicle", "summary": "Ann drives a red automobile to work"})
    real_store.add("semantic", {"name": "Food", "summary": "Bob cooks lentil soup on Sundays"})

    assert real_store.search("what car does she own", k=1)[0].id == car  # no shared word: only the vector finds it


def test_a_broad_filter_keeps_only_the_neighbours_that_pass_it(real_store, monkeypatch):
    monkeypatch.setattr(hybrid_search, "EXACT_SCOPE_MAX", 0)  # every filter now over-fetches and checks afterwards
    in_code = _episode(real_store, "Reviewed the parser rewrite", "code")
    _episode(real_store, "Read about parser combinators", "firefox")
    early = real_store.add("episodic", {"summary": "Parser bug triage", "occurred_at": "2023-01-05T09:00:00"})
    fact = real_store.add("semantic", {"name": "Parsers", "summary": "a parser turns text into a tree"})

    assert [h.id for h in real_store.search("parsing source code", app="code")] == [in_code]
    assert [h.id for h in real_store.search("parsing source code", until="2023-12-31T00:00:00")] == [early]
    assert [h.id for h in real_store.search("parsing source code", types=["semantic"])] == [fact]


def test_a_filter_the_nearest_neighbours_all_fail_is_searched_further(real_store, monkeypatch):
    monkeypatch.setattr(hybrid_search, "EXACT_SCOPE_MAX", 0)  # every filter now over-fetches and checks afterwards
    monkeypatch.setattr(hybrid_search, "OVERFETCH_FIRST", 1)  # a first round of one depth (50 neighbours)
    with real_store.transaction():
        for i in range(60):  # the 60 nearest to the query are all in another app
            _episode(real_store, f"Mechanic number {i} fixed the brakes on a red automobile", "code")
        sedan = _episode(real_store, "Jon took his sedan to the garage for an oil change", "firefox")
        for i in range(30):
            _episode(real_store, f"Read chapter {i} of a novel about the sea", "firefox")
    real_store.vector_sync.drain()

    hits = real_store.search("car repair", app="firefox", k=1)

    assert [h.id for h in hits] == [sedan]  # no shared word: only a second, deeper vector round finds it


def test_a_memory_written_between_two_searches_with_the_same_filter_is_found_by_the_second(real_store):
    _episode(real_store, "Bob cooked lentil soup", "code")
    _episode(real_store, "Dara repotted the basil", "code")
    assert real_store.search("car mechanic", app="code", k=1) == []  # the filter's items are now worked out once

    car = _episode(real_store, "Ann fixed the brakes on her automobile", "code")

    assert real_store.search("car mechanic", app="code", k=1)[0].id == car  # not the filter's items of before


def test_a_filtered_search_inside_a_rolled_back_delete_does_not_hide_the_memory_afterwards(real_store):
    car = _episode(real_store, "Ann fixed the brakes on her automobile", "code")
    _episode(real_store, "Bob cooked lentil soup", "code")
    with pytest.raises(RuntimeError), real_store.transaction():
        real_store.delete("episodic", car)
        assert real_store.search("car mechanic", app="code", k=1) == []  # gone inside the transaction
        raise RuntimeError("the batch failed: nothing of it is kept")

    assert real_store.search("car mechanic", app="code", k=1)[0].id == car


def test_a_rolled_back_delete_keeps_the_memory_findable_by_meaning(real_store):
    car = _episode(real_store, "Ann fixed the brakes on her automobile", "code")
    _episode(real_store, "Bob cooked lentil soup", "code")
    with pytest.raises(RuntimeError), real_store.transaction():
        real_store.delete("episodic", car)
        raise RuntimeError("the batch failed: nothing of it is kept")

    assert real_store.search("car mechanic", k=1)[0].id == car  # its vector was not removed from Chroma
