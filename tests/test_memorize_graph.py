"""The memorize graph with a scripted model: routing, parallel agents, provenance, repair, parking, budget."""

from __future__ import annotations

import threading
import time

import pytest
from fake_llm import META, ScriptedChatModel, agent, call, route
from langchain_core.messages import AIMessage

from mirix_app.factories import make_memorizer
from mirix_app.settings import Settings
from stores.observations import NewObservation


def add_chat(store, *messages, session="s1"):
    news = [
        NewObservation(
            kind="chat", source_id=mid, time=f"2024-03-01T10:0{i}:00", text=text, speaker=speaker, session=session
        )
        for i, (mid, speaker, text) in enumerate(messages)
    ]
    ids, _ = store.observations.add_many(news)
    return ids


def memorizer(store, model, **llm):
    settings = Settings()
    for key, value in llm.items():
        setattr(settings.llm, key, value)
    return make_memorizer(store, settings, model)


def test_meta_agent_routes_to_two_agents_that_run_in_parallel_and_write_with_provenance(store):
    ids = add_chat(
        store,
        ("m1", "Ann", "I moved to Lisbon last month, I work at Acme as a designer"),
        ("m2", "Bob", "Cool! Did you see the slides at https://acme.example/q3-plan ?"),
    )
    both_started = threading.Barrier(2, timeout=20)

    def wait_for_the_other(key):
        if key in (agent("semantic"), agent("resource")):
            both_started.wait()  # raises BrokenBarrierError unless both agents are inside the model at once

    model = ScriptedChatModel(
        scripts={
            META: [route(("semantic", "store where Ann lives and works"), ("resource", "store the slides link"))],
            agent("semantic"): [
                call(
                    "insert_fact",
                    name="Ann",
                    summary="Ann lives in Lisbon and works at Acme as a designer",
                    sources=["o1"],
                ),
                AIMessage(content="stored one fact"),
            ],
            agent("resource"): [
                call(
                    "insert_resource",
                    title="Q3 plan slides",
                    resource_type="url",
                    uri="https://acme.example/q3-plan",
                    sources=["o2"],
                ),
                AIMessage(content="stored one resource"),
            ],
        },
        before_call=wait_for_the_other,
    )
    report = memorizer(store, model).run(until_empty=True)

    assert report.done == 2 and report.written == {"semantic": 1, "resource": 1}
    fact = store.memories.list_recent("semantic")[0]
    assert "Lisbon" in fact["summary"] and fact["sources"] == [ids[0]]
    resource = store.memories.list_recent("resource")[0]
    assert resource["uri"] == "https://acme.example/q3-plan" and resource["sources"] == [ids[1]]
    assert store.observations.counts() == {"pending": 0, "done": 2, "parked": 0}
    assert store.search("Lisbon designer", types=["semantic"])[0].sources == ["m1"]
    assert not model.saw(agent("episodic")), "agents the meta-agent did not choose never run"


def test_an_invalid_tool_call_is_sent_back_with_the_error_and_the_repaired_call_is_stored(store):
    add_chat(store, ("m1", "Ann", "We had the kickoff meeting for project Atlas"))
    model = ScriptedChatModel(
        scripts={
            META: [AIMessage(content="I think episodic"), route(("episodic", "log the meeting"))],
            agent("episodic"): [
                call("insert_episode", details="kickoff", occurred_at="yesterday-ish"),
                call(
                    "insert_episode",
                    "c2",
                    summary="Ann had the Atlas kickoff meeting",
                    occurred_at="2024-03-01T10:00:00",
                ),
            ],
        }
    )
    report = memorizer(store, model).run()

    assert report.done == 1
    summaries = {e["summary"] for e in store.memories.list_recent("episodic")}
    assert summaries == {
        "Ann had the Atlas kickoff meeting",  # the repaired call; the invalid one stored nothing
        "Conversation with Ann (s1): Ann: We had the kickoff meeting for project Atlas",  # the line as read
    }
    assert model.saw("holds no JSON object"), "the prose routing reply went back with the reason"
    assert model.saw("summary: Field required")


