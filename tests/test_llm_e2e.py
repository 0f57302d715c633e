"""End to end against a real OpenAI-compatible server (Ollama, llama.cpp server, vLLM); deselected by default.

Run: MIRIX_TEST_LLM_BASE_URL=http://localhost:11434/v1 MIRIX_TEST_LLM_MODEL=qwen2.5:7b-instruct \
     .venv/bin/python -m pytest -m llm tests/test_llm_e2e.py
"""

from __future__ import annotations

import json
import os

import pytest
from helpers import PASSPHRASE, chat, write_jsonl

from mirix_app.cli import main
from mirix_app.settings import load_settings, save_settings

pytestmark = pytest.mark.llm


@pytest.fixture
def llm_data_dir(data_dir, monkeypatch):
    base_url = os.environ.get("MIRIX_TEST_LLM_BASE_URL")
    if not base_url:
        pytest.skip("set MIRIX_TEST_LLM_BASE_URL (and MIRIX_TEST_LLM_MODEL) to an OpenAI-compatible endpoint")
    monkeypatch.setenv("MIRIX_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("MIRIX_EMBEDDER", "hashing")
    data_dir.mkdir(parents=True, mode=0o700)
    settings = load_settings(data_dir)
    settings.llm.provider = "openai_compatible"
    settings.llm.base_url = base_url
    settings.llm.model = os.environ.get("MIRIX_TEST_LLM_MODEL", "local-model")
    save_settings(data_dir, settings)
    return data_dir


def test_memorize_and_ask_with_a_real_model(llm_data_dir, tmp_path, capsys):
    path = write_jsonl(
        tmp_path / "chat.jsonl",
        [
            chat(
                "m1",
                "I just moved to Lisbon and I'm starting as a designer at Acme next week",
                speaker="Ann",
                session="s1",
            ),
            chat("m2", "Congrats Ann! Lisbon is lovely.", speaker="Bob", session="s1", time="2024-03-01T10:01:00"),
        ],
    )
    cli = ["--data-dir", str(llm_data_dir)]
    assert main([*cli, "import-chat", str(path)]) == 0
    main([*cli, "memorize", "--until-empty", "--llm"])
    summary = capsys.readouterr().out
    assert "(llm)" in summary
    main([*cli, "stats", "--json"])
    stats = json.loads(capsys.readouterr().out)
    assert stats["observations"]["done"] + stats["observations"]["pending"] == 2, "no observation was lost"
    assert sum(stats["memories"].values()) >= 1, summary

    assert main([*cli, "ask", "Which city does Ann live in?", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["mode"] == "llm"
    assert "lisbon" in answer["text"].lower()
    assert answer["citations"], "the answer cites the memories it used"
    assert {s for c in answer["citations"] for s in c["sources"]} & {"m1", "m2"}
