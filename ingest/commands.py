"""The ingest side's commands: `vagvisare ingest`, `vagvisare sources add|diff|show` and
`vagvisare bank add|import|outside|check`.

Each parses its arguments, calls one function of :mod:`ingest` and prints the result.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from core.commands import Command, table
from core.records import Clause
from core.settings import Settings


def _ingest_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rebuild", action="store_true", help="recompute every vector (ignore the previous index)")
    p.add_argument("--check", action="store_true", help="read and segment only; write nothing")
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.pipeline import build_index

    report = build_index(settings, rebuild=args.rebuild, progress=not args.quiet, only_check=args.check)
    rows = [[d["doc_id"], str(d["clauses"]), ", ".join(f"{k} {v}" for k, v in sorted(d["statuses"].items()))]
            for d in report.documents]
    print(table(rows, ["document", "clauses", "status"]))
    for warning in report.warnings:
        print(f"note: {warning}")
    if args.check:
        print(f"\nChecked {len(report.documents)} documents, {report.clauses} clauses "
              f"in {report.seconds:.1f} s. Nothing was written.")
        return 0
    print(f"\nIndexed {len(report.documents)} documents, {report.clauses} clauses "
          f"({report.passages} passages, {report.sentences} sentences; {report.embedded} embedded, "
          f"{report.reused} reused) in {report.seconds:.1f} s.")
    print(f"Index {report.index_version} in {report.index_dir} ({report.size_bytes / 1e6:.1f} MB).")
    return 0


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("location", metavar="PATH_OR_URL", help="the file, or the address to download it from")
    p.add_argument("--id", dest="doc_id", required=True, help="doc_id, e.g. eu-c-2024-3510 or uu-riktlinjer")
    p.add_argument("--title", default="", help="full title (reserved ids have one)")
    p.add_argument("--kind", default="", help="guideline, recommendation, decision, page, ...")
    p.add_argument("--binding", default="", help="law, recommendation, guidance or information")
    p.add_argument("--lang", default="", help="sv or en (default sv)")
    p.add_argument("--short", default="", help="common abbreviation")
    p.add_argument("--format", dest="fmt", default="", help="pdf, html, eurlex, text or markdown")
    p.add_argument("--version", default="", help="name of this version (default: today's date)")
    p.add_argument("--as-of", dest="as_of", default="", help="publication date or consolidation level")
    p.add_argument("--official-url", dest="official_url", default="", help="where the authoritative text is")
    p.add_argument("--parallel", default="", help="doc_id of the same act in the other language")
    p.add_argument("--replace", action="store_true",
                   help="the new version of an existing id; the current one stays as a previous version")
    p.add_argument("--timeout", type=float, default=30.0, help="download timeout in seconds")


def _add(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.add_source import add_source

    result = add_source(settings, args.location, doc_id=args.doc_id, title=args.title, kind=args.kind,
                        binding=args.binding, lang=args.lang, short=args.short, fmt=args.fmt,
                        version=args.version, as_of=args.as_of, official_url=args.official_url,
                        parallel=args.parallel, replace_current=args.replace, timeout=args.timeout)
    s = result.source
    print(f"Added {s.doc_id} ({s.format}, {result.clauses} clauses, version {s.version}) as {result.file}")
    print(f"sha256 {s.sha256}")
    if result.previous:
        print(f"The previous version {result.previous.version} is kept as {result.previous.path}.")
    if result.linked:
        print(f"Linked as the parallel language version of {result.linked}.")
    if result.quality is not None:
        print("What came out of it:")
        for line in result.quality.lines():
            print(f"  {line}")
    print(f"Run `vagvisare sources show {s.doc_id}` to see its clauses, `vagvisare ingest` to index it.")
    return 0


def _diff_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("doc_id", metavar="DOC_ID")
    p.add_argument("new_file", metavar="NEW_FILE")
    p.add_argument("--format", dest="fmt", default="", help="format of the new file (default: same)")
    p.add_argument("--json", action="store_true", help="print the differences as JSON")


def _diff(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.diff import diff_source

    diff = diff_source(settings, args.doc_id, Path(args.new_file), args.fmt)
    if args.json:
        print(json.dumps(diff.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(f"{diff.doc_id}: version {diff.old_version} → {diff.new_version}: {len(diff.added)} added, "
          f"{len(diff.removed)} removed, {len(diff.changed)} changed, {diff.unchanged} unchanged")
    for c in diff.added:
        print(f"+ {c.locator:<16} {c.label}: {c.text[:80]}")
    for c in diff.removed:
        print(f"- {c.locator:<16} {c.label}: {c.text[:80]}")
    for _old, new in diff.changed:
        print(f"~ {new.locator:<16} {new.label}: {new.text[:80]}")
    return 0


def _show_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("doc_id", metavar="DOC_ID")
    p.add_argument("--json", action="store_true",
                   help="print the clauses as JSON (clause_id, label, heading_path, page, text, ...)")


def _show(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.inspection import show_source

    view = show_source(settings, args.doc_id)
    if args.json:
        print(json.dumps(view.to_json(), indent=2, ensure_ascii=False))
        return 0
    print(f"{view.source.doc_id}: {view.title} ({view.source.format}, {view.source.path})")
    for line in view.quality.lines():
        print(f"  {line}")
    for c in view.to_json():
        page = f"s. {c['page']}" if c["page"] else ""
        print(f"\n{c['clause_id']}  {c['label']}  {page}".rstrip())
        if c["heading_path"]:
            print(f"  {' › '.join(c['heading_path'])}")
        if c["amended_by"]:
            print(f"  amended by {c['amended_by']}")
        text = c["text"].replace("\n", " ¶ ")
        print(f"  {text[:300]}{' …' if len(text) > 300 else ''}")
        if c["general_advice"]:
            print(f"  [Allmänna råd, not binding: {len(c['general_advice'])} paragraph(s)]")
    return 0


def _bank_add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("clause_id", metavar="DOC_ID#LOCATOR", help="the clause that answers it, e.g. sfs-2018-585#3:1")
    p.add_argument("question", metavar="QUESTION", help="the question, as a user would ask it")
    p.add_argument("--lang", choices=("sv", "en"), default=None, help="its language (default: detected)")
    p.add_argument("--origin", default="support", help="who wrote it (default: support)")


def _bank_add(args: argparse.Namespace, settings: Settings) -> int:
    from core.language import detect_language
    from ingest.bank import add_question, find_clause
    from ingest.inspection import show_source

    clauses = show_source(settings, args.clause_id.split("#", 1)[0]).clauses
    clause = find_clause(clauses, args.clause_id)
    lang = args.lang or detect_language(args.question)
    entry = add_question(settings.bank_path(), clause, args.question, lang, args.origin)
    print(f"Added to {entry.file} line {entry.line} ({clause.label}, {lang}). "
          "Run `vagvisare ingest` to search with it.")
    return 0


def _all_clauses(settings: Settings) -> list[Clause]:
    """Every clause of the manifest's documents, read and segmented (no index needed)."""
    from core.sources import load_sources
    from ingest.inspection import read_and_segment

    return [c for s in load_sources(settings.manifest) for c in read_and_segment(s, settings)[1]]


