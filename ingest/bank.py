"""The question bank: questions each clause answers, kept as reviewed data beside the manifest.

One JSON Lines file per document, ``<bank dir>/<doc_id>.jsonl``, one question a line::

    {"clause_id": "sfs-2018-585#3:1", "lang": "sv", "question": "Måste en gästforskare säkerhetsprövas?",
     "origin": "blind-2026-12/b7-ssl-ssf", "text_sha": "6f0c2d9a41b3e8c7"}

``origin`` says who wrote it (a blind writer, support staff, reviewed feedback); ``text_sha`` is
the start of the sha256 of the clause text it was written from, so a new consolidation that
changes the clause flags its questions for review (they are still used; the ingest report lists
them). The bank widens what a clause is found by: the index embeds every question with the
``query:`` prompt (question-to-question similarity) and adds its words to the clause's BM25
document (doc2query). A document without a bank (an operator's guideline) is searched as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from core.errors import BadRequestError, ConfigError, NotFoundError
from core.records import Clause

LANGS = ("sv", "en")
KEYS = ("clause_id", "lang", "question", "origin", "text_sha")
REQUIRED = ("clause_id", "lang", "question")
MAX_CHARS = 1000
_MAX_REPORTED = 20


class BankError(ConfigError):
    """A bank file cannot be read or does not follow the format."""


@dataclass(frozen=True)
class BankEntry:
    clause_id: str
    lang: str
    question: str
    origin: str = ""
    text_sha: str = ""
    file: str = ""  # where it stands, for messages
    line: int = 0

    @property
    def doc_id(self) -> str:
        return self.clause_id.split("#", 1)[0]

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items() if k in KEYS and (v or k in REQUIRED)}
        return json.dumps(data, ensure_ascii=False)


def text_sha(text: str) -> str:
    """The fingerprint of a clause text that a bank question was written from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def normalised(question: str) -> str:
    """A question's words, lower case: how near-identical questions are recognised."""
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFC", question).lower()))


def _check(raw: object, where: str, doc_id: str) -> list[str]:
    if not isinstance(raw, dict):
        return [f"{where}: a line must be a JSON object with {', '.join(REQUIRED)}."]
    problems = [f"{where}: missing '{k}'." for k in REQUIRED if k not in raw]
    problems += [f"{where}: unknown key '{k}' (known: {', '.join(KEYS)})." for k in raw if k not in KEYS]
    for k in KEYS:
        if k in raw and not isinstance(raw[k], str):
            problems.append(f"{where}: '{k}' must be a string.")
    if problems:
        return problems
    assert isinstance(raw, dict)
    if raw["clause_id"].split("#", 1)[0] != doc_id or "#" not in raw["clause_id"]:
        problems.append(f"{where}: clause_id {raw['clause_id']!r} is not a clause of {doc_id} "
                        f"(this file holds the questions of {doc_id} only).")
    if raw["lang"] not in LANGS:
        problems.append(f"{where}: lang {raw['lang']!r} is not one of {', '.join(LANGS)}.")
    if not raw["question"].strip():
        problems.append(f"{where}: the question is empty.")
    elif len(raw["question"]) > MAX_CHARS:
        problems.append(f"{where}: the question is {len(raw['question'])} characters long (at most {MAX_CHARS}).")
    return problems


