"""The offline memorizer and the memorize/ask CLI without an LLM: segments, resources, provenance, citations."""

from __future__ import annotations

import json

import pytest
from helpers import PASSPHRASE, chat, write_jsonl

from agents.memorizer import MemorizeReport
from agents.query_analysis import analyse_offline
from mirix_app.cli.main import EXIT_OK, main
from mirix_app.factories import make_memorizer
from mirix_app.settings import Settings
from stores.observations import NewObservation


def frame(source_id, time, app, title, text):
    return NewObservation("frame", source_id, time, text=text, app=app, title=title)


def test_frames_become_episodic_segments_and_resources_with_provenance(store):
    ids, _ = store.observations.add_many(
        [
            frame(
                "f1",
                "2024-03-01T09:00:00",
                "Firefox",
                "Flight deals",
                "Menu\nLisbon to Berlin 89 EUR\nhttps://fly.example/deal/42",
            ),
            frame("f2", "2024-03-01T09:00:05", "Firefox", "Flight deals", "Menu\nReturn on 12 March"),
            frame(
                "f3", "2024-03-01T09:05:00", "Code", "budget.py - project", "def total(): /home/ann/project/budget.py"
            ),
        ]
    )
    report = make_memorizer(store, Settings()).run(until_empty=True)

    assert report.written == {"episodic": 2, "resource": 3} and store.observations.counts()["pending"] == 0
    episodes = sorted(store.memories.list_recent("episodic"), key=lambda r: r["occurred_at"])
    assert episodes[0]["summary"].startswith("Firefox — Flight deals")
    assert episodes[0]["app"] == "Firefox" and episodes[0]["sources"] == ids[:2]
    assert episodes[0]["ended_at"].startswith("2024-03-01T09:00:05")
    assert episodes[1]["sources"] == [ids[2]]
    resources = {r["uri"] or r["title"]: r for r in store.memories.list_recent("resource")}
    assert resources["https://fly.example/deal/42"]["sources"] == [ids[0]]
    assert resources["/home/ann/project/budget.py"]["resource_type"] == "file"
    assert resources["budget.py"]["resource_type"] == "document"
    assert "Menu" not in json.dumps(episodes[0]["summary"])


def test_two_windows_used_in_turn_each_become_one_episode_not_one_per_switch(store):
    windows = [("Slack", "#design"), ("Code", "budget.py")]
    switches = [frame(f"f{i}", f"2024-03-01T09:{i:02d}:00", *windows[i % 2], f"t{i}") for i in range(8)]
    store.observations.add_many(switches)

    report = make_memorizer(store, Settings()).run(until_empty=True)

    assert report.written["episodic"] == 2
    assert sorted(len(e["sources"]) for e in store.memories.list_recent("episodic")) == [4, 4]


def _memorize_frames_minute_by_minute(store, minutes, app="Code", title="budget.py"):
    memorizer = make_memorizer(store, Settings())
    for m in minutes:  # the app memorizes what is due about once a minute
        store.observations.add_many([frame(f"f{m}", f"2024-03-01T09:{m:02d}:00", app, title, f"line {m}")])
        memorizer.run(until_empty=True)


def test_a_report_counts_an_episode_extended_by_several_batches_once(store):
    memorizer = make_memorizer(store, Settings())
    report = MemorizeReport("offline")
    for m in range(3):  # one run whose batches each end where the next begins (as with more than 200 pending)
        store.observations.add_many([frame(f"f{m}", f"2024-03-01T09:{m:02d}:00", "Code", "notes", f"x{m}")])
        report.add(memorizer.step(offline=True))
    assert report.batches == 3 and report.written == {"episodic": 1}
    assert "3 observation(s) in 3 batch(es) (offline): 1 episodic;" in report.summary()


def test_a_window_used_for_minutes_is_one_episode_not_one_per_memorize_run(store):
    _memorize_frames_minute_by_minute(store, range(5))

    [episode] = store.memories.list_recent("episodic")
    assert len(episode["sources"]) == 5, "each run extended the episode the last run left open"
    assert episode["occurred_at"].startswith("2024-03-01T09:00") and episode["ended_at"].startswith("2024-03-01T09:04")
    assert "line 4" in episode["summary"] + episode["details"]
    assert len(store.history("episodic", episode["id"])) == 4, "each extension is a version the user can go back to"


def test_a_full_episode_or_a_long_pause_starts_a_new_one(store):
    _memorize_frames_minute_by_minute(store, [*range(10), 50])  # 8 fill one; 2 more; 40 minutes later a new one

    sizes = sorted(len(e["sources"]) for e in store.memories.list_recent("episodic"))
    assert sizes == [1, 2, 8]