def _bank_check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the questions to review as JSON")


def _bank_check(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.bank import OUTSIDE_FILE, check_bank, load_bank, load_outside

    clauses = _all_clauses(settings)
    checked = check_bank(load_bank(settings.bank_path()), clauses)
    if args.json:
        print(json.dumps({"usable": len(checked.usable),
                          "unknown": [vars(e) for e in checked.unknown],
                          "stale": [vars(e) for e in checked.stale]}, indent=2, ensure_ascii=False))
        return 0
    per_doc: dict[str, int] = {}
    for e, _ in checked.usable:
        per_doc[e.doc_id] = per_doc.get(e.doc_id, 0) + 1
    covered = {i for _, i in checked.usable}
    in_force = [i for i, c in enumerate(clauses) if c.status == "in_force"]
    print(table([[d, str(n)] for d, n in sorted(per_doc.items())], ["document", "questions"]))
    print(f"\n{len(checked.usable)} questions for {len(covered)} of {len(in_force)} clauses in force "
          f"({settings.bank_path()}); {len(load_outside(settings.bank_path()))} questions the sources do not "
          f"answer ({OUTSIDE_FILE}).")
    for e in checked.unknown:
        print(f"not in force or not in the corpus: {e.file}:{e.line} {e.clause_id}")
    for e in checked.stale:
        print(f"clause changed since written, review: {e.file}:{e.line} {e.clause_id}: {e.question}")
    return 0


def _bank_outside_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", metavar="QUESTION", help="a question the sources do not answer, as a user asked it")
    p.add_argument("--why", required=True, help="what it needs that the corpus lacks (a law, a fact)")
    p.add_argument("--area", default="support", help="the neighbouring area, e.g. data_protection (default: support)")
    p.add_argument("--lang", choices=("sv", "en"), default=None, help="its language (default: detected)")
    p.add_argument("--origin", default="support", help="who wrote it (default: support)")


def _bank_outside(args: argparse.Namespace, settings: Settings) -> int:
    from core.language import detect_language
    from ingest.bank import add_outside

    added = add_outside(settings.bank_path(), args.question, args.lang or detect_language(args.question),
                        args.area, args.why, args.origin)
    print(f"Added to {added.file} line {added.line} ({added.lang}). Run `vagvisare ingest` to use it.")
    return 0


def _bank_import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", type=Path,
                   help='JSON Lines, one {"clause_id": …, "question": …} a line (lang, origin optional)')
    p.add_argument("--origin", required=True, help="who wrote them, e.g. blind-2026-12/writer-3 or support")


