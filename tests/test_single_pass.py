"""Memorize with a local model (scripted): single pass by default, agents on request, one commit for both."""

from __future__ import annotations

import json

from fake_llm import META, SINGLE_PASS, ScriptedChatModel, agent, json_reply
from langchain_core.messages import AIMessage

from mirix_app.factories import make_memorizer
from mirix_app.settings import Settings
from stores.observations import NewObservation


def add_chat(store, *messages):
    news = [
        NewObservation(kind="chat", source_id=mid, time=f"2024-03-01T10:0{i}:00", text=text, speaker=who, session="s1")
        for i, (mid, who, text) in enumerate(messages)
    ]
    return store.observations.add_many(news)[0]


def local_settings(**llm):
    settings = Settings()
    settings.llm.provider, settings.llm.base_url, settings.llm.model = "openai_compatible", "http://127.0.0.1:9/v1", "m"
    for key, value in llm.items():
        setattr(settings.llm, key, value)
    return settings


CHAT = (
    ("m1", "Ann", "I just moved to Lisbon and start as a designer at Acme next week"),
    ("m2", "Bob", "Congrats! Read 'Shape Up' before you start, it is how Acme plans work"),
    ("m3", "Ann", "To reset the office VPN: open Settings, pick Network, press Reset"),
)
EXTRACTION = {
    "episodic": [{"summary": "Ann told Bob she moved to Lisbon for a job at Acme", "sources": ["o1", "o2"]}],
    "semantic": [{"name": "Ann", "summary": "Ann lives in Lisbon and works at Acme as a designer", "sources": ["o1"]}],
    "core": [],
    "procedural": [{"summary": "Reset the office VPN", "steps": ["Open Settings", "Pick Network", "Press Reset"]}],
    "resource": [{"title": "Shape Up", "resource_type": "document", "sources": ["o2"]}],
    "knowledge_vault": [],
}


def test_a_local_model_memorizes_in_one_constrained_call_per_batch_with_provenance(store):
    ids = add_chat(store, *CHAT)
    model = ScriptedChatModel(scripts={SINGLE_PASS: [json_reply(EXTRACTION)]})
    report = make_memorizer(store, local_settings(), model).run(until_empty=True)

    assert report.done == 3 and report.failed == 0
    assert report.written == {"episodic": 1, "semantic": 1, "procedural": 1, "resource": 1}
    assert model.keys_called == [SINGLE_PASS], "one model call for the whole batch"
    schema = model.call_kwargs[0]["response_format"]["json_schema"]["schema"]
    assert schema["$defs"]["Episode"]["properties"]["sources"]["items"]["enum"] == ["o1", "o2", "o3"]
    fact = store.memories.list_recent("semantic")[0]
    assert fact["sources"] == [ids[0]]
    procedure = store.memories.list_recent("procedural")[0]
    assert procedure["steps"] == ["Open Settings", "Pick Network", "Press Reset"]
    assert procedure["sources"] == ids, "no sources given: the whole batch is the source"
    assert store.search("Lisbon Acme designer", types=["semantic"])[0].sources == ["m1"]
    assert store.observations.counts() == {"pending": 0, "done": 3, "parked": 0}


def test_single_pass_corrects_a_listed_fact_by_superseding_it(store):
    add_chat(store, ("m1", "Ann", "I live in Porto"))
    first = {**{k: [] for k in EXTRACTION}, "episodic": [{"summary": "Ann said she lives in Porto"}]}
    first["semantic"] = [{"name": "Ann", "summary": "Ann lives in Porto"}]
    model = ScriptedChatModel(scripts={SINGLE_PASS: [json_reply(first)]})
    make_memorizer(store, local_settings(), model).run(until_empty=True)

    add_chat(store, ("m2", "Ann", "Update: I moved from Porto to Lisbon"))

    def correct(messages):
        listed = messages[-1].content
        ref = next(line[1:3] for line in listed.splitlines() if "semantic" in line and "Porto" in line)
        second = {**{k: [] for k in EXTRACTION}, "episodic": [{"summary": "Ann moved to Lisbon"}]}
        second["semantic"] = [{"name": "Ann", "summary": "Ann lives in Lisbon", "replaces": ref}]
        return json_reply(second)

    model = ScriptedChatModel(scripts={SINGLE_PASS: [correct]})
    make_memorizer(store, local_settings(), model).run(until_empty=True)
    facts = {f["summary"]: f for f in store.memories.list_recent("semantic")}
    assert facts["Ann lives in Porto"]["valid_to"], "the old fact is kept with an end date"
    assert not facts["Ann lives in Lisbon"].get("valid_to")


def test_invalid_items_are_dropped_and_the_rest_is_stored(store):
    add_chat(store, ("m1", "Ann", "Booking code for the Lisbon flat is QX7-22"))
    reply = {**{k: [] for k in EXTRACTION}, "episodic": [{"summary": "Ann shared the flat booking code"}]}
    reply["procedural"] = [{"summary": "", "steps": []}]  # refused by the procedure tool: no summary, no steps
    reply["knowledge_vault"] = [{"caption": "Lisbon flat booking code", "secret_value": "QX7-22"}]
    model = ScriptedChatModel(scripts={SINGLE_PASS: [json_reply(reply)]})
    report = make_memorizer(store, local_settings(), model).run(until_empty=True)
    assert report.written == {"episodic": 1, "knowledge_vault": 1} and report.done == 1


def test_prose_instead_of_json_leaves_the_batch_pending_then_parked_never_lost(store):
    add_chat(store, ("m1", "Ann", "Lunch with Bob at noon"))
    model = ScriptedChatModel(default=AIMessage(content="Ann has lunch with Bob. Nothing else to note."))
    settings = local_settings()
    memorizer = make_memorizer(store, settings, model)
    report = memorizer.run()
    assert report.failed == 1 and store.observations.counts()["done"] == 0
    pending = store.observations.get_many([o["id"] for o in store.observations.pending(10, now=1e12)])
    assert pending and "holds no JSON object" in pending[0]["last_error"]


