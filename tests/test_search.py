"""Hybrid search: words, meaning, recency and filters, over memories and raw observations."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import PASSPHRASE

from stores.embedders import HashingEmbedder
from stores.hybrid_search import tied_ranks
from stores.memory_store import MemoryStore
from stores.observations import NewObservation


def test_equal_scores_share_a_rank():
    a, b, c = ("t", "a"), ("t", "b"), ("t", "c")
    assert tied_ranks([(a, -3.0), (b, -3.0), (c, -1.0)]) == {a: 1, b: 1, c: 3}


@pytest.fixture
def real_store(data_dir, minilm):
    from helpers import PASSPHRASE

    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=minilm) as opened:
        yield opened


def test_meaning_matches_without_shared_words(real_store):
    car = real_store.add("semantic", {"name": "Vehicle", "summary": "Ann drives a red automobile to work"})
    real_store.add("semantic", {"name": "Food", "summary": "Bob cooks lentil soup on Sundays"})

    hits = real_store.search("what car does she own", k=2)

    assert hits[0].id == car


def test_exact_rare_token_matches_by_keyword(real_store):
    ticket = real_store.add("resource", {"title": "Incident JIRA-48213", "summary": "database failover"})
    real_store.add("resource", {"title": "Weekly report", "summary": "numbers for the week"})
    assert real_store.search("JIRA-48213", k=1)[0].id == ticket


def test_a_possessive_in_the_question_does_not_match_every_possessive_by_its_s(store):
    passport = store.add("resource", {"title": "Passport", "summary": "Ann keeps her passport in the desk drawer"})
    store.add("resource", {"title": "Car", "summary": "Bob's car is at the garage"})
    store.add("resource", {"title": "Keys", "summary": "Tom's keys don't fit the shed"})

    matched = [hit.item_id for hit in store.index.search("Where is Ann's passport? I can't find it", 10)]

    assert matched == [passport]


def test_raw_observations_are_searchable_before_memorization(store):
    store.observations.add(NewObservation("chat", "c1", "2024-01-01T10:00:00", "The wifi password is on the fridge"))
    store.sync_vectors()
    hits = store.search("wifi fridge")
    assert hits[0].type == "observation"
    assert hits[0].sources == ["c1"]


def test_memory_hits_carry_the_original_source_ids(store):
    obs, _ = store.observations.add(NewObservation("chat", "D3:7", "2024-05-01T10:00:00", "I adopted a beagle"))
    store.add("semantic", {"name": "Pet", "summary": "Ann adopted a beagle"}, sources=[obs])
    hit = store.search("beagle", types=["semantic"])[0]
    assert hit.sources == ["D3:7"]
    assert hit.observation_ids == [obs]


def test_time_filters_apply_to_memories_and_observations(store):
    early = store.add("episodic", {"summary": "Dentist visit", "occurred_at": "2024-01-10T09:00:00"})
    late = store.add("episodic", {"summary": "Dentist follow-up", "occurred_at": "2024-06-10T09:00:00"})

    assert [h.id for h in store.search("dentist", since="2024-03-01T00:00:00")] == [late]
    assert [h.id for h in store.search("dentist", until="2024-03-01T00:00:00")] == [early]


def test_type_and_app_filters(store):
    in_code = store.add("episodic", {"summary": "Edited parser.py", "occurred_at": "2024-01-01", "app": "code"})
    store.add("episodic", {"summary": "Read about parser combinators", "occurred_at": "2024-01-01", "app": "firefox"})
    store.add("resource", {"title": "parser.py", "uri": "file:///src/parser.py"})

    assert [h.id for h in store.search("parser", app="code")] == [in_code]
    assert {h.type for h in store.search("parser", types=["resource"])} == {"resource"}


def test_recency_breaks_ties_between_equally_good_matches(store):
    store.add("episodic", {"summary": "Team lunch at the taqueria", "occurred_at": "2023-01-01T12:00:00"})
    newer = store.add("episodic", {"summary": "Team lunch at the taqueria", "occurred_at": "2024-01-01T12:00:00"})
    assert store.search("team lunch taqueria", k=2)[0].id == newer


SEARCH_IN_A_NEW_PROCESS = """
import sys
from stores.embedders import HashingEmbedder
from stores.memory_store import MemoryStore
with MemoryStore.open(sys.argv[1], passphrase=sys.argv[2], embedder=HashingEmbedder()) as store:
    print(",".join(hit.id for hit in store.search("team lunch taqueria", k=6)))
"""


def test_equally_good_matches_come_in_the_same_order_after_a_restart(data_dir):
    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder()) as store:
        for _ in range(6):
            store.add("episodic", {"summary": "Team lunch at the taqueria", "occurred_at": "2024-01-01T12:00:00"})
    orders = set()
    for seed in ("1", "2", "3"):  # each process orders its sets differently
        env = {**os.environ, "PYTHONHASHSEED": seed}
        args = [sys.executable, "-c", SEARCH_IN_A_NEW_PROCESS, str(data_dir), PASSPHRASE]
        shown = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout.strip()
        assert len(shown.split(",")) == 6
        orders.add(shown)
    assert len(orders) == 1


def test_k_limits_the_number_of_hits(store):
    for n in range(15):
        store.add("semantic", {"name": f"Fact {n}", "summary": f"gadget number {n}"})
    assert len(store.search("gadget", k=5)) == 5
    assert len(store.search("gadget", k=20)) == 15
