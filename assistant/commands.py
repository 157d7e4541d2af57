"""The query side's commands: `vagvisare sources` (what the index holds) and `vagvisare ask`.

Each parses its arguments, calls one function of :mod:`assistant` and prints the result.
"""

from __future__ import annotations

import argparse

from core.commands import Command, print_json, table
from core.settings import Settings


def _sources_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")


def _sources(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.catalog import list_sources

    listing = list_sources(settings)
    if args.json:
        print_json(listing)
        return 0
    rows = [[s["doc_id"], s["kind"], s["binding"], s["as_of"], str(s.get("clauses", "-")),
             ", ".join(f"{k} {v}" for k, v in sorted((s.get("statuses") or {}).items()))] for s in listing]
    print(table(rows, ["document", "kind", "binding", "as of", "clauses", "status"]))
    return 0


def _ask_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", help="the question, in Swedish or English")
    p.add_argument("--json", action="store_true", help="print the Answer record as JSON")
    p.add_argument("--doc", action="append", default=[], metavar="DOC_ID", help="only this document (repeatable)")
    p.add_argument("--lang", choices=["sv", "en"], help="answer in this language (default: the question's)")
    p.add_argument("--all-versions", action="store_true", help="also repealed and not yet valid wordings")


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.engine import get_assistant

    answer = get_assistant(settings).answer(args.question, lang=args.lang, docs=args.doc,
                                            include_inactive=args.all_versions)
    if args.json:
        print_json(answer.to_dict())
        return 0
    print(answer.text)
    t = answer.timings
    print(f"\n({answer.question_type}, {answer.lang}; evidence {answer.evidence:.3f}; "
          f"{t['total_ms']:.0f} ms: embedding {t['embed_ms']:.0f}, search {t['search_ms']:.0f}, "
          f"composition {t['compose_ms']:.0f}; index {answer.index_version})")
    return 0


def _feedback_list_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the items as JSON")
    p.add_argument("--all", action="store_true", help="also items already reviewed (default: open ones)")
    p.add_argument("--rating", choices=["up", "down"], help="only this rating")
    p.add_argument("--wrong-citation", action="store_true", help="only reports of a wrong citation")


def _feedback_list(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.feedback import Store
    from assistant.review import Review

    items = Review(Store(settings.data_dir, settings.database_url)).items(include_done=args.all, rating=args.rating,
                                                   wrong_only=args.wrong_citation)
    if args.json:
        print_json([i.to_dict() for i in items])
        return 0
    rows = [[str(i.feedback.id), i.feedback.created_at[:16].replace("T", " "), i.feedback.rating or "-",
             i.feedback.wrong_clause_id or "-", (i.action or "open"),
             _short(i.feedback.question), _short(i.feedback.comment)] for i in items]
    print(table(rows, ["id", "when", "rating", "wrong citation", "state", "question", "comment"]))
    print(f"\n{len(items)} item(s) in {settings.data_dir}; review them at /admin/feedback.")
    return 0


def _short(text: str, width: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# `vagvisare sources add|diff` are the ingest side's (ingest.commands)
SOURCES = Command(("sources",), "list the sources (and add or compare them)", _sources_arguments, _sources)
ASK = Command(("ask",), "answer a question with cited clauses", _ask_arguments, _ask)

FEEDBACK = Command(("feedback",), "what users flagged (reviewed at /admin/feedback)")
FEEDBACK_LIST = Command(("feedback", "list"), "list the feedback: question, rating, wrong citation, comment, "
                                              "review state", _feedback_list_arguments, _feedback_list)

SOURCES_COMMANDS = (SOURCES,)
COMMANDS = (ASK, FEEDBACK, FEEDBACK_LIST)