def test_a_model_that_always_returns_garbage_leaves_the_batch_pending_then_parked(store):
    ids = add_chat(store, ("m1", "Ann", "Buy oat milk"), ("m2", "Ann", "and call the dentist"))
    model = ScriptedChatModel(default=AIMessage(content="<<<garbage>>> {not json"))
    mem = memorizer(store, model)
    mem.step(offline=False)
    first = store.observations.get(ids[0])
    assert first["status"] == "pending" and first["attempts"] == 1 and "still invalid" in first["last_error"]

    for _ in range(2):
        store._db.execute("UPDATE observation SET next_attempt_at = NULL")  # skip the backoff wait
        mem.step(offline=False)
    assert store.observations.counts() == {"pending": 0, "done": 0, "parked": 2}
    assert [o["text"] for o in store.observations.get_many(ids)] == ["Buy oat milk", "and call the dentist"]
    assert all(store.memories.count(t) == 0 for t in ("episodic", "semantic", "core"))
    assert store.observations.requeue_parked() == 2


def test_the_token_budget_stops_calls_and_the_batch_waits_untouched(store):
    add_chat(store, ("m1", "Ann", "My sister Eva turns 30 on June 2"))
    usage = {"input_tokens": 900, "output_tokens": 200, "total_tokens": 1100}
    model = ScriptedChatModel(
        scripts={META: [AIMessage(content="", usage_metadata=usage, tool_calls=route(("semantic", "x")).tool_calls)]}
    )
    report = memorizer(store, model, tokens_per_hour=1000).run(until_empty=True)

    assert len(model.prompts) == 1, "after the meta-agent spent the budget no further call was made"
    assert "token budget exhausted" in report.waiting and "1,100 of 1,000" in report.waiting
    assert store.observations.counts()["pending"] == 1
    assert store.observations.pending(10)[0]["attempts"] == 0


def test_budget_exhausted_can_fall_back_to_the_offline_memorizer(store):
    add_chat(store, ("m1", "Ann", "My sister Eva turns 30 on June 2"))
    model = ScriptedChatModel()
    report = memorizer(store, model, tokens_per_hour=1, when_budget_exhausted="offline")
    store._db["llm_usage"].insert(
        {"at": time.time(), "purpose": "x", "input_tokens": 5, "output_tokens": 0, "estimated": 0}
    )
    result = report.run(until_empty=True)
    assert model.prompts == []
    assert result.done == 1 and result.written == {"episodic": 1}


def test_a_contradicting_fact_supersedes_the_old_one_and_keeps_history(store):
    old_id = store.add(
        "semantic", {"name": "Ann", "summary": "Ann lives in Porto", "valid_from": "2023-01-01T00:00:00"}
    )
    ids = add_chat(store, ("m1", "Ann", "Big news: I moved from Porto to Lisbon"))
    model = ScriptedChatModel(
        scripts={
            META: [route(("semantic", "Ann moved"))],
            agent("semantic"): [call("update_fact", memory_id=old_id, summary="Ann lives in Lisbon", sources=["o1"])],
        }
    )
    memorizer(store, model).run()

    old = store.get("semantic", old_id)
    assert old["summary"] == "Ann lives in Porto" and old["valid_to"].startswith("2024-03-01T10:00")
    assert [h["record"]["valid_to"] for h in store.history("semantic", old_id)] == [None]
    current = [m for m in store.memories.list_recent("semantic") if not m["valid_to"]]
    assert [(m["summary"], m["sources"]) for m in current] == [("Ann lives in Lisbon", ids)]
    assert model.saw("Ann lives in Porto"), "the agent was shown the related existing fact"


