"""Choosing the abstention threshold: known answers, ties, and the held-out suite is never used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.calibrate import Point, calibrate, choose_threshold, evaluate, evidence_model
from eval.suites import SuiteError, load_suite


def test_threshold_maximises_accuracy() -> None:
    # answerable evidence 0.9, 0.8, 0.6; unanswerable 0.5, 0.7; a reference with weak evidence 0.1
    points = [Point(0.9, True, False), Point(0.8, True, False), Point(0.6, True, False),
              Point(0.5, False, False), Point(0.7, False, False), Point(0.1, True, True)]
    best = choose_threshold(points, target=0.0)
    # t = 0.55 abstains on 0.5 only: right on 5 of 6; no threshold does better (0.75 also gets 5 of 6,
    # abstaining on 0.6 and 0.7 and 0.5 — ties go to the lower threshold)
    assert best.threshold == pytest.approx(0.55)
    assert best.accuracy == pytest.approx(5 / 6)
    assert (best.precision, best.recall, best.over_abstention) == (1.0, 0.5, 0.0)
    assert evaluate(points, 0.75).accuracy == pytest.approx(5 / 6)
    assert evaluate(points, 0.95).over_abstention == pytest.approx(3 / 4), "the reference is still answered"


def test_targets_come_before_accuracy() -> None:
    # unanswerable 0.2, 0.3, 0.5; answerable 0.4, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97
    points = [Point(e, False, False) for e in (0.2, 0.3, 0.5)] + \
             [Point(e, True, False) for e in (0.4, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97)]
    # t = 0.35 is the most accurate (9 of 10) but catches 2 of 3; t = 0.55 catches all 3 at precision 3/4
    assert choose_threshold(points, target=0.0).threshold == pytest.approx(0.35)
    best = choose_threshold(points, target=0.75)
    assert best.threshold == pytest.approx(0.55) and (best.precision, best.recall) == (0.75, 1.0)
    # a target no threshold reaches: the best abstention F1 (0.55: P 3/4, R 1, F1 0.86; 0.35: P 1, R 2/3, F1 0.8)
    assert choose_threshold(points, target=0.99).threshold == pytest.approx(0.55)


def test_no_hits_always_abstain() -> None:
    points = [Point(0.0, False, False, hits=False), Point(0.8, True, False)]
    assert choose_threshold(points).accuracy == 1.0
    assert evaluate(points, 0.0).precision == 1.0


def test_refuses_the_held_out_suite(small_settings) -> None:  # type: ignore[no-untyped-def]
    for sealed in ("heldout", "blind-test"):
        with pytest.raises(SuiteError, match="sealed"):
            calibrate(small_settings, [load_suite(sealed)], out=None)


def test_calibrate_writes_the_file(small_settings, small_assistant, tiny_suite_path: Path,  # type: ignore[no-untyped-def]
                                   tmp_path: Path) -> None:
    out = tmp_path / "calibration.json"
    result = calibrate(small_settings, [load_suite(tiny_suite_path)], out=out, assistant=small_assistant)
    written = json.loads(out.read_text(encoding="utf-8"))
    for key in ("abstain_threshold", "suite", "precision", "recall", "over_abstention", "index_version",
                "model", "evidence_function", "calibrated_at"):
        assert key in written, f"calibration.json lacks {key}"
    assert written["abstain_threshold"] == result["abstain_threshold"]
    assert written["evidence_function"], "say which evidence function the threshold belongs to"
    assert len(result["points"]) == 5 and "points" not in written
    module = evidence_model()
    if module is not None and hasattr(module, "load_model"):
        # the engine must be able to read what calibrate writes: the refitted model and its threshold
        model = module.load_model(out)
        assert model is not None, "assistant.abstain.load_model cannot read the calibration eval writes"
        assert model.threshold == written["abstain_threshold"]
        assert written["abstain_model"]["features"] == list(module.FEATURES)