def _json_lines(path: Path, check: Callable[[Any, int], list[str]], hint: str,
                outcome: str = "") -> list[tuple[int, dict[str, str]]]:
    """The objects of a JSON Lines file with their line numbers. A line that is not JSON, and whatever
    ``check(object, line)`` finds, is a problem; all are reported at once, with their lines."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BankError(f"Cannot read {path}: {exc}.") from None
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[str] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {n}: not valid JSON ({exc.msg}).")
            continue
        found = check(raw, n)
        if found:
            problems += found
            continue
        rows.append((n, raw))
    if problems:
        shown = problems[:_MAX_REPORTED]
        more = f"\n  … and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        raise BankError(f"{path}: {len(problems)} problem(s){outcome}:\n  " + "\n  ".join(shown) + more, hint=hint)
    return rows


def read_bank_file(path: Path) -> list[BankEntry]:
    """The questions of one document's file; every problem is reported with its line, all at once."""
    seen: dict[tuple[str, str], int] = {}

    def check(raw: Any, n: int) -> list[str]:
        found = _check(raw, f"line {n}", path.stem)
        if found:
            return found
        key = (raw["clause_id"], normalised(raw["question"]))
        if key in seen:
            return [f"line {n}: the same question for {raw['clause_id']} stands on line {seen[key]}."]
        seen[key] = n
        return []

    rows = _json_lines(path, check, "One JSON object a line: clause_id, lang (sv or en), question; optional "
                                    "origin and text_sha. See docs/question-bank.md.")
    return [BankEntry(raw["clause_id"], raw["lang"], raw["question"].strip(), raw.get("origin", ""),
                      raw.get("text_sha", ""), str(path), n) for n, raw in rows]


def load_bank(bank_dir: Path, doc_ids: Iterable[str] | None = None) -> list[BankEntry]:
    """Every question of the bank (of the given documents only, when named); no folder is an empty bank."""
    if not bank_dir.is_dir():
        return []
    wanted = set(doc_ids) if doc_ids is not None else None
    entries: list[BankEntry] = []
    for path in sorted(bank_dir.glob("*.jsonl")):
        if path.name == OUTSIDE_FILE:
            continue
        if wanted is None or path.stem in wanted:
            entries += read_bank_file(path)
    return entries


OUTSIDE_FILE = "_outside.jsonl"
OUTSIDE_KEYS = ("lang", "question", "area", "why", "origin")


@dataclass(frozen=True)
class Outside:
    """A question the sources do not answer: the bank's other side, for the abstention decision."""

    lang: str
    question: str
    area: str  # the neighbouring area it belongs to (data protection, migration, …)
    why: str  # what it needs that the corpus lacks
    origin: str = ""
    file: str = ""  # where it stands, for messages
    line: int = 0


def load_outside(bank_dir: Path) -> list[Outside]:
    """The questions of ``_outside.jsonl`` in the bank folder (none when there is no such file).

    Each line: lang, question, area (a neighbouring area the corpus does not cover), why (what it needs
    that the corpus lacks) and origin;
    every problem is reported with its line, all at once."""
    path = bank_dir / OUTSIDE_FILE
    if not path.is_file():
        return []
    seen: dict[str, int] = {}

    def check(raw: Any, n: int) -> list[str]:
        if not isinstance(raw, dict) or set(raw) != set(OUTSIDE_KEYS) \
                or not all(isinstance(v, str) and v.strip() for v in raw.values()):
            return [f"line {n}: a line is a JSON object with the strings {', '.join(OUTSIDE_KEYS)}."]
        if raw["lang"] not in LANGS:
            return [f"line {n}: lang {raw['lang']!r} is not one of {', '.join(LANGS)}."]
        key = normalised(raw["question"])
        if key in seen:
            return [f"line {n}: the same question stands on line {seen[key]}."]
        seen[key] = n
        return []

    rows = _json_lines(path, check, "See docs/question-bank.md, 'Questions the sources do not answer'.")
    return [Outside(raw["lang"], " ".join(raw["question"].split()), raw["area"], raw["why"], raw["origin"],
                    str(path), n) for n, raw in rows]


