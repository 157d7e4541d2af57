"""The question bank and the eval suites are written apart, and stay apart: no bank question may
near-duplicate a question of any suite, or the suites would measure the bank's memory, not search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from eval.suites import SUITES_DIR, load_suites
from ingest.bank import load_bank, normalised

ROOT = Path(__file__).resolve().parents[2]
NEAR = 0.95  # cosine of the bundled e5 ("query:" on both sides) at which two questions count as one


def eval_questions() -> list[str]:
    questions = [c.question for s in load_suites(sorted(SUITES_DIR.glob("*.yaml"))) for c in s.cases]
    for dialogue in yaml.safe_load((ROOT / "eval" / "dialogues" / "blind.yaml").read_text(encoding="utf-8")):
        questions += [turn["question"] for turn in dialogue["turns"]]
    return questions


def test_no_bank_question_has_the_words_of_an_eval_question() -> None:
    suite_words = {normalised(q) for q in eval_questions()}
    same = [f"{e.file}:{e.line}" for e in load_bank(ROOT / "corpus" / "bank") if normalised(e.question) in suite_words]
    assert not same, f"bank questions with the words of an eval question: {same[:10]}"


@pytest.mark.model
def test_no_bank_question_is_a_near_paraphrase_of_an_eval_question(real_assistant) -> None:  # type: ignore[no-untyped-def]
    index = real_assistant.index
    assert len(index.bank), "the test index holds the bank"
    questions = eval_questions()
    vectors = real_assistant.embedder.encode_questions(questions)
    nearest = (vectors @ index.bank_vectors.T).max(axis=1)
    close = [(round(float(c), 3), q) for c, q in zip(nearest, questions, strict=True) if c >= NEAR]
    assert not close, f"{len(close)} eval question(s) have a bank question at cosine >= {NEAR}: {close[:5]}"
    assert float(np.max(nearest)) < NEAR
