"""End to end against a real OpenAI-compatible server (llama.cpp server, Ollama, LM Studio, vLLM); marked `llm`.

CI starts a small local model with scripts/local_llm.py and runs these; by hand:

    python3 scripts/local_llm.py start && eval "$(python3 scripts/local_llm.py env)" && ./test.sh -m llm

They check the protocol, not the model's wisdom: every batch commits (none failed or parked), several memory
types are written, every memory has sources (each weighed for search by how much it says the memory), and an
answer cites an imported message.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from helpers import PASSPHRASE, chat, write_jsonl

from mirix_app.cli.main import main
from mirix_app.settings import load_settings, save_settings
from stores.embedders import HashingEmbedder
from stores.memory_store import MemoryStore

pytestmark = pytest.mark.llm

LINES = [
    ("Ann", "Hi Bob! Big news: I just moved to Lisbon last weekend."),
    ("Bob", "Wow, congrats Ann! What took you to Lisbon?"),
    ("Ann", "I start a new job as a product designer at Acme on Monday."),
    ("Bob", "Acme, the robotics company? That's great."),
    ("Ann", "Yes. My manager will be Carla Mendes, she leads the design team."),
    ("Bob", "Do you have a flat already?"),
    ("Ann", "I rent a small flat in Alfama. The booking code for the first month was LX-4471."),
    ("Bob", "Nice. I'm still in Berlin, working on the payments team at Finly."),
    ("Ann", "How is Finly going?"),
    ("Bob", "Busy. We ship the new checkout on June 3rd."),
    ("Ann", "Good luck with the launch!"),
    ("Bob", "Thanks. By the way, have you read the book 'Shape Up' by Ryan Singer?"),
    ("Ann", "Not yet, is it good?"),
    ("Bob", "Very. It explains six-week cycles for product work. Here's the link: https://basecamp.com/shapeup"),
    ("Ann", "I'll read it on the train."),
    ("Bob", "How do you deploy the design system at Acme?"),
    ("Ann", "Step one: run npm run build. Step two: run npm test. Step three: publish with npm publish."),
    ("Bob", "Simple enough."),
    ("Ann", "I also started learning Portuguese, two lessons a week with a tutor named Rui."),
    ("Bob", "Fala português já?"),
    ("Ann", "Um pouco! Only a little so far."),
    ("Bob", "My sister Lena is visiting Lisbon in July, maybe you could meet."),
    ("Ann", "Sure, I'd love to meet Lena. Send me her number."),
    ("Bob", "Her number is +49 151 2345 6789."),
    ("Ann", "Thanks, saved it."),
    ("Bob", "Do you still play the cello?"),
    ("Ann", "Yes, I joined an amateur orchestra here; rehearsals are on Thursdays."),
    ("Bob", "That's lovely. Let's call again next Sunday?"),
    ("Ann", "Deal, Sunday at 6 pm Lisbon time."),
    ("Bob", "Talk then. Bye!"),
]


@pytest.fixture
def llm_data_dir(data_dir, monkeypatch):
    base_url = os.environ.get("MIRIX_TEST_LLM_BASE_URL")
    if not base_url:
        pytest.fail("set MIRIX_TEST_LLM_BASE_URL (and MIRIX_TEST_LLM_MODEL) to an OpenAI-compatible endpoint")
    monkeypatch.setenv("MIRIX_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("MIRIX_EMBEDDER", "hashing")
    data_dir.mkdir(parents=True, mode=0o700)
    settings = load_settings(data_dir)
    settings.llm.provider = "openai_compatible"
    settings.llm.base_url = base_url
    settings.llm.model = os.environ.get("MIRIX_TEST_LLM_MODEL", "local-model")
    save_settings(data_dir, settings)
    return data_dir


def _set_mode(data_dir, mode):
    settings = load_settings(data_dir)
    settings.llm.memorize_mode = mode
    settings.memorize_batch_size = 15
    save_settings(data_dir, settings)


def _every_memory(data_dir):
    kinds = ("core", "episodic", "semantic", "procedural", "resource", "knowledge_vault")
    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder()) as store:
        return [{**m, "type": kind} for kind in kinds for m in store.memories.list_recent(kind, 1000)]


def _observation_ids(data_dir):
    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder()) as store:
        return {row[0] for row in store._db.execute("SELECT id FROM observation").fetchall()}


def _searchable_links_without_agreement(data_dir):
    with MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder()) as store:
        return store._db.execute(
            "SELECT p.memory_type, p.memory_id FROM provenance p JOIN search_doc d "
            "ON d.kind = p.memory_type AND d.item_id = p.memory_id WHERE p.agreement IS NULL"
        ).fetchall()


@pytest.mark.parametrize("mode", ["single_pass", "agents"])
def test_a_real_model_memorizes_a_chat_in_both_modes_and_answers_with_a_citation(mode, llm_data_dir, tmp_path, capsys):
    rows = [
        chat(f"msg{i:02d}", text, speaker=who, session="s1", time=f"2024-05-04T18:{i:02d}:00")
        for i, (who, text) in enumerate(LINES)
    ]
    path = write_jsonl(tmp_path / "chat.jsonl", rows)
    cli = ["--data-dir", str(llm_data_dir)]
    _set_mode(llm_data_dir, mode)
    assert main([*cli, "import-chat", str(path)]) == 0
    capsys.readouterr()

    code = main([*cli, "memorize", "--until-empty", "--llm"])
    summary = capsys.readouterr().out
    assert code == 0, summary
    assert "(llm)" in summary and "0 failed (0 need attention)" in summary and "; 0 pending" in summary, summary

    memories = _every_memory(llm_data_dir)
    by_model = summary.split(" (and ")[0].split("(llm):")[-1]  # the quoting episodes are listed apart
    kinds = set(re.findall(r"\d+ (core|episodic|semantic|procedural|resource|knowledge_vault)", by_model))
    assert len(kinds) >= 3, f"{mode}: the model wrote only {kinds}: {summary}"
    assert all(m.get("sources") for m in memories), "every memory has sources"
    quoted = {s for m in memories if m["type"] == "episodic" for s in m["sources"]}
    assert quoted >= _observation_ids(llm_data_dir), "every line the model read is in an episode, whatever it kept"
    unmeasured = _searchable_links_without_agreement(llm_data_dir)
    assert unmeasured == [], "search weighs each searchable memory's sources by how much they say it"

    assert main([*cli, "ask", "Where did Ann move to?", "--json", "--no-remember"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["mode"] == "llm" and answer["text"].strip(" []0123456789"), answer
    assert answer["citations"], f"the answer cites what it used: {answer['text']}"
    cited_sources = {s for c in answer["citations"] for s in c["sources"]}
    assert cited_sources & {r["id"] for r in rows}, answer