def add_outside(bank_dir: Path, question: str, lang: str, area: str, why: str, origin: str) -> Outside:
    """Append a question the sources do not answer to ``_outside.jsonl`` (written whole, then swapped in)."""
    entry = Outside(lang, " ".join(question.split()), area.strip(), " ".join(why.split()), origin)
    if lang not in LANGS or not entry.question or not entry.area or not entry.why:
        raise BadRequestError("A question outside the sources needs its words, sv or en, an area and why the "
                              "sources do not answer it.", hint="Fill in the question and why.")
    if len(entry.question) > MAX_CHARS:
        raise BadRequestError(f"The question is {len(entry.question)} characters long (at most {MAX_CHARS}).",
                              hint="Shorten it.")
    existing = load_outside(bank_dir)
    if any(normalised(o.question) == normalised(entry.question) for o in existing):
        raise BadRequestError(f"{OUTSIDE_FILE} already has the question {entry.question!r}.", hint="Nothing to add.")
    data = {k: getattr(entry, k) for k in OUTSIDE_KEYS}
    line = _append_line(bank_dir, OUTSIDE_FILE, json.dumps(data, ensure_ascii=False))
    return replace(entry, file=str(bank_dir / OUTSIDE_FILE), line=line)


@dataclass(frozen=True)
class BankCheck:
    """How a bank stands against the clauses of a build."""

    usable: list[tuple[BankEntry, int]]  # each question with the index of the clause it answers
    unknown: list[BankEntry]  # its clause is not in the corpus (or not in force): left out
    stale: list[BankEntry]  # its clause's text changed since it was written: used, to be reviewed

    def warnings(self) -> list[str]:
        out = []
        if self.unknown:
            ids = sorted({e.clause_id for e in self.unknown})
            out.append(f"question bank: {len(self.unknown)} question(s) name clauses not in force or not in the "
                       f"corpus and are left out: {', '.join(ids[:8])}{' …' if len(ids) > 8 else ''}")
        if self.stale:
            ids = sorted({e.clause_id for e in self.stale})
            out.append(f"question bank: the text of {len(ids)} clause(s) changed since their questions were "
                       f"written; review them (`vagvisare bank check`): {', '.join(ids[:8])}"
                       f"{' …' if len(ids) > 8 else ''}")
        return out


def check_bank(entries: Iterable[BankEntry], clauses: list[Clause]) -> BankCheck:
    by_id = {c.clause_id: i for i, c in enumerate(clauses) if c.status == "in_force"}
    usable, unknown, stale = [], [], []
    for e in entries:
        i = by_id.get(e.clause_id)
        if i is None:
            unknown.append(e)
            continue
        usable.append((e, i))
        if e.text_sha and e.text_sha != text_sha(clauses[i].text):
            stale.append(e)
    return BankCheck(usable, unknown, stale)


def add_question(bank_dir: Path, clause: Clause, question: str, lang: str, origin: str) -> BankEntry:
    """Append one question to its document's file (written whole to a new file, then swapped in)."""
    question = " ".join(question.split())
    entry = BankEntry(clause.clause_id, lang, question, origin, text_sha(clause.text))
    problems = _check(json.loads(entry.to_json()), "the question", clause.doc_id)
    if problems:
        raise BankError(" ".join(problems), hint="Give a question of at most 1000 characters, in sv or en.")
    path = bank_dir / f"{clause.doc_id}.jsonl"
    existing = read_bank_file(path) if path.exists() else []
    if any(e.clause_id == clause.clause_id and normalised(e.question) == normalised(question) for e in existing):
        raise BankError(f"{clause.clause_id} already has the question {question!r} ({path}).",
                        hint="Nothing to add.")
    line = _append(bank_dir, clause.doc_id, [entry])
    return BankEntry(entry.clause_id, lang, question, origin, entry.text_sha, str(path), line)


def _append(bank_dir: Path, doc_id: str, entries: list[BankEntry]) -> int:
    """Append entries to a document's file; the line number of the first one."""
    return _append_line(bank_dir, f"{doc_id}.jsonl", "\n".join(e.to_json() for e in entries))


