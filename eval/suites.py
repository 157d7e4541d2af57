"""Eval suites: YAML files of questions with the clauses that answer them.

Format (eval/README.md, "Suite format")::

    - id: q001
      question: "Måste vi säkerhetspröva externa konsulter?"
      lang: sv
      relevant: ["sfs-2018-585#3:1"]   # clause ids; a bare doc_id matches any clause of it
      answerable: true
      note: "optional"

``answerable: false`` with ``relevant: []`` marks a question the corpus does not answer.
A suite may also be a mapping with ``questions:`` (that list), ``about:`` (who wrote it and how)
and ``sealed: true``: a sealed suite is read only as aggregate numbers by ``eval run`` and is
refused by every tuning entry point (:func:`require_tunable`), whatever the file is called.
Blind suites may give ``evidence`` (a verbatim phrase of each relevant clause, in order) and
``style`` (how the question is put). Every problem is reported with its file, line and entry, all at once.
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
DEFAULT_SUITES = ("dev", "heldout", "blind-train", "blind-test")
REQUIRED = ("id", "question", "lang", "relevant", "answerable")
OPTIONAL = ("note", "evidence", "style")
STYLES = ("situational", "general", "keyword", "reference", "typo", "non-native", "two-acts", "out-of-scope")
TOP_KEYS = ("about", "sealed", "questions")
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
    evidence: tuple[str, ...] = ()
    style: str = ""


@dataclass(frozen=True)
class Suite:
    name: str  # the file's stem: "dev", "heldout"
    path: Path
    sha256: str
    cases: tuple[Case, ...]
    sealed: bool = False
    about: str = ""

    @property
    def tuning_allowed(self) -> bool:
        """A sealed suite (and the held-out split) is reported, never tuned or calibrated on."""
        return not self.sealed and self.name != "heldout"


def require_tunable(suites: Iterable[Suite], purpose: str) -> None:
    """Refuse a sealed or held-out suite to a tuning entry point (calibration, a weight or
    threshold search, feedback drafts): what is tuned on stops measuring what it was kept for."""
    refused = [s.name for s in suites if not s.tuning_allowed]
    if refused:
        raise SuiteError(f"Refusing to {purpose} on {', '.join(refused)}: "
                         f"{'it is' if len(refused) == 1 else 'they are'} sealed (reported, never tuned on).",
                         hint="Tune on dev or blind-train: `--suite dev --suite blind-train`.")


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
    if isinstance(node, yaml.MappingNode):  # the mapping form: the lines of its 'questions' list
        node = next((v for k, v in node.value if getattr(k, "value", None) == "questions"), None)
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
    if "style" in raw and raw["style"] not in STYLES:
        problems.append(f"{where}: style {raw['style']!r} is not one of {', '.join(STYLES)}.")
    evidence = raw.get("evidence", [])
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e.strip() for e in evidence):
        problems.append(f"{where}: 'evidence' must be a list of verbatim phrases, got {evidence!r}.")
    elif evidence and isinstance(raw.get("relevant"), list) and len(evidence) != len(raw["relevant"]):
        problems.append(f"{where}: 'evidence' needs one phrase per relevant id ({len(raw['relevant'])}), "
                        f"got {len(evidence)}.")
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
    sealed, about = False, ""
    if isinstance(data, dict):
        unknown = [k for k in data if k not in TOP_KEYS]
        if unknown:
            raise SuiteError(f"{path}: unknown top-level key(s) {', '.join(map(str, unknown))} "
                             f"(known: {', '.join(TOP_KEYS)}).", hint="See eval/README.md, 'Suite format'.")
        if not isinstance(data.get("sealed", False), bool):
            raise SuiteError(f"{path}: 'sealed' must be true or false.", hint="See eval/README.md, 'Suite format'.")
        sealed, about = data.get("sealed", False), str(data.get("about", ""))
        data = data.get("questions")
    if not isinstance(data, list) or not data:
        raise SuiteError(f"{path}: a suite is a non-empty YAML list of questions (or a mapping with 'questions').",
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
                              raw["answerable"], raw.get("note", ""), line, tuple(raw.get("evidence", ())),
                              raw.get("style", "")))
    if problems:
        _raise(path, problems)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Suite(path.stem, path, digest, tuple(cases), sealed, about)


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
