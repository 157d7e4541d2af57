"""Eval suites: YAML files of questions with the clauses that answer them.

Format (eval/README.md, "Suite format")::

    - id: q001
      question: "Måste vi säkerhetspröva externa konsulter?"
      lang: sv
      relevant: ["sfs-2018-585#3:1"]   # clause ids; a bare doc_id matches any clause of it
      answerable: true
      note: "optional"

``answerable: false`` with ``relevant: []`` marks a question the corpus does not answer.
Every problem is reported with its file, line and entry, all at once.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.errors import ConfigError

SUITES_DIR = Path(__file__).parent / "suites"
DEFAULT_SUITES = ("dev", "heldout")
REQUIRED = ("id", "question", "lang", "relevant", "answerable")
OPTIONAL = ("note",)
LANGS = ("sv", "en")
_MAX_REPORTED = 20


class SuiteError(ConfigError):
    """An eval suite cannot be read or does not follow the format."""


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    lang: str
    relevant: tuple[str, ...]
    answerable: bool
    note: str = ""
    line: int = 0


@dataclass(frozen=True)
class Suite:
    name: str  # the file's stem: "dev", "heldout"
    path: Path
    sha256: str
    cases: tuple[Case, ...]

    @property
    def tuning_allowed(self) -> bool:
        """The held-out split is reported, never tuned or calibrated on."""
        return self.name != "heldout"


def display_path(path: Path) -> str:
    """A suite's path relative to the project when it lies inside it (reports and calibration.json)."""
    try:
        return str(path.resolve().relative_to(SUITES_DIR.parents[1]))
    except ValueError:
        return str(path)


def resolve_path(name_or_path: str | Path) -> Path:
    """``dev`` → eval/suites/dev.yaml; anything else is a path."""
    text = str(name_or_path)
    if "/" not in text and not text.endswith((".yaml", ".yml")):
        return SUITES_DIR / f"{text}.yaml"
    return Path(text)


def _raise(path: Path, problems: list[str]) -> None:
    shown = problems[:_MAX_REPORTED]
    more = f"\n  … and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
    raise SuiteError(f"{path}: {len(problems)} problem(s) in the suite:\n  " + "\n  ".join(shown) + more,
                     hint="See eval/README.md, 'Suite format'.")


def _lines(text: str) -> list[int]:
    """The line of each top-level entry (1-based), for messages."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]


def _check_entry(raw: Any, where: str) -> list[str]:
    if not isinstance(raw, dict):
        return [f"{where}: an entry must be a mapping with {', '.join(REQUIRED)}, got {type(raw).__name__}."]
    problems = [f"{where}: missing '{key}'." for key in REQUIRED if key not in raw]
    problems += [f"{where}: unknown key '{key}' (known: {', '.join(REQUIRED + OPTIONAL)})."
                 for key in raw if key not in REQUIRED + OPTIONAL]
    if "id" in raw and (not isinstance(raw["id"], str) or not raw["id"].strip()):
        problems.append(f"{where}: 'id' must be a non-empty string.")
    if "question" in raw and (not isinstance(raw["question"], str) or not raw["question"].strip()):
        problems.append(f"{where}: 'question' must be a non-empty string.")
    if "lang" in raw and raw["lang"] not in LANGS:
        problems.append(f"{where}: lang {raw['lang']!r} is not one of {', '.join(LANGS)}.")
    if "note" in raw and not isinstance(raw["note"], str):
        problems.append(f"{where}: 'note' must be a string.")
    relevant = raw.get("relevant")
    if "relevant" in raw and (not isinstance(relevant, list) or not all(isinstance(r, str) and r.strip()
                                                                        for r in relevant)):
        problems.append(f"{where}: 'relevant' must be a list of clause ids or doc ids, got {relevant!r}.")
        relevant = None
    answerable = raw.get("answerable")
    if "answerable" in raw and not isinstance(answerable, bool):
        problems.append(f"{where}: 'answerable' must be true or false, got {answerable!r}.")
    elif isinstance(relevant, list):
        if answerable is True and not relevant:
            problems.append(f"{where}: answerable: true needs at least one relevant id "
                            "(or mark the question answerable: false).")
        if answerable is False and relevant:
            problems.append(f"{where}: answerable: false must have relevant: [] "
                            "(the right behaviour is to abstain).")
    return problems


def parse_suite(text: str, path: Path) -> Suite:
    """A suite from YAML text; raises :class:`SuiteError` listing every problem with file, line and entry."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SuiteError(f"{path}: not valid YAML ({exc}).", hint="Fix the YAML syntax.") from None
    if not isinstance(data, list) or not data:
        raise SuiteError(f"{path}: a suite is a non-empty YAML list of questions.",
                         hint="See eval/README.md, 'Suite format'.")
    lines = _lines(text)
    problems: list[str] = []
    cases: list[Case] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(data, start=1):
        line = lines[n - 1] if n - 1 < len(lines) else 0
        label = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        where = f"line {line}, entry {n}" + (f" ({label})" if label else "")
        entry_problems = _check_entry(raw, where)
        if label is not None:
            if label in seen:
                entry_problems.append(f"{where}: id {label!r} is already used by entry {seen[label]}.")
            seen.setdefault(label, n)
        problems += entry_problems
        if not entry_problems:
            cases.append(Case(raw["id"], raw["question"].strip(), raw["lang"], tuple(raw["relevant"]),
                              raw["answerable"], raw.get("note", ""), line))
    if problems:
        _raise(path, problems)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Suite(path.stem, path, digest, tuple(cases))


def load_suite(name_or_path: str | Path) -> Suite:
    path = resolve_path(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        known = ", ".join(sorted(p.stem for p in SUITES_DIR.glob("*.yaml")))
        raise SuiteError(f"No suite at {path}.",
                         hint=f"Give a path to a YAML file or one of: {known}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteError(f"Cannot read the suite {path}: {exc}.") from None
    return parse_suite(text, path)


def load_suites(names_or_paths: Iterable[str | Path] = DEFAULT_SUITES) -> list[Suite]:
    suites = [load_suite(p) for p in names_or_paths]
    names = [s.name for s in suites]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SuiteError(f"Two suites are named {', '.join(duplicates)} (the file name is the suite's name).",
                         hint="Rename one of the files.")
    return suites


def check_ids(suite: Suite, clause_ids: Collection[str], doc_ids: Collection[str]) -> None:
    """Every relevant id must name a clause or a document of the index."""
    problems = []
    for case in suite.cases:
        for rid in case.relevant:
            if rid in clause_ids or ("#" not in rid and rid in doc_ids):
                continue
            doc = rid.split("#")[0]
            pool = doc_ids if "#" not in rid else [c for c in clause_ids if c.split("#")[0] == doc]
            near = difflib.get_close_matches(rid, sorted(pool), n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            problems.append(f"line {case.line} ({case.id}): {rid!r} is not a clause or document "
                            f"in the index{hint}")
    if problems:
        _raise(suite.path, problems)
