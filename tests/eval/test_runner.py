"""The runner and its reports over the small hash-embedded index (fast; numbers are not meaningful)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eval import metrics as m
from eval.compare import compare
from eval.report import read_json, render_html, write_html, write_json
from eval.run import MODES, Run


def test_every_mode_scores_every_question(tiny_run: Run) -> None:
    assert tiny_run.meta["modes"] == list(MODES)
    assert len(tiny_run.rows) == 5 * len(MODES), "one row per question and mode"
    for row in tiny_run.rows:
        assert row.error == "", f"{row.mode}/{row.id} failed: {row.error}"
        assert len(row.ranked) <= 10
        if row.answerable:
            assert 0.0 <= (row.scores["recall_at_5"] or 0.0) <= 1.0
        if row.mode == "naive":
            assert row.abstained is None, "the naive baseline only retrieves"
            assert row.ranked_clauses is not None
            assert all(re.fullmatch(r"[\w-]+@\d+-\d+", ref) for ref in row.ranked), "naive cites char ranges"
        else:
            assert row.abstained is not None and row.evidence is not None
            assert row.timings["total_ms"] > 0


def test_explicit_reference_ranks_first_and_answers(tiny_run: Run) -> None:
    for row in (r for r in tiny_run.rows if r.id == "t-02" and r.mode != "naive"):
        assert row.reference and row.ranked[0] == "sfs-2018-585#2:1", \
            f"{row.mode}: the named clause comes first"
        assert row.abstained is False, "a question that names a clause is always answered"


def test_quotes_are_verbatim(tiny_run: Run) -> None:
    for mode in ("hybrid", "dense", "bm25"):
        agg = tiny_run.aggregates["tiny"][mode]
        failures = [f for r in tiny_run.rows if r.mode == mode for f in r.quote_failures]
        if agg["quote_sentences"]:
            assert agg["quote_fidelity"] == 1.0, f"{mode}: quotes not verbatim: {failures}"


def test_aggregates_match_the_rows(tiny_run: Run) -> None:
    rows = [r for r in tiny_run.rows if r.mode == "hybrid"]
    agg = tiny_run.aggregates["tiny"]["hybrid"]
    answerable = [r for r in rows if r.answerable]
    expected = sum(m.recall_at_k(r.ranked, r.relevant, 5) for r in answerable) / len(answerable)
    assert agg["recall_at_5"] == pytest.approx(expected, abs=1e-4)
    assert (agg["questions"], agg["answerable"], agg["unanswerable"]) == (5, 4, 1)
    ab = m.abstention([bool(r.abstained) for r in rows], [r.answerable for r in rows])
    assert agg["abstention_accuracy"] == pytest.approx(ab.accuracy, abs=1e-4)
    assert set(agg["by_lang"]) == {"sv", "en"}
    assert agg["latency_p50_ms"] is not None and agg["latency_p95_ms"] >= agg["latency_p50_ms"]
    naive = tiny_run.aggregates["tiny"]["naive"]
    assert naive["citation_precision"] is None and naive["abstention_accuracy"] is None, "n/a: no answers"
    assert tiny_run.meta["abstention_rule_mismatches"] == 0, \
        "the engine's abstention rule is what eval.calibrate assumes"


def test_risk_coverage_curve_ends_at_full_coverage(tiny_run: Run) -> None:
    points = tiny_run.curves["tiny"]["hybrid"]
    assert points and points[-1]["coverage"] == 1.0
    assert all(a["coverage"] <= b["coverage"] for a, b in zip(points, points[1:], strict=False))


def test_json_report_carries_the_run_metadata(tiny_run: Run, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    write_json(tiny_run.to_dict(), path)
    data = read_json(path)
    meta = data["meta"]
    for key in ("git", "index", "model", "settings", "suites", "abstain_threshold", "seconds"):
        assert key in meta, f"report metadata lacks {key}"
    assert len(meta["suites"][0]["sha256"]) == 64
    assert meta["model"]["id"] == "hash:64"
    json.dumps(data)  # plain JSON all the way down


def test_html_report_is_self_contained(tiny_run: Run, tmp_path: Path) -> None:
    html = render_html(json.loads(json.dumps(tiny_run.to_dict())))
    assert "<svg" in html and "Recall@k" in html and "Risk–coverage" in html
    assert "<script" not in html, "no JavaScript"
    assert not re.search(r"""(src|href)=["']https?:""", html), "no external assets"
    for mode in MODES:
        assert f"<td class=\"l\">{mode}</td>" in html, f"the table lacks the {mode} row"
    assert "t-05" in html and "What is the capital of Australia?" in html
    write_html(tiny_run.to_dict(), tmp_path / "r.html")
    assert (tmp_path / "r.html").stat().st_size > 1000


def test_compare_finds_regressions(tiny_run: Run) -> None:
    before = json.loads(json.dumps(tiny_run.to_dict()))
    after = json.loads(json.dumps(before))
    row = next(q for q in after["questions"] if q["mode"] == "hybrid" and q["id"] == "t-02")
    row["scores"]["rr_at_10"] = 0.25  # pretend the named clause dropped to rank 4
    result = compare(before, after, modes=["hybrid"])
    assert [c.id for c in result.regressed] == ["t-02"] and not result.improved
    assert "rank 1 → 4" in result.regressed[0].what[0]
    back = compare(after, before, modes=["hybrid"])
    assert [c.id for c in back.improved] == ["t-02"]
    assert result.unchanged == 4


def test_a_sealed_suite_is_reported_only_in_aggregate(tiny_run) -> None:  # type: ignore[no-untyped-def]
    """A sealed suite's questions never reach the JSON or HTML report (nor `eval compare`), only its numbers."""
    import copy

    sealed = copy.deepcopy(tiny_run)
    for entry in sealed.meta["suites"]:
        entry["sealed"] = True
    data = sealed.to_dict()
    assert data["questions"] == [], "per-question rows of a sealed suite must not be written"
    assert data["aggregates"] == tiny_run.aggregates, "its aggregate numbers are reported as usual"
    assert tiny_run.to_dict()["questions"], "an unsealed suite keeps its per-question rows"
