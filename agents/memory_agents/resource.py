"""Resource memory agent: documents, files, web pages and code the user worked with."""

from __future__ import annotations

from typing import Annotated

from langchain_core.tools import InjectedToolArg, tool

from agents.memory_agents.base import COMMON_RULES, COMMON_TOOLS, Workspace, checked_changes
from agents.memory_agents.spec import AgentSpec
from agents.ops import ADD, UPDATE, MemoryOp
from agents.tools import ToolInputError

PROMPT = f"""You are the resource memory agent of a personal memory assistant.
Resource memory lists the documents, files, web pages, repositories and code the user opened, shared or
worked on: title, type, location (URL or file path, exactly as seen) and a short summary of the content
seen. Never make up a URL or path; leave uri empty if none was visible.

{COMMON_RULES}"""

RESOURCE_TYPES = ("document", "url", "file", "code", "image", "video", "other")


@tool(parse_docstring=True)
def insert_resource(
    ws: Annotated[Workspace, InjectedToolArg],
    title: str,
    resource_type: str = "document",
    uri: str = "",
    summary: str = "",
    content: str = "",
    sources: list[str] | None = None,
) -> str:
    """Insert a resource; if one with the same uri exists, it is updated instead.

    Args:
        title: the document or page title.
        resource_type: document, url, file, code, image, video or other.
        uri: URL or file path exactly as seen, or empty.
        summary: what it is about, in one or two sentences.
        content: an excerpt of the content seen.
        sources: observation refs (o1, o2, ...) it comes from.
    """
    if resource_type not in RESOURCE_TYPES:
        raise ToolInputError(f"resource_type must be one of {', '.join(RESOURCE_TYPES)}")
    if not title.strip():
        raise ToolInputError("title must not be empty")
    refs = ws.sources(sources)
    record = {"title": title.strip(), "resource_type": resource_type, "uri": uri.strip(), "summary": summary}
    if content:
        record["content"] = content
    if record["uri"]:
        existing = ws.store.ids_with_field("resource", "uri", record["uri"], limit=1)
        if existing:
            ws.stage(MemoryOp(UPDATE, "resource", id=existing[0], record=record, sources=refs))
            return f"a resource with this uri exists; updated {existing[0]}"
    op = ws.stage(MemoryOp(ADD, "resource", id=ws.new_id(), record=record, sources=refs))
    return f"inserted resource {op.id}"


@tool(parse_docstring=True)
def update_resource(
    ws: Annotated[Workspace, InjectedToolArg],
    memory_id: str,
    title: str | None = None,
    summary: str | None = None,
    content: str | None = None,
    sources: list[str] | None = None,
) -> str:
    """Update a resource in place (the earlier version is kept in history).

    Args:
        memory_id: the resource to change.
        title: a new title.
        summary: a new summary.
        content: new content excerpt.
        sources: observation refs (o1, o2, ...) behind the change.
    """
    ws.current(memory_id)
    changes = checked_changes("resource", {"title": title, "summary": summary, "content": content})
    if not changes:
        raise ToolInputError("give title, summary or content")
    ws.stage(MemoryOp(UPDATE, "resource", id=memory_id, record=changes, sources=ws.sources(sources)))
    return f"updated resource {memory_id}"


SPEC = AgentSpec(
    name="resource",
    description="documents, files, web pages, repositories or code the user opened, shared or worked on",
    prompt=PROMPT,
    tools=[insert_resource, update_resource, *COMMON_TOOLS],
)
