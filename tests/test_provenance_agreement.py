"""A memory lends its search score to the sources that say it, not to every line its batch cited."""

from __future__ import annotations

import dataclasses

import pytest
from helpers import PASSPHRASE

from stores.embedders import HashingEmbedder
from stores.memory_store import MemoryStore
from stores.observations import NewObservation


@pytest.fixture
def real_store(data_dir, minilm):
    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=minilm) as opened:
        yield opened


def _say(store: MemoryStore, msg_id: str, text: str, time: str) -> str:
    obs, _ = store.observations.add(NewObservation("chat", msg_id, time, text, speaker="Caroline", session="s1"))
    return obs


def _batch_with_a_fact_citing_all_its_lines(store: MemoryStore) -> None:
    """A small model's batch: one line says the fact, the others are cited with it but say something else.

    The lines are more than half an hour apart, so none is another's thread neighbour (a separate bonus).
    """
    said = _say(store, "D1:1", "Guess what, I adopted a puppy yesterday! His name is Max.", "2024-05-01T10:00:00")
    cited = [
        _say(store, "D1:2", "The quarterly tax forms are due at the end of the month.", "2024-05-01T10:45:00"),
        _say(store, "D1:3", "The wedding dress needs another fitting on Thursday.", "2024-05-01T11:30:00"),
    ]
    _say(store, "D9:4", "Max chewed through the garden hose this morning.", "2024-08-20T18:00:00")  # not cited
    store.add("semantic", {"name": "Max", "summary": "Caroline adopted a puppy named Max"}, sources=[said, *cited])
    store.sync_vectors()


def _observation_sources(store: MemoryStore, query: str) -> list[str]:
    return [hit.sources[0] for hit in store.search(query, k=10) if hit.type == "observation"]


def test_a_fact_does_not_lift_the_unrelated_lines_its_batch_cited_above_a_line_about_it(real_store):
    _batch_with_a_fact_citing_all_its_lines(real_store)

    shown = _observation_sources(real_store, "What did Caroline's puppy Max do?")

    assert shown[0] == "D1:1"  # the line that says the fact still gets its score
    assert shown.index("D9:4") < shown.index("D1:2")  # a line about Max above a tax form the batch happened to cite
    assert shown.index("D9:4") < shown.index("D1:3")


def test_without_agreement_the_cited_tax_form_outranks_the_line_about_max(real_store):
    """The same data with the prior lent in full: the failure the agreement prevents (so the test above can fail)."""
    _batch_with_a_fact_citing_all_its_lines(real_store)
    real_store.searcher.weights = dataclasses.replace(real_store.searcher.weights, agreement=False)

    shown = _observation_sources(real_store, "What did Caroline's puppy Max do?")

    assert shown.index("D1:2") < shown.index("D9:4")


def _agreements(store: MemoryStore) -> dict[str, float | None]:
    rows = store._db.execute("SELECT observation_id, agreement FROM provenance").fetchall()
    return {obs_id: agreement for obs_id, agreement in rows}


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, counting the texts it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.texts = 0

    def embed(self, texts):
        self.texts += len(texts)
        return super().embed(texts)


def test_a_data_dir_from_before_agreement_is_measured_on_open_without_embedding_again(data_dir):
    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder()) as store:
        _batch_with_a_fact_citing_all_its_lines(store)
        measured = _agreements(store)
        store._db.execute("ALTER TABLE provenance DROP COLUMN agreement")  # as the previous version left it
        store._db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm050_provenance_agreement'")
    assert all(value is not None for value in measured.values())

    counting = CountingEmbedder()
    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=counting) as store:
        assert _agreements(store) == pytest.approx(measured)
        assert counting.texts == 0  # read back from the vector index, not embedded again
        assert store.stats()["vector_outbox"] == 0


def test_a_memory_indexed_before_its_source_is_measured_when_the_source_is_indexed(store):
    obs = _say(store, "D1:1", "I adopted a puppy named Max", "2024-05-01T10:00:00")
    store._db.execute("DELETE FROM vector_outbox")  # the source's vector is not there yet
    store.add("semantic", {"name": "Max", "summary": "Caroline adopted a puppy named Max"}, sources=[obs])
    store.sync_vectors()
    assert _agreements(store) == {obs: None}

    store.index.queue("observation", obs, "upsert")
    store.sync_vectors()

    assert _agreements(store)[obs] > 0.3