def _bank_import(args: argparse.Namespace, settings: Settings) -> int:
    from core.language import detect_language
    from ingest.bank import import_questions

    done = import_questions(settings.bank_path(), args.file, _all_clauses(settings), args.origin, detect_language)
    for why in done.skipped:
        print(f"skipped {args.file}:{why.removeprefix('line ')}")
    added = sum(done.added.values())
    per_doc = ", ".join(f"{d} {n}" for d, n in sorted(done.added.items()))
    print(f"Added {added} question(s){f' ({per_doc})' if per_doc else ''}; skipped {len(done.skipped)}. "
          + ("Run `vagvisare ingest` to search with them." if added else ""))
    return 0


INGEST = Command(("ingest",), "read the sources and build the index", _ingest_arguments, _ingest)
SOURCES_ADD = Command(
    ("sources", "add"), "copy or download a document into the corpus and list it in the manifest",
    _add_arguments, _add,
    description="Add a document (a file or an http(s) address) to the corpus. It is read and segmented "
                "first; the next `vagvisare ingest` includes it.")
SOURCES_DIFF = Command(
    ("sources", "diff"), "list the clauses a new file would add, remove or change", _diff_arguments, _diff,
    description="Compare the current version of a source with a new file; writes nothing.")

BANK = Command(("bank",), "the question bank: questions each clause answers (docs/question-bank.md)")
BANK_ADD = Command(("bank", "add"), "add a question that a clause answers", _bank_add_arguments, _bank_add,
                   description="Append a question to the clause's document in the question bank "
                               "(VAGVISARE_BANK_DIR); the next `vagvisare ingest` searches with it.")
BANK_CHECK = Command(("bank", "check"), "how many questions each document has; what to review",
                     _bank_check_arguments, _bank_check,
                     description="Check the question bank against the corpus: questions of clauses not in "
                                 "force, and of clauses whose text changed since they were written.")

BANK_IMPORT = Command(("bank", "import"), "add the questions of a JSON Lines file (blind writers, reviews)",
                      _bank_import_arguments, _bank_import,
                      description="Add many questions at once: each line names its clause; questions of "
                                  "clauses not in force and questions already in the bank are skipped and "
                                  "listed; a malformed line refuses the whole file.")

BANK_OUTSIDE = Command(("bank", "outside"), "add a question the sources do not answer (with why)",
                       _bank_outside_arguments, _bank_outside,
                       description="Append a question the sources do not answer to _outside.jsonl in the "
                                   "question bank; the abstention decision uses it after `vagvisare ingest`.")

INGEST_COMMANDS = (INGEST,)
BANK_COMMANDS = (BANK, BANK_ADD, BANK_IMPORT, BANK_OUTSIDE, BANK_CHECK)
SOURCES_SHOW = Command(
    ("sources", "show"), "list a document's clauses as the index would hold them", _show_arguments, _show,
    description="Read and segment one document of the manifest and list its clauses; no index is needed.")
SOURCES_COMMANDS = (SOURCES_ADD, SOURCES_DIFF, SOURCES_SHOW)  # under `vagvisare sources` (assistant.commands)
