"""The question bank and the eval suites are written apart, and stay apart: no bank question may
near-duplicate a question of any suite, or the suites would measure the bank's memory, not search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from eval.apart import drop, eval_questions, too_close
from ingest.bank import add_question, load_bank, normalised

ROOT = Path(__file__).resolve().parents[2]
NEAR = 0.95  # cosine of the bundled e5 ("query:" on both sides) at which two questions count as one


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


@pytest.mark.model
def test_apart_finds_and_drops_only_the_near_duplicates(real_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from core.records import Clause

    clause = Clause("sfs-2018-585#3:1", "sfs-2018-585", "3:1", "3 kap. 1 §", (), "Säkerhetsprövning …", "sv", 0)
    question = "Måste en gästforskare från ett annat land säkerhetsprövas innan hen börjar?"
    kept = "Vilka regler gäller för upphovsrätt till datorprogram?"
    for q in (question.upper(), "Måste en gästforskare från ett annat land säkerhetsprövas innan hon börjar?", kept):
        add_question(tmp_path, clause, q, "sv", "test")
    entries = load_bank(tmp_path)
    close = too_close(entries, [question], real_assistant.embedder)
    assert {c.entry.line for c in close} == {1, 2}, "the same words, and a near paraphrase"
    assert sorted(c.cosine == 1.0 for c in close) == [False, True]
    assert drop([c.entry for c in close]) == 2
    assert [e.question for e in load_bank(tmp_path)] == [kept]
