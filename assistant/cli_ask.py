"""`vagvisare ask`: answer one question in the terminal (readable, or as JSON)."""

from __future__ import annotations

import argparse
from typing import Any

from assistant.cli import EXTRA_PARSERS, _print_json, command
from core.settings import Settings


def _parser(sub: Any) -> None:
    p = sub.add_parser("ask", help="answer a question with cited clauses")
    p.add_argument("question", help="the question, in Swedish or English")
    p.add_argument("--json", action="store_true", help="print the Answer record as JSON")
    p.add_argument("--doc", action="append", default=[], metavar="DOC_ID", help="only this document (repeatable)")
    p.add_argument("--lang", choices=["sv", "en"], help="answer in this language (default: the question's)")
    p.add_argument("--all-versions", action="store_true", help="also repealed and not yet valid wordings")


EXTRA_PARSERS.append(_parser)


@command("ask")
def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.engine import get_assistant

    answer = get_assistant(settings).answer(args.question, lang=args.lang, docs=args.doc,
                                            include_inactive=args.all_versions)
    if args.json:
        _print_json(answer.to_dict())
        return 0
    print(answer.text)
    t = answer.timings
    print(f"\n({answer.question_type}, {answer.lang}; evidence {answer.evidence:.3f}; "
          f"{t['total_ms']:.0f} ms: embedding {t['embed_ms']:.0f}, search {t['search_ms']:.0f}, "
          f"composition {t['compose_ms']:.0f}; index {answer.index_version})")
    return 0