def test_secrets_reach_the_vault_without_ever_reaching_the_model(store):
    key = "sk-live9f8e7d6c5b4a3210zyxw"
    add_chat(store, ("m1", "Ann", f"here is the staging api key: {key} keep it safe"))
    model = ScriptedChatModel(
        scripts={
            META: [route(("knowledge_vault", "keep the API key"))],
            agent("knowledge_vault"): [
                lambda msgs: call(
                    "insert_vault_entry", caption="Staging API key Ann shared", secret_value="[SECRET_1: api_key]"
                )
            ],
        }
    )
    memorizer(store, model).run()

    [entry] = store.memories.list_recent("knowledge_vault")
    assert store.reveal(entry["id"]) == key
    assert model.prompts and not model.saw(key)
    assert model.saw("[SECRET_1: api_key]")


def test_a_provider_outage_leaves_the_inbox_intact(store):
    add_chat(store, ("m1", "Ann", "Lunch with Bob at noon"))

    def down(messages):
        raise ConnectionError("connection refused")

    report = memorizer(store, ScriptedChatModel(default=down)).run(until_empty=True)
    assert "connection refused" in report.waiting
    pending = store.observations.pending(10)
    assert len(pending) == 1 and pending[0]["attempts"] == 0


def test_batches_with_nothing_new_are_skipped_without_a_model_call(store):
    add_chat(store, ("m1", "Ann", "ok"))
    store.observations.mark_done([store.observations.pending(1)[0]["id"]])
    add_chat(store, ("m2", "Ann", "ok"), session="s2")
    model = ScriptedChatModel()
    report = memorizer(store, model).run()
    assert report.skipped == 1 and model.prompts == []
    assert store.observations.counts()["pending"] == 0
    assert store.memories.list_recent("episodic") == [], "a line already seen is not quoted again"


def test_lines_the_model_did_not_extract_from_are_still_quoted_in_an_episode(store):
    ids = add_chat(
        store,
        ("m1", "Ann", "I moved to Lisbon last month"),
        ("m2", "Bob", "Nice. Remember the dentist on Thursday at 9"),
        ("m3", "Ann", "Will do, and the plumber comes Friday"),
    )
    model = ScriptedChatModel(
        scripts={
            META: [route(("semantic", "where Ann lives"))],
            agent("semantic"): [
                call("insert_fact", name="Ann", summary="Ann lives in Lisbon", sources=["o1"]),
                AIMessage(content="stored one fact"),
            ],
        }
    )
    report = memorizer(store, model).run(until_empty=True)

    assert report.written == {"semantic": 1}, "the report counts what the model wrote"
    assert "(and 1 episode(s) quoting what was read)" in report.summary()
    [episode] = store.memories.list_recent("episodic")
    assert sorted(episode["sources"]) == sorted(ids), "the dentist and plumber lines the model skipped are kept"
    assert "dentist" in episode["summary"] + episode["details"]
    assert store.search("dentist Thursday", types=["episodic"])[0].id == episode["id"]


@pytest.mark.parametrize("batch_size", [2])
def test_until_empty_processes_every_batch(store, batch_size):
    add_chat(store, *[(f"m{i}", "Ann", f"note number {i} about topic {i * 7}") for i in range(5)])
    model = ScriptedChatModel(
        scripts={
            META: [route(("episodic", "log the notes"))] * 3,
            agent("episodic"): [call("insert_episode", summary="notes taken"), AIMessage(content="done")] * 3,
        }
    )
    settings = Settings(memorize_batch_size=batch_size)
    progress = []
    report = make_memorizer(store, settings, model).run(until_empty=True, progress=progress.append)
    assert report.batches == 3 and report.done == 5 and len(progress) == 3
    assert report.written == {"episodic": 3}
    assert store.observations.counts()["done"] == 5
    sizes = sorted(len(e["sources"]) for e in store.memories.list_recent("episodic"))
    assert sizes == [1, 2, 2, 5], "the model's three, and one quoting all five lines, extended batch by batch"
