"""A chat message is also found by the words of the messages it replies to, and never by forgotten ones."""

from __future__ import annotations

import dataclasses

from helpers import PASSPHRASE

from stores.hybrid_search import FusionWeights
from stores.memory_store import MemoryStore
from stores.observations import NewObservation

REPLY = "Amazing! We roasted marshmallows and hiked to the lake."
FAIR = "We sold marshmallows and lemonade at the school fair."


def _say(store: MemoryStore, msg_id: str, speaker: str, text: str, time: str, session: str = "s1") -> str:
    obs, _ = store.observations.add(NewObservation("chat", msg_id, time, text, speaker=speaker, session=session))
    return obs


def _text_hits(store: MemoryStore, query: str) -> list[str]:
    """The observations the full-text side matches, best first (what changed; vectors and context aside)."""
    return [hit.item_id for hit in store.index.search(query, 20) if hit.kind == "observation"]


def _camping_chat(store: MemoryStore) -> tuple[str, str]:
    question = _say(store, "m1", "Ann", "How was the camping trip with your kids?", "2024-06-03T18:00:00")
    reply = _say(store, "m2", "Bob", REPLY, "2024-06-03T18:00:05")
    _say(store, "m3", "Eve", "What did you do at the weekend?", "2024-06-10T09:00:00", session="s2")
    _say(store, "m4", "Dan", FAIR, "2024-06-10T09:00:05", session="s2")  # a reply as long as Bob's
    chores = ["paid the water bill", "booked the dentist", "fixed the printer", "renewed the passport"]
    for day, chore in enumerate(chores * 4, start=11):  # other talk, so a word's rarity means something
        _say(store, f"f{day}", "Dan", f"Today I {chore}.", f"2024-06-{day}T09:00:00", session=f"s{day}")
    return question, reply


def test_a_reply_is_found_by_the_question_it_answers(store):
    question, reply = _camping_chat(store)
    store.searcher.weights = dataclasses.replace(FusionWeights(), neighbour=0.0)  # the reply's own text alone

    hits = [hit.text for hit in store.search("marshmallows while camping", k=3)]

    assert hits.index(f"Bob: {REPLY}") < hits.index(f"Dan: {FAIR}")
    assert _text_hits(store, "camping") == [question, reply]  # the question itself matches more


def test_a_message_that_arrives_before_its_reply_is_in_the_replys_context(store):
    reply = _say(store, "m2", "Bob", "Amazing! We roasted marshmallows.", "2024-06-03T18:00:05")
    assert _text_hits(store, "camping") == []

    question = _say(store, "m1", "Ann", "How was the camping trip?", "2024-06-03T18:00:00")  # imported late

    assert _text_hits(store, "camping") == [question, reply]


def test_a_message_an_hour_earlier_is_not_replied_to(store):
    _say(store, "m1", "Ann", "How was the camping trip?", "2024-06-03T17:00:00")
    reply = _say(store, "m2", "Bob", "Amazing! We roasted marshmallows.", "2024-06-03T18:00:05")

    assert reply not in _text_hits(store, "camping")


def test_a_forgotten_message_no_longer_finds_the_reply_to_it(store):
    question, reply = _camping_chat(store)
    _say(store, "m4", "Ann", "Sounds lovely, send photos!", "2024-06-03T18:10:00")

    store.forget_range("2024-06-03T17:59:00", "2024-06-03T18:00:01")  # the question only

    assert _text_hits(store, "camping") == []  # not even through the reply's context
    assert reply in _text_hits(store, "marshmallows")  # the reply itself stays
    assert store.search("roasted marshmallows", k=1)[0].id == reply


def test_a_data_dir_indexed_before_reply_context_is_indexed_again_when_opened(data_dir):
    with MemoryStore.open(data_dir, passphrase=PASSPHRASE) as store:
        question, reply = _camping_chat(store)
        fact = store.add("semantic", {"name": "Trips", "summary": "Bob goes camping with his kids every June"})
        db = store._db
        db.execute("DROP TABLE search_vocab")  # as the previous version left it: one column, and no context
        db.execute("DROP TABLE search_fts")
        db.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(body, context, content='', contentless_delete=1, "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        db.execute("CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'col')")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm060_reply_context'")
        assert _text_hits(store, "camping") == []  # the full text is empty now

    with MemoryStore.open(data_dir, passphrase=PASSPHRASE) as store:
        assert _text_hits(store, "camping") == [question, reply]
        assert [hit.item_id for hit in store.index.search("June", 5)] == [fact]  # memories are indexed again too
