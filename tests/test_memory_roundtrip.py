"""Every memory type goes in and comes out intact, with its provenance."""

from __future__ import annotations

import pytest
from helpers import PASSPHRASE

from stores.embedders import HashingEmbedder
from stores.errors import NotFoundError, ValidationError
from stores.memories import SECRET_MASK
from stores.memory_store import MemoryStore
from stores.observations import NewObservation

RECORDS = {
    "core": {"label": "human", "value": "Ann is a data engineer who likes bouldering."},
    "episodic": {
        "occurred_at": "2024-03-01T09:00:00+00:00",
        "ended_at": "2024-03-01T09:30:00+00:00",
        "actor": "user",
        "event_type": "meeting",
        "summary": "Standup about the billing migration",
        "details": "Discussed the cutover date",
        "app": "zoom",
    },
    "semantic": {
        "name": "Billing service",
        "summary": "Runs on Postgres 16",
        "details": "Owned by the payments team",
        "source": "wiki",
        "valid_from": "2024-01-01T00:00:00+00:00",
    },
    "procedural": {"entry_type": "workflow", "summary": "Deploy the app", "steps": ["build", "test", "ship"]},
    "resource": {
        "title": "Cutover plan",
        "resource_type": "document",
        "uri": "file:///home/ann/cutover.md",
        "summary": "Plan for the billing cutover",
        "content": "Step one: freeze writes",
    },
    "knowledge_vault": {
        "entry_type": "api_key",
        "source": "terminal",
        "sensitivity": "high",
        "caption": "Staging API key",
        "secret_value": "sk-test-1234567890",
    },
}


@pytest.fixture
def observation_id(store):
    obs_id, _ = store.observations.add(NewObservation("chat", "msg-1", "2024-03-01T09:00:00", "hello", speaker="Ann"))
    return obs_id


@pytest.mark.parametrize("type_name", list(RECORDS))
def test_round_trip_keeps_every_field_and_source(store, observation_id, type_name):
    memory_id = store.add(type_name, RECORDS[type_name], sources=[observation_id])

    got = store.get(type_name, memory_id)

    for name, value in RECORDS[type_name].items():
        expected = SECRET_MASK if name == "secret_value" else value
        assert got[name] == expected, name
    assert got["id"] == memory_id
    assert got["version"] == 1
    assert got["sources"] == [observation_id]


@pytest.mark.parametrize("type_name", list(RECORDS))
def test_round_trip_survives_reopen(data_dir, store, type_name):
    memory_id = store.add(type_name, RECORDS[type_name])
    store.close()
    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder()) as reopened:
        assert reopened.get(type_name, memory_id)["created_at"]


def test_get_unknown_id_raises_not_found(store):
    with pytest.raises(NotFoundError):
        store.get("semantic", "does-not-exist")


@pytest.mark.parametrize(
    ("type_name", "record", "message"),
    [
        ("semantic", {"summary": "no name"}, "needs name"),
        ("episodic", {"summary": "x", "occurred_at": "last tuesday"}, "ISO-8601"),
        ("knowledge_vault", {"caption": "c", "secret_value": "s", "sensitivity": "extreme"}, "sensitivity"),
        ("core", {"label": "persona", "value": "x" * 50, "limit": 10}, "limit of 10"),
        ("resource", {"title": "t", "colour": "red"}, "no field"),
    ],
)
def test_invalid_records_are_rejected_with_a_clear_message(store, type_name, record, message):
    with pytest.raises(ValidationError, match=message):
        store.add(type_name, record)
    assert store.memories.count(type_name) == 0
