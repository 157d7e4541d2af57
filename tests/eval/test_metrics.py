"""Known-answer tests for the eval metrics: every expected value is worked out by hand in a comment."""

from __future__ import annotations

import math

import pytest

from eval import metrics as m

REL = ["sfs-2018-585#2:1", "sfs-2018-585#3:1"]


# ---------------------------------------------------------------------------- matching
@pytest.mark.parametrize(("relevant", "clause", "expected"), [
    ("sfs-2018-585#2:1", "sfs-2018-585#2:1", True),
    ("sfs-2018-585#2:1", "sfs-2018-585#2:10", False),  # a prefix is not a match
    ("sfs-2018-585#3:19", "sfs-2018-585#3:19@2026-03-01", True),  # the plain id covers its other wording
    ("sfs-2018-585#3:19@2026-03-01", "sfs-2018-585#3:19", False),  # an @ id matches exactly
    ("sfs-2018-585#3:19@2026-03-01", "sfs-2018-585#3:19@2026-03-01", True),
    ("regeringsbeslut-2025-05-22", "regeringsbeslut-2025-05-22#bakgrund-2", True),  # bare doc id: any clause
    ("sfs-2018-585", "sfs-2018-5850#1:1", False),
    ("sfs-2018-585", "sfs-2021-955#1:1", False),
])
def test_matches(relevant: str, clause: str, expected: bool) -> None:
    assert m.matches(relevant, clause) is expected, f"{relevant} vs {clause}"


# ---------------------------------------------------------------------------- recall, hit
def test_recall_and_hit_at_k() -> None:
    ranked = ["x#1", "sfs-2018-585#2:1", "y#1", "z#1", "sfs-2018-585#3:1"]
    # relevant at ranks 2 and 5 of 2 relevant ids
    assert m.recall_at_k(ranked, REL, 1) == 0.0
    assert m.recall_at_k(ranked, REL, 3) == 0.5  # 1 of 2
    assert m.recall_at_k(ranked, REL, 5) == 1.0  # 2 of 2
    assert m.recall_at_k(ranked, REL, 10) == 1.0  # fewer than k positions is fine
    assert m.hit_at_k(ranked, REL, 1) == 0.0
    assert m.hit_at_k(ranked, REL, 3) == 1.0


def test_bare_doc_id_counts_once() -> None:
    # two clauses of the decision in the top 3 satisfy the one bare doc id once: recall 1/2, not 2/2
    ranked = ["regeringsbeslut-2025-05-22#a", "regeringsbeslut-2025-05-22#b", "q#1"]
    rel = ["regeringsbeslut-2025-05-22", "sfs-2018-585#2:1"]
    assert m.recall_at_k(ranked, rel, 3) == 0.5
    assert m.recall_at_k(ranked + ["sfs-2018-585#2:1"], rel, 4) == 1.0


def test_chunk_positions_match_any_covered_clause() -> None:
    ranked = [{"a#1", "a#2"}, {"sfs-2018-585#2:1", "sfs-2018-585#2:2"}]
    assert m.recall_at_k(ranked, REL, 2) == 0.5
    assert m.first_relevant_rank(ranked, REL) == 2


def test_recall_needs_relevant_ids() -> None:
    with pytest.raises(ValueError):
        m.recall_at_k(["a#1"], [], 5)


# ---------------------------------------------------------------------------- MRR
def test_reciprocal_rank() -> None:
    assert m.reciprocal_rank(["sfs-2018-585#3:1"], REL) == 1.0
    assert m.reciprocal_rank(["a", "b", "sfs-2018-585#2:1"], REL) == pytest.approx(1 / 3)
    ten = [f"x#{i}" for i in range(10)]
    assert m.reciprocal_rank(ten + ["sfs-2018-585#2:1"], REL, 10) == 0.0  # rank 11 is outside @10
    # MRR of three questions with first relevant at ranks 1, 2, none: (1 + 1/2 + 0) / 3 = 0.5
    rrs = [m.reciprocal_rank(r, REL) for r in (["sfs-2018-585#2:1"], ["a", "sfs-2018-585#3:1"], ["a"])]
    assert sum(rrs) / 3 == pytest.approx(0.5)


# ---------------------------------------------------------------------------- nDCG
def test_ndcg_known_values() -> None:
    # relevant at ranks 2 and 4 of 2: DCG = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068 = 1.06161
    # ideal: ranks 1 and 2: IDCG = 1 + 1/log2(3) = 1.63093; nDCG = 0.65092
    ranked = ["x", "sfs-2018-585#2:1", "y", "sfs-2018-585#3:1"]
    assert m.ndcg_at_k(ranked, REL, 10) == pytest.approx(0.65092, abs=1e-5)
    # one relevant id at rank 3: 1/log2(4) / 1 = 0.5
    assert m.ndcg_at_k(["x", "y", "sfs-2018-585#2:1"], ["sfs-2018-585#2:1"], 10) == pytest.approx(0.5)
    # perfect ranking
    assert m.ndcg_at_k(["sfs-2018-585#3:1", "sfs-2018-585#2:1"], REL, 10) == pytest.approx(1.0)
    # a second clause of an already credited doc id gains nothing: gains 1, 0 → DCG 1; IDCG (1 relevant) 1
    assert m.ndcg_at_k(["d#1", "d#2"], ["d"], 10) == pytest.approx(1.0)
    # k cuts the ideal too: 3 relevant, k = 2, relevant at rank 2 only: (1/log2 3) / (1 + 1/log2 3) = 0.38685
    assert m.ndcg_at_k(["x", "a#1"], ["a#1", "b#1", "c#1"], 2) == pytest.approx(0.63093 / 1.63093, abs=1e-5)


