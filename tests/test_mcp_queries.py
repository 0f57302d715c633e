"""The owner's side of the MCP server: protocol v2 ``query``, the queries themselves, and what they withhold."""

from __future__ import annotations

import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mirix_app import owner_protocol
from mirix_app.engine import Engine
from mirix_app.factories import make_chat
from mirix_app.mcp.queries import QueryError, client_label, parse_when, run_query
from mirix_app.mcp.query_handler import QueryHandler, answer_query
from mirix_app.mcp.withhold import Withheld
from mirix_app.settings import Settings
from stores.observations import NewObservation

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Unix sockets")
SECRET = "lemonade-orbit-4242"


@pytest.fixture
def sock(tmp_path: Path) -> str:
    path = tmp_path / "run"
    path.mkdir(mode=0o700)
    return str(path / "owner.sock")


def _raw(path: str, message: dict) -> dict:
    """One request line exactly as given (no version added) and the final answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(10)
        conn.connect(path)
        conn.sendall((json.dumps(message) + "\n").encode())
        return json.loads(conn.makefile("rb").readline())


def test_query_is_a_version_2_op_and_older_ops_keep_version_1(sock: str) -> None:
    seen: list[dict] = []

    def handler(request: dict, send) -> dict:
        seen.append(request)
        return {"ok": True, "result": request["op"]}

    server = owner_protocol.OwnerServer(sock, handler)
    assert server.start()
    try:
        assert owner_protocol.request(sock, {"op": "run", "argv": ["stats"]})["result"] == "run"
        assert owner_protocol.request(sock, {"op": "query", "query": "search_memory"})["result"] == "query"
        assert [r["v"] for r in seen] == [1, 2]  # an older owner still serves run/hello/activate
        refused = _raw(sock, {"v": 1, "op": "query", "query": "search_memory"})
        assert not refused["ok"] and "needs protocol version 2" in refused["error"]
        future = _raw(sock, {"v": 3, "op": "query"})
        assert not future["ok"] and "protocol version 3 not supported" in future["error"]
        assert len(seen) == 2  # refused requests never reach the handler
    finally:
        server.close()
    assert not Path(sock).exists()


def _seed(store) -> dict[str, str]:
    ids = {}
    with store.transaction():
        ids["obs"], _ = store.observations.add(
            NewObservation("chat", "m-7", "2024-03-01T10:00:00", f"the guest wifi is {SECRET}", speaker="Bob")
        )
    ids["low"] = store.add("knowledge_vault", {"caption": "guest wifi", "secret_value": SECRET, "sensitivity": "low"})
    ids["high"] = store.add(
        "knowledge_vault", {"caption": "zebrafish bank", "secret_value": "Hx-zebra-991", "sensitivity": "high"}
    )
    ids["fact"] = store.add("semantic", {"name": "guest wifi", "summary": "rotates weekly"}, sources=[ids["obs"]])
    store.update("semantic", ids["fact"], {"summary": "rotates every Monday"})
    return ids


def test_queries_withhold_vault_values_and_unlist_high_entries(store, tmp_path: Path) -> None:
    ids = _seed(store)
    found = run_query(store, tmp_path, "search_memory", {"query": "guest wifi zebrafish bank", "k": 10})
    text = json.dumps(found)
    assert SECRET not in text and "Hx-zebra-991" not in text and ids["high"] not in text
    # the hits, their scores and the vector outbox in the message: this failed once in ~80 runs, cause not known
    waiting = store.vector_sync.pending()
    assert {h["id"] for h in found["hits"]} >= {ids["low"], ids["obs"], ids["fact"]}, (ids, found["hits"], waiting)
    assert "[withheld secret]" in text  # the message that said the value

    low = run_query(store, tmp_path, "get_memory", {"id": ids["low"]})
    assert "secret_value" not in low["record"] and low["record"]["caption"] == "guest wifi"
    with pytest.raises(QueryError, match="Nothing in the memory has the id"):
        run_query(store, tmp_path, "get_memory", {"id": ids["high"]})

    fact = run_query(store, tmp_path, "get_memory", {"id": ids["fact"]})
    assert [h["record"]["summary"] for h in fact["history"]] == ["rotates weekly"]
    assert fact["sources"][0]["source_id"] == "m-7" and SECRET not in json.dumps(fact)
    by_source = run_query(store, tmp_path, "get_memory", {"id": "m-7"})
    assert by_source["id"] == ids["obs"] and {"type": "semantic", "id": ids["fact"]} in by_source["memories"]


def test_ask_withholds_even_low_vault_values_that_the_app_itself_shows(store, tmp_path: Path) -> None:
    ids = _seed(store)
    settings = Settings(embedder="hashing")
    in_app = make_chat(store, settings).ask("what is the guest wifi?", keep_thread=False)
    assert SECRET in in_app.text  # the app's own chat shows a low-sensitivity value
    other = make_chat(store, settings, withhold_vault=True).ask("what is the guest wifi zebrafish bank?")
    assert SECRET not in other.text and "Hx-zebra-991" not in other.text
    assert ids["high"] not in [c["id"] for c in other.citations]
    answered = run_query(store, tmp_path, "ask_memory", {"question": "what is the guest wifi?"})
    assert answered["mode"] == "offline" and SECRET not in json.dumps(answered)


def test_read_only_queries_write_nothing(store, tmp_path: Path) -> None:
    _seed(store)
    before = store.stats()["observations"], store.chat_threads().list()
    run_query(store, tmp_path, "ask_memory", {"question": "what is the guest wifi?"})
    run_query(store, tmp_path, "search_memory", {"query": "wifi"})
    run_query(store, tmp_path, "recent_activity", {"since": "2024-01-01"})
    assert (store.stats()["observations"], store.chat_threads().list()) == before
    kept = run_query(store, tmp_path, "remember", {"text": "Ann likes teal"}, client="Claude Desktop")
    assert kept["source_id"].startswith("mcp:claude-desktop:")
    assert store.observations.by_source_id(kept["source_id"])["kind"] == "note"


def test_bad_arguments_are_clear_errors(store, tmp_path: Path) -> None:
    for name, args, message in [
        ("nope", {}, "Unknown query 'nope'"),
        ("search_memory", {"query": ""}, "'query' must be a non-empty string"),
        ("search_memory", {"query": "x", "k": 0}, "'k' must be a whole number from 1 to 50"),
        ("search_memory", {"query": "x", "since": "last blue moon"}, "'since' is not an ISO-8601"),
        ("search_memory", {"query": "x", "types": ["diary"]}, "'types' must be a list of"),
        ("core_memory", {"label": "persona"}, "No core memory block is labelled 'persona'"),
    ]:
        with pytest.raises(QueryError, match=message):
            run_query(store, tmp_path, name, args)


def test_the_owners_answer_when_locked_or_failing(store, tmp_path: Path) -> None:
    locked = answer_query(None, tmp_path, {"query": "search_memory", "args": {"query": "x"}})
    assert locked["locked"] and "unlock it in the mirix-app window" in locked["error"]
    refused = answer_query(store, tmp_path, {"query": "search_memory", "args": {"query": ""}})
    assert refused == {"ok": False, "error": "'query' must be a non-empty string.", "code": 3}
    engine = Engine()
    engine.start()
    try:
        handler = QueryHandler(engine, lambda: store, tmp_path)
        answer = handler({"op": "query", "query": "core_memory", "args": {}}, lambda _m: None)
        assert answer == {"ok": True, "result": {"blocks": []}}
        # a model query runs on the asking thread; its store calls are engine jobs
        on_engine: list[bool] = []
        spy = QueryHandler(engine, lambda: _Spy(store, engine, on_engine), tmp_path)
        asked = spy({"op": "query", "query": "ask_memory", "args": {"question": "any wifi?"}}, lambda _m: None)
        assert asked["ok"] and asked["result"]["mode"] == "offline"
        assert on_engine and all(on_engine)
        gone = QueryHandler(engine, lambda: None, tmp_path, closed=None)
        assert gone.answer({"query": "search_memory", "args": {"query": "x"}}) is None  # an MCP server: ask anew
        assert gone({"query": "search_memory", "args": {"query": "x"}}, lambda _m: None)["retry"]
    finally:
        engine.stop()


class _Spy:
    """A store that records whether each call runs on the engine thread."""

    def __init__(self, store, engine, seen: list[bool]) -> None:
        self._store, self._engine, self._seen = store, engine, seen

    def __getattr__(self, name: str):
        value = getattr(self._store, name)
        if not callable(value):
            return value

        def call(*args, **kwargs):
            self._seen.append(self._engine.on_thread())
            return value(*args, **kwargs)

        return call


def test_times_and_client_names() -> None:
    now = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
    assert parse_when("2h", "since", now) == "2024-03-10T10:00:00+00:00"
    assert parse_when("3 days ago", "since", now) == "2024-03-07T12:00:00+00:00"
    assert parse_when("2024-03-01", "since") == "2024-03-01T00:00:00+00:00"
    assert parse_when(None, "since") is None
    assert client_label("Claude Desktop") == "claude-desktop" and client_label(" ") == "unknown"
    assert client_label("evil:name/../x") == "evil-name-..-x"


def test_withheld_cleans_nested_results() -> None:
    withheld = Withheld([("v1", "high"), ("v2", "low")], ["open-sesame-1", "open-sesame-12"])
    cleaned = withheld.clean({"a": ["open-sesame-12 and sk-abcdefghijklmnopqrstuvwx"], "secret_value": "x"})
    assert cleaned == {"a": ["[withheld secret] and [REDACTED:api-key]"]}
    assert not withheld.listed("knowledge_vault", "v1") and withheld.listed("knowledge_vault", "v2")
    assert withheld.listed("semantic", "v1")
