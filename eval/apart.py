"""Keep the question bank apart from the eval suites (`vagvisare eval apart`).

The bank (and its other side, the questions the sources do not answer) and the suites are written by
different blind writers, but writers of the same kind
converge on similar wordings. A bank question that near-duplicates an eval question (the same
normalised words, or cosine >= ``NEAR`` with the bundled e5, ``query:`` on both sides) would let
the suites measure the bank's memory instead of search, so it is reported and, with ``--drop``,
taken out of its bank file (the file is rewritten whole, then swapped in). Run it after every
import of blind questions; ``tests/eval/test_bank_apart.py`` fails the build when one slips through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import yaml

from core.embed import Embedder
from eval.suites import SUITES_DIR, load_suites
from ingest.bank import BankEntry, Outside, load_bank, load_outside, normalised, remove_lines

DIALOGUES = Path(__file__).parent / "dialogues" / "blind.yaml"
NEAR = 0.945  # a little under the test's 0.95, so that a rebuilt model's rounding cannot bring one back


def eval_questions(suites_dir: Path = SUITES_DIR, dialogues: Path = DIALOGUES) -> list[str]:
    """Every question of every suite and every turn of the dialogue suite."""
    return list(_eval_questions(suites_dir, dialogues))


def _eval_questions(suites_dir: Path = SUITES_DIR, dialogues: Path = DIALOGUES) -> dict[str, str]:
    """Every eval question, with how a report may name it: its words, or only its suite when sealed
    (the text of a sealed question is not shown, not even here)."""
    out: dict[str, str] = {}
    for suite in load_suites(sorted(suites_dir.glob("*.yaml"))):
        for case in suite.cases:
            out.setdefault(case.question, f"a question of the sealed suite {suite.name}" if not suite.tuning_allowed
                           else repr(case.question))
    for dialogue in yaml.safe_load(dialogues.read_text(encoding="utf-8")) or []:
        for turn in dialogue["turns"]:
            out.setdefault(turn["question"], repr(turn["question"]))
    return out


@dataclass(frozen=True)
class TooClose:
    entry: BankEntry | Outside
    eval_question: str
    cosine: float  # 1.0 for the same words
    shown_as: str = ""  # how a report names the eval question (a sealed one by its suite only)


def too_close(entries: Sequence[BankEntry | Outside], questions: Sequence[str], embedder: Embedder,
              near: float = NEAR) -> list[TooClose]:
    """The bank questions that near-duplicate an eval question."""
    by_words = {normalised(q): q for q in questions}
    out = [TooClose(e, by_words[normalised(e.question)], 1.0) for e in entries if normalised(e.question) in by_words]
    same = {id(c.entry) for c in out}
    rest = [e for e in entries if id(e) not in same]
    if not rest or not questions:
        return out
    eval_vectors = np.asarray(embedder.encode_questions(list(questions)))
    bank_vectors = np.asarray(embedder.encode_questions([e.question for e in rest]))
    cosine = bank_vectors @ eval_vectors.T
    best = cosine.argmax(axis=1)
    for e, j, row in zip(rest, best, cosine, strict=True):
        if row[j] >= near:
            out.append(TooClose(e, questions[int(j)], float(row[j])))
    return out


def drop(entries: Sequence[BankEntry | Outside]) -> int:
    """Take the given questions out of their bank files; how many lines went."""
    by_file: dict[str, set[int]] = {}
    for e in entries:
        by_file.setdefault(e.file, set()).add(e.line)
    return sum(remove_lines(Path(file), lines) for file, lines in by_file.items())


def check_bank_apart(bank_dir: Path, embedder: Embedder) -> list[TooClose]:
    """The bank's questions (both sides) too close to an eval question, each with how to name it."""
    questions = _eval_questions()
    close = too_close([*load_bank(bank_dir), *load_outside(bank_dir)], list(questions), embedder)
    return [replace(c, shown_as=questions[c.eval_question]) for c in close]