# ---------------------------------------------------------------------------- citations and quotes
def test_citation_precision() -> None:
    cited = ["sfs-2018-585#2:1", "other#1", "sfs-2018-585#3:1"]
    assert m.citation_precision(cited, REL) == pytest.approx(2 / 3)  # 2 of 3 cited are relevant
    assert m.citation_precision([], REL) is None


def test_quote_fidelity() -> None:
    clause = "Första meningen gäller.\nAndra meningen gäller också. Tredje meningen är sist."
    quote = "Första meningen gäller. Andra meningen gäller också. […] Tredje meningen är sist."
    ok = m.quote_fidelity(quote, clause)
    assert (ok.sentences, ok.faithful, ok.failures) == (3, 3, ())  # "\n" in the clause read as " "
    assert ok.rate == 1.0
    bad = m.quote_fidelity("Första meningen gäller. Andra meningen gäller inte.", clause)
    # the segment is not verbatim, so neither sentence counts, although the first occurs on its own
    assert (bad.sentences, bad.faithful) == (2, 0)
    assert "Andra meningen gäller inte." in bad.failures
    assert m.quote_fidelity("", clause).rate is None


def test_quote_fidelity_is_not_fooled_by_other_whitespace() -> None:
    clause = "Ett  dubbelt mellanslag."
    assert m.quote_fidelity("Ett dubbelt mellanslag.", clause).faithful == 0  # only "\n" ≡ " " is allowed


# ---------------------------------------------------------------------------- abstention
def test_abstention_known_values() -> None:
    # 6 questions: answerable A A A A, unanswerable U U
    answerable = [True, True, True, True, False, False]
    abstained = [False, True, False, False, True, False]
    ab = m.abstention(abstained, answerable)
    assert ab.precision == 0.5  # 2 abstentions, 1 on an unanswerable question
    assert ab.recall == 0.5  # 1 of 2 unanswerable
    assert ab.over_abstention == 0.25  # 1 of 4 answerable
    assert ab.accuracy == pytest.approx(4 / 6)  # right: A(no) A(no) A(no) U(yes)
    none = m.abstention([False, False], [True, False])
    assert none.precision is None and none.recall == 0.0


# ---------------------------------------------------------------------------- summaries
def test_percentile_linear_interpolation() -> None:
    values = [10.0, 20.0, 30.0, 40.0]
    assert m.percentile(values, 50) == 25.0  # between 20 and 30
    assert m.percentile(values, 95) == pytest.approx(38.5)  # pos 2.85: 30 + 0.85 × 10
    assert m.percentile([7.0], 95) == 7.0
    assert m.percentile([], 50) is None


def test_bootstrap_is_deterministic_and_brackets_the_mean() -> None:
    values = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0]
    a = m.bootstrap_ci(values, seed=7)
    b = m.bootstrap_ci(values, seed=7)
    assert a == b, "the same seed must give the same interval"
    assert a is not None and a[0] <= 0.7 <= a[1]
    assert m.bootstrap_ci([0.5] * 20) == (0.5, 0.5)  # no spread, no interval width
    assert m.bootstrap_ci([]) is None


def test_gap() -> None:
    assert m.gap({"sv": 0.8, "en": 0.6}) == pytest.approx(0.2)
    assert m.gap({"sv": 0.8, "en": None}) is None


def test_risk_coverage() -> None:
    # evidence and correctness of 4 questions; the last is an explicit reference (always answered)
    evidence = [0.9, 0.8, 0.7, 0.1]
    correct = [True, False, True, True]
    points = m.risk_coverage(evidence, correct, [False, False, False, True])
    # reference alone: coverage 1/4, risk 0; + 0.9: 2/4, 0; + 0.8: 3/4, 1/3; + 0.7: 4/4, 1/4
    assert [(p.coverage, round(p.risk, 4)) for p in points] == [(0.25, 0.0), (0.5, 0.0), (0.75, 0.3333),
                                                                 (1.0, 0.25)]
    assert math.isinf(points[0].threshold) and points[-1].threshold == 0.7
    tied = m.risk_coverage([0.5, 0.5], [True, False])
    assert [(p.coverage, p.risk) for p in tied] == [(1.0, 0.5)], "ties enter together"
