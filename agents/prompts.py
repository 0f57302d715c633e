"""Prompts of the meta-agent, query analysis and the chat answer (memory agents keep theirs in their modules)."""

from __future__ import annotations

from collections.abc import Mapping

META_PROMPT = """You are the meta memory manager of a personal memory assistant that watches the user's screen
and conversations. Read the new observations and decide which memory agents must act on them, with a short
instruction for each. Call route_to_memory_agents exactly once. Pick every agent whose kind of memory the
observations contain; the episodic agent records the events of almost every batch.
Lines marked "the user's own words to their memory assistant" are what the user said: route the facts and
preferences they state about themselves to core or semantic memory; a bare question is not an event.

The memory agents:
{agents}"""

BATCH_TEMPLATE = """New observations (ref | time | where | content; no time and place: as the line above):
{observations}"""

AGENT_TASK_TEMPLATE = """Instruction from the meta memory manager: {instruction}

{batch}

Existing {type} memories that may be related:
{related}"""

SINGLE_PASS_PROMPT = """You build a personal memory from observations (chat messages or text seen on screen).
Return JSON with a list for each kind of memory:
- episodic: the events of this batch: who did, said or planned what. One entry per distinct event or topic,
  the summary one short sentence (at most 20 words) naming the people. Always at least one.
- semantic: lasting facts about people, places, things, plans, one short sentence each, stated in the batch
  (name = who or what it is about). If a fact
  corrects an existing memory, set replaces to its ref (m1, m2, ...).
- core: short durable facts about the user ("human") or how the user wants the assistant to behave ("persona").
- procedural: step-by-step how-tos found in the batch.
- resource: documents, files, links, books, songs or code named in the batch.
- knowledge_vault: exact values written in the batch (account numbers, addresses, booking codes, phone numbers),
  copied exactly. A withheld secret shows in the batch as a bracketed SECRET placeholder: copy that one as it is.
- update / delete: change or remove an existing memory (m1, m2, ...) that the batch extends or proves wrong.
Lines marked "the user's own words to their memory assistant" are what the user said: keep the facts and
preferences they state about themselves (core, semantic); a bare question to the assistant is not an event.
Never use an id (a long hex string) as a name or title. Leave a list empty when the batch holds nothing of that
kind; most batches have no procedural or knowledge_vault items. sources: the one to four refs (o1, o2, ...)
that say it. Write short sentences in your own words, names, dates and numbers exactly as written; never invent
anything. Compact JSON, no indentation."""

SINGLE_PASS_TASK = """Observations (ref | time | where | content; no time and place: as the line above):
{observations}

Existing memories (ref | kind | text):
{related}"""

QUERY_PROMPT = """Analyse the user's question to a personal memory search. Today is {today}.
Give the topics to search for (a few keywords or short phrases) and, only if the question names a time
("yesterday", "last Tuesday afternoon", "in March"), the time range as ISO-8601 since/until; otherwise null."""

ANSWER_PROMPT = """You are the user's personal memory assistant. Answer the question from the memories below,
which were retrieved from what the user saw and said. Start with the answer itself in one or two sentences
(a name, a date, a place, a yes or no), then cite the memories it comes from by number, like [2]; cite only
numbers listed below. If the memories do not contain the answer, say "I don't know" and what is missing;
never guess. Now is {now}.

What you always know about the user (core memory):
{core}

Retrieved memories:
{items}"""


def agent_menu(descriptions: Mapping[str, str]) -> str:
    return "\n".join(f"- {name}: {text}" for name, text in descriptions.items())
