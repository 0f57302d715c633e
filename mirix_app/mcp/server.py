"""``mirix-app mcp``: the memory for other assistants over the Model Context Protocol (stdio, read-only by default).

Built on the official SDK's ``MCPServer``. Tools: ``search_memory``, ``ask_memory``, ``recent_activity``,
``get_memory`` (and ``remember`` with ``--allow-write``); resources: the core memory blocks. Each tool is one
query answered by the data dir's owner (``access.MemoryAccess``). Standard output carries only the protocol;
logs go to standard error.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp_types import ToolAnnotations
from pydantic import Field

from mirix_app import __version__
from mirix_app.mcp.access import AccessError, MemoryAccess
from mirix_app.mcp.queries import MAX_K, MAX_LIMIT, client_label

log = logging.getLogger(__name__)

TypeName = Literal["core", "episodic", "semantic", "procedural", "resource", "knowledge_vault", "observation"]
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
WRITES = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
READ_ONLY_REFUSAL = (
    "remember is off: this mirix-app MCP server is read-only. To let assistants add to your memory, start it "
    "with `mirix-app mcp --allow-write`."
)

INSTRUCTIONS = """\
mirix-app is the user's own encrypted memory of what they saw on screen and said in chats, kept on their disk.
Use search_memory to find things (hits carry the original source ids: chat message ids, screen frames),
ask_memory for an answer with citations, recent_activity for what the user did in a time window, get_memory
for one item with its history and sources. Core memory (who the user is, their preferences) is in the
resources mirix://core and mirix://core/{label}. Secrets kept in the knowledge vault are never returned."""

SEARCH = """\
Search the user's memory (hybrid: keywords, meaning and recency) over six kinds of memory (core, episodic events,
semantic facts, procedural how-tos, resources, knowledge-vault captions) and the raw observations (chat messages,
screen text). Returns up to k hits, best first, each with type, id, text, time, app and source_ids (the original
chat message ids or screen frame ids it came from). Pass an id to get_memory for the full record."""
ASK = """\
Ask the user's memory a question in plain language. Returns an answer and the numbered citations it rests on
(type, id, time, text, source_ids). Uses the language model the user configured in mirix-app, or answers
offline (the best-matching sentence, then the ranked memories) when none is configured."""
RECENT = """\
Summarise what the user did in a time window (default: the last 24 hours): the episodes (activity segments with
start, end, app, summary and source_ids), oldest first, and how many observations each app contributed."""
GET = """\
One item of the memory by id: a memory (with all its fields, its version history and its source observations),
or an observation given by its id or by its source id (a chat message id or frame id) with the memories made
from it."""
REMEMBER = """\
Add a note to the user's memory. It is kept as an observation from this assistant (source mcp:<client name>)
and memorized by mirix-app like anything it sees or imports. Use it for facts the user asked you to remember."""

Query = Annotated[str, Field(description="what to look for: words, a phrase or a question")]
Types = Annotated[
    list[TypeName] | None, Field(description="only these kinds (default: all); observation = raw messages and screens")
]
When = Annotated[
    str | None, Field(description="ISO-8601 date or time (2024-03-01, 2024-03-01T14:30), or a span back: 2h, 3d, 1w")
]
App = Annotated[str | None, Field(description="only items seen in this app (e.g. firefox, code, slack)")]


class MemoryServer(MCPServer[Any]):
    """The SDK's MCPServer, with a clear refusal of ``remember`` when the server is read-only."""

    allow_write = False

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None) -> Any:
        if name == "remember" and not self.allow_write:
            raise ToolError(READ_ONLY_REFUSAL)
        return await super().call_tool(name, arguments, context)


def build_server(access: MemoryAccess, allow_write: bool = False) -> MCPServer[Any]:
    """The MCP server over ``access``; ``remember`` only when ``allow_write``."""
    server = MemoryServer(
        name="mirix-app",
        title="mirix-app memory",
        version=__version__,
        instructions=INSTRUCTIONS,
        log_level="WARNING",
    )
    server.allow_write = allow_write

    def ask(name: str, args: dict[str, Any], client: str = "", error: type[Exception] = ToolError) -> dict[str, Any]:
        try:
            return access.query(name, args, client)
        except AccessError as failure:
            raise error(str(failure)) from None

    @server.tool(description=SEARCH, annotations=READ_ONLY)
    def search_memory(
        query: Query,
        types: Types = None,
        since: When = None,
        until: When = None,
        app: App = None,
        k: Annotated[int, Field(ge=1, le=MAX_K, description="how many hits (default 10)")] = 10,
    ) -> dict[str, Any]:
        return ask(
            "search_memory", {"query": query, "types": types, "since": since, "until": until, "app": app, "k": k}
        )

    @server.tool(description=ASK, annotations=READ_ONLY)
    def ask_memory(
        question: Annotated[str, Field(description="the question, e.g. 'what did Ann say about the cutover?'")],
    ) -> dict[str, Any]:
        return ask("ask_memory", {"question": question})

    @server.tool(description=RECENT, annotations=READ_ONLY)
    def recent_activity(
        since: When = None,
        limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="at most this many episodes (the latest)")] = 20,
    ) -> dict[str, Any]:
        return ask("recent_activity", {"since": since, "limit": limit})

    @server.tool(description=GET, annotations=READ_ONLY)
    def get_memory(
        id: Annotated[str, Field(description="a memory id or observation id from a hit, or a source id")],
    ) -> dict[str, Any]:
        return ask("get_memory", {"id": id})

    if allow_write:

        @server.tool(description=REMEMBER, annotations=WRITES)
        def remember(
            text: Annotated[str, Field(description="what to remember, in plain words")], ctx: Context
        ) -> dict[str, Any]:
            return ask("remember", {"text": text}, client_label(_client_name(ctx)))

    @server.resource(
        "mirix://core",
        name="core-memory",
        title="Core memory",
        description="Every core memory block (persona, human, ...) as JSON: what mirix-app always keeps in mind.",
        mime_type="application/json",
    )
    def core_memory() -> str:
        return json.dumps(ask("core_memory", {}, error=ResourceError), ensure_ascii=False, indent=2)

    @server.resource(
        "mirix://core/{label}",
        name="core-memory-block",
        title="Core memory block",
        description="One core memory block by its label (e.g. mirix://core/human), as plain text.",
        mime_type="text/plain",
    )
    def core_block(label: str) -> str:
        blocks = ask("core_memory", {"label": label}, error=ResourceError)["blocks"]
        return "\n\n".join(b["value"] for b in blocks)

    return server


def _client_name(ctx: Context[Any, Any]) -> str:
    """The MCP client's own name (from its initialize request), or '' when it gave none."""
    try:
        params = ctx.session.client_params
    except (AttributeError, ValueError):
        return ""
    return params.client_info.name if params is not None and params.client_info is not None else ""


def serve(data_dir: Path, allow_write: bool = False) -> int:
    """Serve the memory of ``data_dir`` over stdio until the client closes the connection."""
    access = MemoryAccess(data_dir)
    server = build_server(access, allow_write)
    log.info("mirix-app mcp: serving %s over stdio (%s)", data_dir, "read-write" if allow_write else "read-only")
    if sys.stdin.isatty():
        sys.stderr.write(
            "mirix-app mcp speaks the Model Context Protocol on stdin and stdout: add it to an MCP client's config "
            "(see the README) rather than running it in a terminal. Ctrl-C stops it.\n"
        )
    try:
        access.warm_up()
        server.run("stdio")
    finally:
        access.close()
    return 0
