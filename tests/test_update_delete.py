"""Updates keep the id and a history; deletes remove the row, its full-text entry and its vector."""

from __future__ import annotations

import pytest

from stores.errors import NotFoundError
from stores.observations import NewObservation


def test_update_keeps_id_and_records_previous_version(store):
    memory_id = store.add("semantic", {"name": "Ann's editor", "summary": "Ann uses Vim"})

    updated = store.update("semantic", memory_id, {"summary": "Ann uses Helix"})

    assert updated["id"] == memory_id
    assert updated["summary"] == "Ann uses Helix"
    assert updated["version"] == 2
    history = store.history("semantic", memory_id)
    assert [h["version"] for h in history] == [1]
    assert history[0]["action"] == "update"
    assert history[0]["record"]["summary"] == "Ann uses Vim"


def test_update_reindexes_text_so_old_words_stop_matching(store):
    memory_id = store.add("semantic", {"name": "Lunch spot", "summary": "Favourite lunch is ramen"})
    store.update("semantic", memory_id, {"summary": "Favourite lunch is falafel"})

    assert [h.id for h in store.search("falafel", types=["semantic"])] == [memory_id]
    assert all("ramen" not in h.text for h in store.search("ramen", types=["semantic"]))


def test_update_adds_new_sources_without_dropping_old(store):
    first, _ = store.observations.add(NewObservation("chat", "a", "2024-01-01T00:00:00", "one"))
    second, _ = store.observations.add(NewObservation("chat", "b", "2024-01-02T00:00:00", "two"))
    memory_id = store.add("resource", {"title": "Notes"}, sources=[first])

    store.update("resource", memory_id, {"summary": "more"}, sources=[second])

    assert store.get("resource", memory_id)["sources"] == [first, second]


def test_delete_removes_row_fulltext_and_vector(store):
    memory_id = store.add("episodic", {"summary": "Quokka sighting at the zoo", "occurred_at": "2024-02-02T10:00:00"})
    assert store.vectors.has("episodic", memory_id)
    assert store.index.is_indexed("episodic", memory_id)

    store.delete("episodic", memory_id)

    with pytest.raises(NotFoundError):
        store.get("episodic", memory_id)
    assert not store.index.is_indexed("episodic", memory_id)
    assert not store.vectors.has("episodic", memory_id)
    assert store.search("quokka") == []
    assert store.history("episodic", memory_id)[-1]["action"] == "delete"


def test_merge_folds_duplicates_into_one_memory_with_all_sources(store):
    a, _ = store.observations.add(NewObservation("chat", "a", "2024-01-01T00:00:00", "one"))
    b, _ = store.observations.add(NewObservation("chat", "b", "2024-01-02T00:00:00", "two"))
    keep = store.add("semantic", {"name": "Cat", "summary": "Ann has a cat"}, sources=[a])
    drop = store.add("semantic", {"name": "Cat", "summary": "Ann owns a cat called Miso"}, sources=[b])

    merged = store.memories.merge("semantic", keep, [drop], {"summary": "Ann has a cat called Miso"})
    store.sync_vectors()

    assert merged["summary"] == "Ann has a cat called Miso"
    assert merged["sources"] == [a, b]
    assert store.memories.count("semantic") == 1
    assert not store.vectors.has("semantic", drop)
