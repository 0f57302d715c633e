"""The chat graph: cited answers resolving to imported message ids, streaming, threads, vault secrecy, offline."""

from __future__ import annotations

import re

from fake_llm import ANSWER, META, QUERY, ScriptedChatModel, agent, call, json_reply, route
from langchain_core.messages import AIMessage

from mirix_app.factories import make_chat, make_memorizer
from mirix_app.settings import Settings
from stores.chat_threads import ChatThreads
from stores.observations import NewObservation

SECRET = "Zebra-Quartz-9177"


def import_chat(store):
    lines = [
        ("m1", "2024-03-01T10:00:00", "Ann", "I moved to Lisbon last month and started a job at Acme"),
        ("m2", "2024-03-01T10:01:00", "Bob", "Congrats! How is the new flat in Alfama?"),
        ("m3", "2024-03-05T19:00:00", "Ann", "Booked the pottery class for Saturday at Clay Studio"),
    ]
    news = [NewObservation("chat", mid, t, text, speaker=who, session="s1") for mid, t, who, text in lines]
    store.observations.add_many(news)
    make_memorizer(store, Settings()).run(until_empty=True)  # offline: episodic segments with provenance


def answer_citing(word):
    """A model reply citing the numbered memory or message whose text contains ``word``."""

    def reply(messages):
        system = messages[0].content
        lines = re.finditer(r"^\[(\d+)\] \((?:episodic|observation)(.*)$", system, re.M)
        n = next(m.group(1) for m in lines if word in m.group(2))
        return AIMessage(content=f"Ann lives in Lisbon [{n}].", usage_metadata=None)

    return reply


def test_answers_cite_memories_that_resolve_to_the_imported_message_ids(store):
    import_chat(store)
    model = ScriptedChatModel(
        scripts={
            QUERY: [call("analyse_query", topics=["Ann", "Lisbon", "live"])],
            ANSWER: [answer_citing("Lisbon")],
        }
    )
    tokens = []
    answer = make_chat(store, Settings(), model).ask("Where does Ann live now?", on_token=tokens.append)

    assert answer.mode == "llm" and answer.text.startswith("Ann lives in Lisbon [")
    assert "".join(tokens) == answer.text, "the answer streamed token by token to the callback"
    [citation] = answer.citations
    assert "m1" in citation["sources"]  # the message itself, or the episode made from it (search picks the closer)
    if citation["type"] == "observation":
        assert store.get("observation", citation["id"])["source_id"] == "m1"
    else:
        memory = store.get(citation["type"], citation["id"])
        assert [o["source_id"] for o in store.observations.get_many(memory["sources"])] == citation["sources"]


def test_threads_persist_and_the_question_is_kept_as_an_observation(store, data_dir):
    import_chat(store)
    chat = make_chat(store, Settings())
    first = chat.ask("pottery class")
    second = chat.ask("and where is Clay Studio?", thread_id=first.thread_id)
    assert second.thread_id == first.thread_id
    messages = ChatThreads(store._db).messages(first.thread_id)
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]
    assert messages[1]["citations"] and messages[1]["citations"][0]["sources"]
    turns = [o for o in store.observations.pending(10) if o["kind"] == "chat_turn"]
    assert [t["text"] for t in turns] == ["pottery class", "and where is Clay Studio?"]
    assert turns[0]["session"] == first.thread_id


def test_offline_answers_are_the_ranked_memories_with_the_same_citations(store):
    import_chat(store)
    answer = make_chat(store, Settings()).ask("pottery class", remember=False)
    assert answer.mode == "offline"
    assert answer.citations and answer.citations[0]["sources"] == ["m3"]
    assert "[1]" in answer.text and "pottery" in answer.text.lower()


def test_a_time_only_question_lists_what_happened_in_that_range(store):
    import_chat(store)
    answer = make_chat(store, Settings()).ask("What did I do on March 5, 2024?", remember=False)
    assert answer.analysis["since"].startswith("2024-03-05")
    assert {s for c in answer.citations for s in c["sources"]} == {"m3"}


def test_a_high_sensitivity_vault_value_never_reaches_any_prompt(store):
    store.add(
        "knowledge_vault",
        {"caption": "Gym locker code", "secret_value": SECRET, "sensitivity": "high", "entry_type": "code"},
    )
    store.observations.add(
        NewObservation("chat", "v1", "2024-03-06T08:00:00", f"my gym locker code is {SECRET}", "Ann")
    )
    model = ScriptedChatModel(
        scripts={
            META: [route(("episodic", "log it"))],
            agent("episodic"): [call("insert_episode", summary="Ann mentioned her gym locker code")],
            QUERY: [call("analyse_query", topics=["gym locker code"])],
        },
        default=AIMessage(content="It is in your vault [1]."),
    )
    make_memorizer(store, Settings(), model).run(until_empty=True)
    answer = make_chat(store, Settings(), model).ask("what is my gym locker code?")

    assert len(model.prompts) >= 4, "memorize and chat both called the model"
    assert not model.saw(SECRET)
    assert model.saw("Gym locker code")
    assert SECRET not in answer.text
    episodes = store.memories.list_recent("episodic")
    assert "Ann mentioned her gym locker code" in [e["summary"] for e in episodes]
    assert not any(SECRET in e["summary"] + (e.get("details") or "") for e in episodes), "the quoted line is redacted"