def test_forgetting_the_last_minutes_of_a_run_deletes_the_episode_that_quotes_them(store):
    memorizer = make_memorizer(store, Settings())
    for m in range(6):
        text = f"Draft {m} of the quarterly plan" if m < 4 else f"Bank PIN reminder 40{m}7 for the joint account"
        store.observations.add_many([frame(f"f{m}", f"2024-03-01T09:{m:02d}:00", "Notes", "todo", text)])
        memorizer.run(until_empty=True)
    [episode] = store.memories.list_recent("episodic")
    assert "Bank PIN reminder" in episode["summary"] + episode["details"]

    report = store.forget_range("2024-03-01T09:04:00", "2024-03-01T09:10:00")

    assert report.memories_deleted == {"episodic": 1} and not report.memories_trimmed
    assert store.memories.list_recent("episodic") == []
    assert not store._db.execute("SELECT count(*) FROM memory_history").fetchone()[0], "no old version keeps it"
    assert not store.search("Bank PIN reminder joint account"), "nothing shows what was forgotten"
    assert store.search("quarterly plan draft"), "the frames before the range are still found"


def test_an_episode_the_user_edited_is_not_extended(store):
    _memorize_frames_minute_by_minute(store, [0])
    [edited] = store.memories.list_recent("episodic")
    store.update("episodic", edited["id"], {"summary": "Budget review with Ann"})

    _memorize_frames_minute_by_minute(store, [1])

    episodes = {e["id"]: e for e in store.memories.list_recent("episodic")}
    assert len(episodes) == 2 and episodes[edited["id"]]["summary"] == "Budget review with Ann"
    assert len(episodes[edited["id"]]["sources"]) == 1


def test_chat_sessions_split_into_segments_and_a_known_resource_gains_sources(store):
    store.observations.add_many(
        [
            NewObservation(
                "chat", f"a{i}", f"2024-03-01T10:0{i}:00", f"line {i} https://x.example/doc", "Ann", session="s1"
            )
            for i in range(3)
        ]
        + [NewObservation("chat", "b1", "2024-03-02T10:00:00", "see https://x.example/doc again", "Bob", session="s2")]
    )
    make_memorizer(store, Settings()).run(until_empty=True)
    episodes = store.memories.list_recent("episodic")
    assert sorted(len(e["sources"]) for e in episodes) == [1, 3]
    [resource] = store.memories.list_recent("resource")
    assert len(resource["sources"]) == 4


def test_offline_memories_never_contain_secrets(store):
    store.observations.add(
        NewObservation("chat", "s1", "2024-03-01T10:00:00", "token: ghp_abcdefghijklmnopqrstuvwxyz0123456789", "Ann")
    )
    make_memorizer(store, Settings()).run()
    [episode] = store.memories.list_recent("episodic")
    assert "ghp_" not in json.dumps(episode)


@pytest.mark.parametrize(
    ("question", "since", "until"),
    [
        ("what did I do yesterday?", "2024-03-13T00:00", "2024-03-14T00:00"),
        ("what did I read last Tuesday afternoon?", "2024-03-12T12:00", "2024-03-12T18:00"),
        ("who did I meet in March?", "2024-03-01T00:00", "2024-03-14T15:00"),
        ("what did I buy in December?", "2023-12-01T00:00", "2024-01-01T00:00"),
        ("what may I have missed?", None, None),
    ],
)
def test_offline_query_analysis_finds_time_ranges(question, since, until):
    from datetime import datetime

    analysis = analyse_offline(question, now=datetime(2024, 3, 14, 15, 0).astimezone())
    assert (analysis.since or "")[:16] == (since or "") and (analysis.until or "")[:16] == (until or "")


def test_memorize_and_ask_from_the_cli_without_an_llm(data_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MIRIX_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("MIRIX_EMBEDDER", "hashing")
    path = write_jsonl(
        tmp_path / "c.jsonl",
        [
            chat("m1", "Our team offsite is in Sintra on 4 April", session="s1"),
            chat("m2", "Bring hiking boots", session="s1"),
        ],
    )
    cli = ["--data-dir", str(data_dir)]
    assert main([*cli, "import-chat", str(path)]) == EXIT_OK
    capsys.readouterr()
    assert main([*cli, "memorize", "--until-empty"]) == EXIT_OK
    out = capsys.readouterr()
    assert "no LLM configured" in out.err and "batch 1: done 2" in out.err
    assert "memorized 2 observation(s)" in out.out and "1 episodic" in out.out

    assert main([*cli, "ask", "offsite Sintra", "--json"]) == EXIT_OK
    answer = json.loads(capsys.readouterr().out)
    assert answer["mode"] == "offline" and "m1" in answer["citations"][0]["sources"]
    cited = {s for c in answer["citations"] for s in c["sources"]}
    assert {"m1", "m2"} <= cited  # the episode, or the message with its neighbour as context
    assert main([*cli, "ask", "offsite Sintra", "--thread", answer["thread_id"]]) == EXIT_OK
    printed = capsys.readouterr().out
    assert "citations:" in printed and "m1" in printed and "m2" in printed
