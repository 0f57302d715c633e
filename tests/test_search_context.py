"""Search that scores turns: time spans in the query, thread neighbours, named speakers, memories folded into turns."""

from __future__ import annotations

from datetime import UTC, datetime

from stores.observations import NewObservation
from stores.query_time import query_span, time_spans


def _chat(store, rows):
    store.observations.add_many(
        NewObservation("chat", sid, when, text, speaker=speaker, session=session)
        for sid, when, speaker, text, session in rows
    )
    store.sync_vectors()


def test_time_spans_resolve_against_the_reference_time():
    now = datetime(2023, 5, 8, 13, 0, tzinfo=UTC)
    (phrase, (start, end)), *_ = time_spans("what did we do last Tuesday?", now)
    assert phrase == "last Tuesday"
    assert datetime.fromtimestamp(start, UTC).date().isoformat() == "2023-05-02"
    assert query_span("in May 2023") == (datetime(2023, 5, 1, tzinfo=UTC).timestamp(), query_span("May 2023")[1])
    assert query_span("when did Caroline go to the support group?") is None


def test_a_time_qualified_query_ranks_the_right_month_first(store):
    _chat(
        store,
        [
            ("m3", "2023-03-14T10:00:00", "Ann", "The team offsite was in the mountains", "s3"),
            ("m5", "2023-05-16T10:00:00", "Ann", "The team offsite was in the mountains", "s5"),
            ("m7", "2023-07-18T10:00:00", "Ann", "The team offsite was in the mountains", "s7"),
        ],
    )
    assert store.search("team offsite in May 2023", k=3)[0].sources == ["m5"]
    assert store.search("team offsite in March 2023", k=3)[0].sources == ["m3"]


def test_a_date_spoken_inside_a_message_counts_for_time_queries(store):
    _chat(
        store,
        [
            ("told", "2023-06-02T10:00:00", "Ann", "Last month the book club read Dune", "a"),
            ("newer", "2023-08-01T10:00:00", "Ann", "The book club read Dune", "c"),
        ],
    )
    assert store.search("book club Dune in May 2023", k=2)[0].sources == ["told"]


def test_a_turn_next_to_a_match_comes_with_it_as_context(store):
    _chat(
        store,
        [
            ("q", "2023-05-08T13:00:00", "Bob", "Where did you go camping last week?", "s1"),
            ("a", "2023-05-08T13:00:01", "Ann", "Up in the Dolomites, near Cortina", "s1"),
            ("x", "2023-05-09T09:00:00", "Ann", "My cat knocked over a plant", "s2"),
        ],
    )
    sources = [h.sources[0] for h in store.search("camping trip", k=3)]
    assert sources[:2] == ["q", "a"]


def test_a_query_naming_one_speaker_prefers_that_speakers_turns(store):
    _chat(
        store,
        [
            ("bob", "2023-05-08T13:00:00", "Bob", "I love hiking in the hills", "s1"),
            ("ann", "2023-05-10T13:00:00", "Ann", "I told Bob I love hiking in the hills", "s2"),
        ],
    )
    assert store.search("what does Bob love hiking", k=2)[0].sources == ["bob"]


def test_a_memory_no_better_than_its_own_turn_is_shown_by_the_turn(store):
    rows = [(f"t{i}", f"2023-05-08T13:00:0{i}", "Ann", f"filler line number {i} about nothing", "s1") for i in range(6)]
    rows[3] = ("t3", "2023-05-08T13:00:03", "Ann", "Our wifi password is taped under the kettle", "s1")
    _chat(store, rows)
    ids = [store.observations.by_source_id(r[0])["id"] for r in rows]
    episode = store.add(
        "episodic",
        {"summary": "Conversation", "details": "\n".join(r[3] for r in rows), "occurred_at": rows[0][1]},
        sources=ids,
    )
    hits = store.search("wifi password kettle", k=10)
    assert hits[0].sources == ["t3"]
    assert episode not in [h.id for h in hits]


def test_frames_of_the_same_app_close_in_time_come_together(store):
    store.observations.add_many(
        [
            NewObservation(
                "frame", "a/1.png", "2024-05-13T09:00:00", "Order A-4471 placed: 1 x standing desk", app="mail"
            ),
            NewObservation("frame", "a/2.png", "2024-05-13T09:02:00", "Shipping update: expected Thursday", app="mail"),
            NewObservation("frame", "a/3.png", "2024-05-13T09:03:00", "Weather: light wind, sunrise 05:41", app="web"),
        ]
    )
    store.sync_vectors()
    assert [h.sources[0] for h in store.search("standing desk delivery", k=2)] == ["a/1.png", "a/2.png"]


def test_words_found_in_most_items_are_left_out_of_the_full_text_query(store):
    rows = [NewObservation("chat", f"m{i}", "2024-01-01T10:00:00", f"weekly status update {i}") for i in range(2100)]
    rows.append(NewObservation("chat", "rare", "2024-01-01T10:00:00", "status of the zeppelin hangar"))
    store.observations.add_many(rows)
    assert store.index.informative_query("status zeppelin") == '"zeppelin"'
    assert store.index.informative_query("status") == '"status"'  # a query of only common words keeps one


def test_past_the_scoring_budget_the_commonest_words_are_left_out_and_the_rare_match_is_still_found(store, monkeypatch):
    import stores.search_index as search_index

    monkeypatch.setattr(search_index, "COMMON_MIN_DOCS", 10)
    monkeypatch.setattr(search_index, "POSTINGS_BUDGET", 25)  # documents one query may score
    monkeypatch.setattr(search_index, "COMMON_SHARE", 0.9)  # only the budget decides here
    rows = [NewObservation("chat", f"g{i}", "2024-01-01T10:00:00", f"garden party planning {i}") for i in range(20)]
    rows += [NewObservation("chat", f"p{i}", "2024-01-01T10:00:00", f"party playlist idea {i}") for i in range(10)]
    rows.append(NewObservation("chat", "rare", "2024-01-01T10:00:00", "the garden party needs a zeppelin piñata"))
    store.observations.add_many(rows)
    # zeppelin (1 item) + playlists (10) fit in the budget; gardens (21) would not; running words stem as indexed
    assert store.index.informative_query("zeppelin playlists gardens") == '"zeppelin" OR "playlists"'
    assert store.search("zeppelin playlists gardens", k=1)[0].sources == ["rare"]


def test_when_the_evidence_is_equal_the_item_holding_the_querys_own_words_comes_first(store):
    rows = [
        NewObservation("chat", f"big-{n}", "2024-03-01T10:00:00", f"big message number {n} about topic{n % 17}")
        for n in range(1500)
    ]  # one time for all: recency cannot tell them apart, and the hashed vectors are noise for "1499"
    store.observations.add_many(rows)
    store.sync_vectors()
    assert store.search("big message number 1499", k=3)[0].sources == ["big-1499"]