def _append_line(bank_dir: Path, name: str, lines: str) -> int:
    """Append lines to a bank file; the line number of the first."""
    path = bank_dir / name
    bank_dir.mkdir(parents=True, exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    _write_whole(path, text + lines + "\n")
    return len(text.splitlines()) + 1


def remove_lines(path: Path, numbers: Iterable[int]) -> int:
    """Take the given lines (numbered from 1) out of a bank file; how many went."""
    gone = set(numbers)
    lines = path.read_text(encoding="utf-8").splitlines()
    _write_whole(path, "".join(line + "\n" for n, line in enumerate(lines, start=1) if n not in gone))
    return len(gone & set(range(1, len(lines) + 1)))


def _write_whole(path: Path, text: str) -> None:
    """Write a bank file whole to a new file, then swap it in, so a crash leaves the old file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Imported:
    """What `vagvisare bank import` did with a file of questions."""

    added: dict[str, int]  # questions appended per document
    skipped: list[str]  # "line N: why", for questions that were not added


def import_questions(bank_dir: Path, source: Path, clauses: list[Clause], origin: str,
                     detect: Callable[[str], str]) -> Imported:
    """Add the questions of a JSON Lines file (clause_id, question; lang and origin optional) to the bank.

    A line that is not a JSON object with clause_id and question refuses the whole file (every such
    line is named, nothing is written). A question for a clause not in force or not in the corpus, or
    one its clause already has, is skipped and listed; the rest are appended, each tied to the text
    of its clause (``text_sha``) and marked with its ``origin``."""
    in_force = {c.clause_id: c for c in clauses if c.status == "in_force"}
    known = {c.clause_id for c in clauses}

    def check(raw: Any, n: int) -> list[str]:
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in ("clause_id", "question")):
            return [f"line {n}: a line is a JSON object with the strings clause_id and question."]
        return []

    rows = _json_lines(source, check, 'One JSON object a line: {"clause_id": "sfs-2018-585#3:1", "question": '
                                      '"…"}; lang (sv or en) and origin are optional.', ", nothing imported")
    existing = {(e.clause_id, normalised(e.question)) for e in load_bank(bank_dir)}
    new: dict[str, list[BankEntry]] = {}
    skipped: list[str] = []
    for n, raw in rows:
        clause_id, question = raw["clause_id"].strip(), " ".join(raw["question"].split())
        clause = in_force.get(clause_id)
        if clause is None:
            why = "is not in force" if clause_id in known else "is not a clause of the corpus"
            skipped.append(f"line {n}: {clause_id!r} {why}.")
            continue
        key = (clause_id, normalised(question))
        if key in existing:
            skipped.append(f"line {n}: {clause_id} already has this question.")
            continue
        entry = BankEntry(clause_id, raw.get("lang") or detect(question), question,
                          raw.get("origin") or origin, text_sha(clause.text))
        found = _check(json.loads(entry.to_json()), f"line {n}", clause.doc_id)
        if found:
            skipped += found
            continue
        existing.add(key)
        new.setdefault(clause.doc_id, []).append(entry)
    for doc_id, entries in new.items():
        _append(bank_dir, doc_id, entries)
    return Imported({d: len(e) for d, e in new.items()}, skipped)


def find_clause(clauses: list[Clause], clause_id: str) -> Clause:
    """The in-force clause a bank question is for, or a clear refusal."""
    for c in clauses:
        if c.clause_id == clause_id:
            if c.status != "in_force":
                raise NotFoundError(f"{clause_id} is {c.status.replace('_', ' ')}; bank questions are for "
                                    "clauses in force.", hint="Give the clause that is in force.")
            return c
    doc = clause_id.split("#", 1)[0]
    near = sorted(c.clause_id for c in clauses if c.doc_id == doc)[:5]
    raise NotFoundError(f"No clause {clause_id!r} in the corpus.",
                        hint=f"Clause ids look like {', '.join(near) or 'sfs-2018-585#3:1'}; "
                             f"`vagvisare sources show {doc}` lists them.")
