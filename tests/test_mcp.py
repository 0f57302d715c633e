"""``mirix-app mcp`` as other assistants see it: a subprocess driven by the MCP SDK's own client over stdio."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from mcp_helpers import HIGH_CAPTION, HIGH_SECRET, LOW_SECRET, MARKER, mcp_session, seed_memory
from proc_helpers import cli_env, run

from stores.owner_lock import read_owner

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Unix sockets and flock")
READ_TOOLS = {"search_memory", "ask_memory", "recent_activity", "get_memory"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    return seed_memory(tmp_path_factory.mktemp("mcp-seed"))


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    return cli_env(runtime, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")


@pytest.fixture
def memory(seeded, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A private copy of the seeded memory for one test."""
    source, ids = seeded
    return shutil.copytree(source, tmp_path / "data"), ids


def _stderr(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_tools_search_ask_get_recent_and_core_over_stdio(memory, env, tmp_path: Path) -> None:
    data_dir, ids = memory
    errlog = tmp_path / "mcp.err"
    with mcp_session(data_dir, env, errlog=errlog) as mcp:
        assert mcp.init.server_info.name == "mirix-app"
        tools = {t.name: t for t in mcp.tools()}
        assert set(tools) == READ_TOOLS  # read-only: no remember
        for tool in tools.values():
            assert len(tool.description) > 80 and tool.annotations.read_only_hint
        schema = tools["search_memory"].input_schema["properties"]
        assert set(schema) == {"query", "types", "since", "until", "app", "k"}

        found = mcp.ok("search_memory", query=MARKER, k=3)["hits"]
        assert found[0]["source_ids"] == ["msg-1"] and MARKER in found[0]["text"]
        assert found[0]["type"] == "observation" and found[0]["time"].startswith("2024-03-01T10:00")
        only_chat = mcp.ok("search_memory", query="meeting room", types=["observation"], until="2024-03-01T23:00")
        assert only_chat["hits"][0]["source_ids"] == ["msg-2"]
        assert all(h["time"] < "2024-03-02" for h in only_chat["hits"])

        answer = mcp.ok("ask_memory", question=f"When does the {MARKER} launch happen?")
        assert answer["mode"] == "offline" and "Thursday" in answer["answer"]
        cited = [c for c in answer["citations"] if "msg-1" in c["source_ids"]]
        assert cited and f"[{cited[0]['n']}]" in answer["answer"]

        by_source = mcp.ok("get_memory", id="msg-1")
        assert by_source["type"] == "observation" and by_source["record"]["source_id"] == "msg-1"
        assert {"type": "episodic", "id": ids["episode"]} in by_source["memories"]
        episode = mcp.ok("get_memory", id=ids["episode"])
        assert episode["record"]["app"] == "slack" and episode["sources"][0]["source_id"] == "msg-1"
        assert "Nothing in the memory has the id" in mcp.error("get_memory", id="no-such-id")

        recent = mcp.ok("recent_activity")
        assert [e["id"] for e in recent["episodes"]] == [ids["episode"]]
        assert recent["episodes"][0]["source_ids"] == ["msg-1"] and "1 episode" in recent["summary"]
        assert mcp.ok("recent_activity", since="2024-03-02", limit=5)["apps"]  # the imported messages

        core = json.loads(mcp.read("mirix://core"))
        assert core["blocks"][0]["label"] == "human"
        assert mcp.read("mirix://core/human") == "Ann likes early mornings and green tea"

        refused = mcp.error("remember", text="Ann's favourite colour is teal")
        assert "read-only" in refused and "--allow-write" in refused

        at_once: list[list[str]] = []  # an assistant may send several calls without waiting

        def search() -> None:
            at_once.append(mcp.ok("search_memory", query=MARKER)["hits"][0]["source_ids"])

        threads = [threading.Thread(target=search) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert at_once == [["msg-1"]] * 4
        # read-only: nothing was written (the questions were not kept, no note was remembered)
        seen = mcp.ok("recent_activity", since="2024-01-01")["apps"]
        assert sum(a["observations"] for a in seen) == 4
    assert "Traceback" not in _stderr(errlog)


def test_remember_with_allow_write_is_an_observation_from_the_client(memory, env, tmp_path: Path) -> None:
    data_dir, _ = memory
    with mcp_session(data_dir, env, "--allow-write", client="Claude Desktop", errlog=tmp_path / "e.log") as mcp:
        assert "remember" in {t.name for t in mcp.tools()}
        kept = mcp.ok("remember", text="Ann's favourite colour is teal")
        assert kept["source"] == "mcp:claude-desktop" and kept["source_id"].startswith("mcp:claude-desktop:")
        hits = mcp.ok("search_memory", query="favourite colour teal", k=3)["hits"]
        assert hits[0]["source_ids"] == [kept["source_id"]] and hits[0]["app"] == "mcp:claude-desktop"
    memorized = run(data_dir, env, "memorize", "--offline", "--until-empty")  # like any other observation
    assert memorized.returncode == 0, memorized.stderr
    assert "memorized 5 observation(s)" in memorized.stdout and memorized.stdout.rstrip().endswith("; 0 pending")


def test_a_vault_secret_never_appears_in_any_tool_result(memory, env, tmp_path: Path) -> None:
    data_dir, ids = memory
    results: list[str] = []
    with mcp_session(data_dir, env, "--allow-write", errlog=tmp_path / "e.log") as mcp:
        for query in ("guest wifi", LOW_SECRET, "zebrafish bank login", HIGH_SECRET, "password"):
            results.append(json.dumps(mcp.ok("search_memory", query=query, k=20)))
        vault_hits = mcp.ok("search_memory", query="guest wifi password", types=["knowledge_vault"])["hits"]
        results.append(json.dumps(vault_hits))
        for question in ("What is the guest wifi password?", "What is the zebrafish bank login?"):
            results.append(json.dumps(mcp.ok("ask_memory", question=question)))
        low = mcp.ok("get_memory", id=ids["low"])
        results.append(json.dumps(low))
        results.append(json.dumps(mcp.ok("get_memory", id="msg-3")))
        unlisted = mcp.error("get_memory", id=ids["high"])  # as if it did not exist
        results.append(json.dumps(mcp.ok("recent_activity", since="2024-01-01")))
        results.append(mcp.read("mirix://core"))
        results.append(json.dumps(mcp.ok("remember", text="note to self: check the guest wifi")))
    everything = "\n".join(results)
    assert LOW_SECRET not in everything and HIGH_SECRET not in everything
    assert ids["high"] not in everything and HIGH_CAPTION not in everything  # the high entry is not listed at all
    assert "secret_value" not in everything and "••" not in everything  # not even a mask or its length
    assert [h["id"] for h in vault_hits] == [ids["low"]]  # a low-sensitivity entry is listed, without its value
    assert low["record"]["caption"] == "guest wifi password"
    assert "[withheld secret]" in everything  # the message that said the value verbatim, scrubbed
    assert "Nothing in the memory has the id" in unlisted and HIGH_SECRET not in unlisted


def test_a_locked_memory_gives_every_tool_one_clear_error(memory, tmp_path: Path) -> None:
    data_dir, ids = memory
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = cli_env(runtime, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    env.pop("MIRIX_PASSPHRASE")
    errlog = tmp_path / "mcp.err"
    with mcp_session(data_dir, env, errlog=errlog) as mcp:
        assert {t.name for t in mcp.tools()} == READ_TOOLS  # the server starts and lists its tools
        messages = [
            mcp.error("search_memory", query=MARKER),
            mcp.error("ask_memory", question="what happened?"),
            mcp.error("recent_activity"),
            mcp.error("get_memory", id=ids["episode"]),
        ]
        with pytest.raises(Exception, match="locked"):
            mcp.read("mirix://core")
    for message in messages:
        assert "memory is locked" in message
        assert "MIRIX_PASSPHRASE" in message and "desktop app" in message
        assert "Traceback" not in message
    assert "Traceback" not in _stderr(errlog) and "Passphrase" not in _stderr(errlog)
    assert read_owner(data_dir) is None  # it gave the lock back


def test_a_cli_command_gets_the_memory_from_a_running_mcp_server(memory, env, tmp_path: Path) -> None:
    data_dir, _ = memory
    with mcp_session(data_dir, env, errlog=tmp_path / "e.log") as mcp:
        assert mcp.ok("search_memory", query=MARKER)["hits"]  # the server owns the memory now
        owner = read_owner(data_dir)
        assert owner is not None and "mirix-app mcp" in owner.describe()
        done = run(data_dir, env, "search", MARKER, "--json", timeout=120)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["hits"][0]["sources"] == ["msg-1"]
        assert "mirix-app mcp (pid" in done.stderr  # it said whom it waited for
        assert mcp.ok("search_memory", query=MARKER)["hits"][0]["source_ids"] == ["msg-1"]  # and took it back


def test_two_mcp_servers_share_one_memory(memory, env, tmp_path: Path) -> None:
    data_dir, _ = memory
    with mcp_session(data_dir, env, errlog=tmp_path / "a.log") as first:
        assert first.ok("search_memory", query=MARKER)["hits"]
        env2 = {k: v for k, v in env.items() if k != "MIRIX_PASSPHRASE"}  # a client of the first: no key needed
        with mcp_session(data_dir, env2, errlog=tmp_path / "b.log") as second:
            hits = second.ok("search_memory", query=MARKER)["hits"]
            assert hits[0]["source_ids"] == ["msg-1"]
        assert first.ok("get_memory", id="msg-2")["record"]["speaker"] == "Bob"
