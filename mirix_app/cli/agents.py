"""CLI commands of the agents: memorize (LLM or offline) and ask (answer with numbered citations)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from mirix_app.cli import output
from stores.errors import NotFoundError, UserFacingError

EXIT_OK, EXIT_PARTIAL = 0, 1


def _cli() -> Any:
    from mirix_app.cli import main as cli  # late: cli imports this module to register the commands

    return cli


def _model(args: argparse.Namespace, settings: Any, offline: bool) -> Any:
    """The configured chat model, or None (offline). A broken LLM configuration is a clear error."""
    if offline:
        return None
    from agents.errors import ProviderConfigError
    from mirix_app.factories import make_chat_model

    try:
        model = make_chat_model(settings)
    except ProviderConfigError as error:
        raise UserFacingError(str(error)) from None
    if model is None and getattr(args, "llm", False):
        raise UserFacingError("--llm needs an LLM provider in settings.json (llm.provider); none is configured.")
    return model


def cmd_memorize(args: argparse.Namespace) -> int:
    from mirix_app.factories import load_app_settings, make_memorizer

    settings = load_app_settings(args.data_dir)
    model = _model(args, settings, args.offline)
    with _cli()._open(args) as store:
        memorizer = make_memorizer(store, settings, model)
        if model is None and not args.offline:
            output.write_err("no LLM configured: using the offline memorizer\n")

        def progress(line: str) -> None:
            output.write_err(line + "\n")

        report = memorizer.run(until_empty=args.until_empty, offline=args.offline, progress=progress)
        counts = store.observations.counts()
    output.write_out(report.summary() + f"; {counts['pending']} pending\n")
    return EXIT_PARTIAL if report.failed or report.waiting else EXIT_OK


def _print_answer(answer: Any, as_json: bool) -> None:
    if as_json:
        output.write_out(json.dumps(answer.to_dict()) + "\n")
        return
    output.write_out(answer.text.rstrip() + "\n")
    if answer.citations:
        output.write_out("\ncitations:\n")
    for item in answer.citations:
        sources = ", ".join(item["sources"]) or "-"
        output.write_out(f"  [{item['n']}] {item['type']} {item['id']}  sources: {sources}\n")
    output.write_out(f"\n(thread {answer.thread_id}; {answer.mode})\n")


def _read_questions(path: Path) -> list[tuple[str, str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                obj = json.loads(line)
                rows.append((str(obj["id"]), str(obj["question"])))
            except (ValueError, KeyError, TypeError):
                raise UserFacingError(f'{path}:{number}: expected {{"id": ..., "question": ...}}') from None
    return rows


def _ask_batch(chat: Any, path: Path) -> int:
    for question_id, question in _read_questions(path):
        answer = chat.ask(question, remember=False)
        output.write_out(json.dumps({"id": question_id, **answer.to_dict()}) + "\n")
    return EXIT_OK


def cmd_ask(args: argparse.Namespace) -> int:
    if bool(args.question) == bool(args.questions):
        raise UserFacingError("Give either a QUESTION or --questions FILE.jsonl.")
    from mirix_app.factories import load_app_settings, make_chat

    settings = load_app_settings(args.data_dir)
    model = _model(args, settings, args.offline)
    with _cli()._open(args) as store:
        chat = make_chat(store, settings, model)
        if args.questions:
            return _ask_batch(chat, Path(args.questions))
        stream = None if args.json or model is None else _stream_to_stderr
        try:
            answer = chat.ask(args.question, thread_id=args.thread, on_token=stream, remember=not args.no_remember)
        except NotFoundError as error:
            raise UserFacingError(str(error)) from None
    if stream is not None:
        output.write_err("\n")
    _print_answer(answer, args.json)
    return EXIT_OK


def _stream_to_stderr(token: str) -> None:
    output.write_err(token)


def register(sub: Any) -> None:
    """Add the agents' commands to the ``mirix-app`` parser."""
    p = sub.add_parser("memorize", help="turn pending observations into memories (LLM agents, or offline)")
    p.add_argument("--until-empty", action="store_true", help="keep going until nothing is pending")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--offline", action="store_true", help="use the offline memorizer even if an LLM is configured")
    mode.add_argument("--llm", action="store_true", help="require the configured LLM (error if none)")
    p.set_defaults(func=cmd_memorize)

    p = sub.add_parser("ask", help="ask your memory a question; prints the answer and its numbered citations")
    p.add_argument("question", nargs="?", help="the question")
    p.add_argument("--questions", help='JSONL of {"id", "question"}: one JSON answer per line, nothing remembered')
    p.add_argument("--json", action="store_true", help="print JSON (answer, citations, thread id)")
    p.add_argument("--thread", help="continue this conversation thread")
    p.add_argument("--offline", action="store_true", help="answer without the LLM (ranked memories)")
    p.add_argument("--no-remember", action="store_true", help="do not keep the question as an observation")
    p.set_defaults(func=cmd_ask)