def test_medium_vault_values_reach_the_prompt_only_when_allowed(store):
    store.add(
        "knowledge_vault",
        {"caption": "Ann's phone number", "secret_value": "+351 912 000 111", "sensitivity": "medium"},
    )
    for allowed in (False, True):
        settings = Settings()
        settings.llm.allow_medium_vault_in_prompts = allowed
        model = ScriptedChatModel(default=AIMessage(content="see [1]"))
        make_chat(store, settings, model).ask("Ann's phone number", remember=False)
        assert model.saw("+351 912 000 111") is allowed


def local_settings():
    settings = Settings()
    settings.llm.provider, settings.llm.base_url, settings.llm.model = "openai_compatible", "http://127.0.0.1:9/v1", "m"
    return settings


def test_a_local_model_answers_in_constrained_json_with_a_lead_answer_and_valid_citations(store):
    import_chat(store)

    def reply(messages):
        system = messages[0].content
        n = next(m.group(1) for m in re.finditer(r"^\[(\d+)\] \((.*)$", system, re.M) if "Lisbon" in m.group(2))
        return json_reply({"answer": "Lisbon.", "cited": [int(n), 99]})  # 99 is not a listed memory

    model = ScriptedChatModel(scripts={ANSWER: [reply]})
    answer = make_chat(store, local_settings(), model).ask("Where does Ann live now?", remember=False)
    assert answer.mode == "llm" and answer.text.startswith("Lisbon. [")
    assert QUERY not in model.keys_called, "a local model skips the extra query-analysis call"
    assert [c["n"] for c in answer.citations] != [] and all(c["n"] != 99 for c in answer.citations)
    assert "m1" in answer.citations[0]["sources"]
    assert model.call_kwargs[-1]["response_format"]["type"] == "json_schema"


def test_a_model_time_range_is_ignored_when_the_question_names_no_time(store):
    import_chat(store)
    model = ScriptedChatModel(
        scripts={
            QUERY: [call("analyse_query", topics=["pottery"], since="2026-11-28T00:00", until="2026-11-29T00:00")],
            ANSWER: [AIMessage(content="At Clay Studio [1].")],
        }
    )
    answer = make_chat(store, Settings(), model).ask("Where is the pottery class?", remember=False)
    assert answer.analysis["since"] is None and answer.analysis["until"] is None
    assert answer.citations and answer.citations[0]["sources"] == ["m3"]


def test_earlier_questions_to_the_assistant_are_never_cited_as_answers(store):
    import_chat(store)
    chat = make_chat(store, Settings())
    for _ in range(3):
        chat.ask("where is the pottery class at Clay Studio?")  # each question is kept as an observation
    store.sync_vectors()
    answer = chat.ask("where is the pottery class at Clay Studio?", remember=False)
    cited = [s for c in answer.citations for s in c["sources"]]
    assert "m3" in cited and not [s for s in cited if s.startswith("chat-turn:")]


def test_offline_answers_lead_with_the_best_sentence_and_when_it_was_seen(store):
    import_chat(store)
    answer = make_chat(store, Settings()).ask("which pottery class did Ann book?", remember=False)
    lead = answer.text.splitlines()[0]
    assert "pottery class" in lead.lower() and "2024" in lead and "[" in lead
    assert "— Ann, " in lead, "where it was said (the speaker), then when"
    assert "Sources:" in answer.text and "raw observation" not in answer.text


def test_what_the_user_says_is_memorized_as_theirs_and_the_answers_never_are(store):
    import_chat(store)
    chat = make_chat(store, Settings())
    first = chat.ask("I prefer window seats and I am allergic to peanuts")
    chat.ask("where is Clay Studio?", thread_id=first.thread_id)
    make_memorizer(store, Settings()).run(until_empty=True)
    observed = [o["text"] for o in store.recent_observations(50)]
    assert not any(first.text.strip() and first.text.strip()[:40] in text for text in observed)  # no answer fed back
    episodes = [m["summary"] for m in store.memories.list_recent("episodic", 50)]
    told = [s for s in episodes if "peanuts" in s]
    assert told and told[0].startswith("You told the assistant: I prefer window seats")
    assert not any(first.thread_id in s or re.search(r"[0-9a-f]{16,}", s) for s in episodes)
