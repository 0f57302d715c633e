"""Drive ``mirix-app mcp`` as a subprocess with the official MCP SDK's client over stdio, from synchronous tests."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from anyio.from_thread import BlockingPortal, start_blocking_portal
from helpers import PASSPHRASE, chat, write_jsonl
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp_types import CallToolResult, Implementation
from proc_helpers import ROOT

from mirix_app.importers.chat_import import ChatImport
from mirix_app.importers.chat_jsonl import read_chat_jsonl
from stores.embedders import HashingEmbedder
from stores.memory_store import MemoryStore

MARKER = "quokkaberry"  # a word found in one imported message and nowhere else
LOW_SECRET = "lemonade-orbit-4242"  # a low-sensitivity vault value, also said verbatim in a chat message
HIGH_SECRET = "Tr0ub4dor-zebrafish-77"  # a high-sensitivity vault value
HIGH_CAPTION = "bank login for the zebrafish account"


class McpClient:
    """A connected, initialized MCP client session, called synchronously through a blocking portal."""

    def __init__(self, portal: BlockingPortal, session: ClientSession, init: Any) -> None:
        self.portal = portal
        self.session = session
        self.init = init

    def tools(self) -> list[Any]:
        return self.portal.call(self.session.list_tools).tools

    def call(self, name: str, **args: Any) -> CallToolResult:
        return self.portal.call(self.session.call_tool, name, args)

    def ok(self, name: str, **args: Any) -> dict[str, Any]:
        """The structured result of a tool that must succeed (its text content is the same JSON)."""
        result = self.call(name, **args)
        assert not result.is_error, (name, args, result.content)
        assert json.loads(result.content[0].text) == result.structured_content
        return result.structured_content

    def error(self, name: str, **args: Any) -> str:
        """The message of a tool call that must fail."""
        result = self.call(name, **args)
        assert result.is_error, (name, args, result.structured_content)
        return result.content[0].text

    def read(self, uri: str) -> str:
        return self.portal.call(self.session.read_resource, uri).contents[0].text


@contextlib.contextmanager
def mcp_session(
    data_dir: Path, env: dict[str, str], *args: str, client: str = "Pytest Client", errlog: Path | None = None
) -> Iterator[McpClient]:
    """``mirix-app --data-dir DATA mcp ARGS`` started by the SDK's stdio client; stderr goes to ``errlog``."""
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "mirix_app.cli", "--data-dir", str(data_dir), "mcp", *args],
        env=env,
        cwd=str(ROOT),
    )
    with contextlib.ExitStack() as stack:
        err = stack.enter_context(open(errlog or data_dir.parent / "mcp-stderr.log", "a", encoding="utf-8"))  # noqa: SIM115
        portal = stack.enter_context(start_blocking_portal())
        read, write = stack.enter_context(portal.wrap_async_context_manager(stdio_client(params, errlog=err)))
        session = ClientSession(read, write, client_info=Implementation(name=client, version="1.0"))
        stack.enter_context(portal.wrap_async_context_manager(session))
        init = portal.call(session.initialize)
        yield McpClient(portal, session, init)


def seed_memory(root: Path) -> tuple[Path, dict[str, str]]:
    """A passphrase-protected data dir with imported messages, a core block, an episode and two vault entries.

    One message holds MARKER, one says LOW_SECRET; the episode is of the last hour; the vault entries are of low and
    high sensitivity.
    """
    from datetime import UTC, datetime, timedelta

    data_dir = root / "mcp-data"
    messages = write_jsonl(
        root / "chat.jsonl",
        [
            chat("msg-1", f"The {MARKER} launch moves to Thursday, Ann decided", "2024-03-01T10:00:00"),
            chat("msg-2", "Bob will book the big meeting room for the review", "2024-03-01T10:05:00", "Bob"),
            chat("msg-3", f"The guest wifi today is {LOW_SECRET}, Ann said", "2024-03-01T10:10:00", "Bob"),
            chat("msg-4", "Lunch at the noodle place on Friday", "2024-03-02T12:00:00", "Ann"),
        ],
    )
    store = MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder(), prefer_passphrase=True)
    try:
        report = ChatImport(messages)
        for item in read_chat_jsonl(messages):
            if report.take(item):
                report.flush(store)
        report.flush(store)
        first = store.observation_id_for_source("msg-1")
        now = datetime.now(UTC)
        ids = {
            "core": store.add("core", {"label": "human", "value": "Ann likes early mornings and green tea"}),
            "episode": store.add(
                "episodic",
                {
                    "occurred_at": (now - timedelta(minutes=50)).isoformat(),
                    "ended_at": (now - timedelta(minutes=20)).isoformat(),
                    "summary": "Planned the quokkaberry launch in the team chat",
                    "app": "slack",
                },
                sources=[first],
            ),
            "low": store.add(
                "knowledge_vault",
                {"caption": "guest wifi password", "secret_value": LOW_SECRET, "sensitivity": "low"},
            ),
            "high": store.add(
                "knowledge_vault",
                {"caption": HIGH_CAPTION, "secret_value": HIGH_SECRET, "sensitivity": "high"},
            ),
            "first_observation": first,
        }
        store.sync_vectors()
    finally:
        store.close()
    return data_dir, ids