EPISODE = {"summary": "Ann told Bob she moved to Lisbon", "sources": ["o1"]}


def test_agents_mode_with_a_local_model_routes_and_acts_through_constrained_json(store):
    ids = add_chat(store, *CHAT[:1])
    actions = {
        "actions": [
            {"tool": "insert_fact", "args": {"name": "Ann", "summary": "Ann lives in Lisbon", "sources": ["o1"]}}
        ]
    }
    model = ScriptedChatModel(
        scripts={
            META: [json_reply({"routes": [{"agent": "semantic", "instruction": "where Ann lives"}]})],
            agent("semantic"): [json_reply(actions)],
            agent("episodic"): [json_reply({"actions": [{"tool": "insert_episode", "args": EPISODE}]})],
        }
    )
    report = make_memorizer(store, local_settings(memorize_mode="agents"), model).run(until_empty=True)
    # routed to semantic only; a small model under-routes, so the episodic agent sees every batch too
    assert report.written == {"semantic": 1, "episodic": 1} and report.done == 1
    assert store.memories.list_recent("semantic")[0]["sources"] == ids
    action_schema = model.call_kwargs[1]["response_format"]["json_schema"]["schema"]
    tools = {v["properties"]["tool"]["enum"][0] for v in action_schema["properties"]["actions"]["items"]["anyOf"]}
    assert "insert_fact" in tools and "search_memories" not in tools


FACT = {"name": "Ann", "summary": "Ann lives in Lisbon"}


def test_a_cloud_agent_that_stores_nothing_is_reminded_once(store):
    add_chat(store, *CHAT[:1])
    model = ScriptedChatModel(
        scripts={
            META: [
                AIMessage(
                    content="",
                    tool_calls=[
                        {
                            "name": "route_to_memory_agents",
                            "args": {"routes": [{"agent": "semantic", "instruction": "where Ann lives"}]},
                            "id": "r",
                        }
                    ],
                )
            ],
            agent("semantic"): [
                AIMessage(content="nothing to store"),
                AIMessage(content=json.dumps({"name": "insert_fact", "arguments": FACT})),
                AIMessage(content="stored one fact"),
            ],
        }
    )
    settings = Settings()
    report = make_memorizer(store, settings, model).run(until_empty=True)
    assert report.written == {"semantic": 1}
    assert any("You stored nothing" in p for p in model.prompts)


def _offered(model):
    return set(model.call_kwargs[0]["response_format"]["json_schema"]["schema"]["properties"])


def test_a_small_model_is_offered_only_the_rare_kinds_the_batch_shows_signs_of(store):
    add_chat(store, ("t1", "Ann", "Hey! How was your weekend?"), ("t2", "Bob", "Great, we went swimming with the kids"))
    reply = {"episodic": [{"summary": "Bob went swimming with his kids", "sources": ["o2"]}]}
    small_talk = ScriptedChatModel(scripts={SINGLE_PASS: [json_reply(reply)]})
    make_memorizer(store, local_settings(), small_talk).run(until_empty=True)
    assert _offered(small_talk) >= {"episodic", "semantic", "core"}
    assert not _offered(small_talk) & {"procedural", "resource", "knowledge_vault"}, "nothing there to invent"

    add_chat(store, *CHAT)  # a how-to and a book title, no exact value
    rich = ScriptedChatModel(scripts={SINGLE_PASS: [json_reply(EXTRACTION)]})
    make_memorizer(store, local_settings(), rich).run(until_empty=True)
    assert {"procedural", "resource"} <= _offered(rich) and "knowledge_vault" not in _offered(rich)


def test_a_summary_cut_by_the_length_limit_is_stored_as_whole_sentences(store):
    add_chat(store, ("m1", "Ann", "I moved to Lisbon last week and started at Acme on Monday"))
    said = "Ann moved to Lisbon last week. She started at Acme as a designer on Monday and says the team " * 3
    reply = {"episodic": [{"summary": said[:160], "sources": ["o1"]}]}
    model = ScriptedChatModel(scripts={SINGLE_PASS: [json_reply(reply)]})
    make_memorizer(store, local_settings(), model).run(until_empty=True)
    [stored] = [e["summary"] for e in store.memories.list_recent("episodic") if "says the team" in e["summary"]]
    assert stored.endswith("says the team Ann moved to Lisbon last week."), "ends at its last full sentence"


def test_lines_with_the_same_time_and_place_say_them_once(store):
    news = [
        NewObservation(kind="chat", source_id=f"m{i}", time="2024-03-01T10:00:00", text=t, speaker=w, session="s1")
        for i, (w, t) in enumerate([("Ann", "I moved to Lisbon"), ("Bob", "Congrats!")])
    ]
    store.observations.add_many(news)
    model = ScriptedChatModel(scripts={SINGLE_PASS: [json_reply({"episodic": [{"summary": "Ann moved to Lisbon"}]})]})
    make_memorizer(store, local_settings(), model).run(until_empty=True)
    shown = model.prompts[0]
    assert "[o1] 2024-03-01 10:00 | chat" in shown and "[o2] Bob: Congrats!" in shown


def test_a_local_server_is_asked_to_penalise_repeated_phrases_and_a_cloud_api_is_not():
    from mirix_app.factories import make_chat_model

    assert make_chat_model(local_settings()).extra_body == {"dry_multiplier": 0.8}
    cloud = local_settings(base_url="https://api.example.com/v1")
    assert make_chat_model(cloud).extra_body is None
