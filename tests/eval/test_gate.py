"""The CI quality gate: blind-test (sealed) and dev in hybrid mode must stay above the floors in
eval/thresholds.toml.

It uses the real bundled model over the whole corpus (the ``real_settings`` index) and the
abstention threshold that ``assistant/calibration.json`` holds, whatever it is. blind-test is
sealed: the gate reads its aggregate numbers only and never prints its questions.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from eval.run import run_eval
from eval.suites import load_suite

THRESHOLDS = Path(__file__).resolve().parents[2] / "eval" / "thresholds.toml"
GATED = {
    "blind-test": {"recall_at_5", "mrr_at_10", "citation_precision", "quote_fidelity", "abstention_precision",
                   "abstention_recall"},
    "dev": {"recall_at_5", "mrr_at_10", "quote_fidelity"},  # calibration data: no abstention floors from it
}


def floors() -> dict[str, dict[str, dict[str, float]]]:
    return tomllib.loads(THRESHOLDS.read_text(encoding="utf-8"))


def test_thresholds_file_gates_blind_test_and_dev() -> None:
    gate = floors()
    assert set(gate) == set(GATED), "the sealed blind-test suite and dev gate; nothing tuned-on sets abstention floors"
    for suite, names in GATED.items():
        assert set(gate[suite]["hybrid"]) == names, f"eval/thresholds.toml must set {suite} floors for {names}"
        assert gate[suite]["hybrid"]["quote_fidelity"] == 1.0, "every quote must be verbatim: no margin"
        for name, value in gate[suite]["hybrid"].items():
            assert 0.0 <= value <= 1.0, f"{suite} {name} = {value} is not a rate"


@pytest.mark.model
def test_blind_test_and_dev_meet_the_floors(real_assistant, real_settings) -> None:  # type: ignore[no-untyped-def]
    suites = [load_suite(name) for name in GATED]
    run = run_eval(real_settings, suites, ["hybrid"], assistant=real_assistant, curves=False)
    rows, failed = [], []
    for suite, per_mode in floors().items():
        for mode, gate in per_mode.items():
            measured = run.aggregates[suite][mode]
            for name, floor in gate.items():
                value = measured.get(name)
                ok = value is not None and value >= floor
                shown = "n/a" if value is None else f"{value:.3f}"
                rows.append(f"{suite:<10} {mode:<7} {name:<20} {floor:>6.3f} {shown:>8}  {'ok' if ok else 'BELOW'}")
                failed += [] if ok else [f"{suite} {name}"]
            assert measured["errors"] == 0, f"{suite}: no suite question may raise"
    dev_failures = [f for r in run.rows if r.suite == "dev" for f in r.quote_failures]  # never blind-test's
    table = "\n".join(["suite      mode    metric                floor  measured", *rows])
    assert not failed, (f"The eval gate failed ({', '.join(failed)} below the floor in eval/thresholds.toml):\n"
                        f"{table}\ndev quotes not verbatim: {dev_failures[:5]}\n"
                        "Look at dev and blind-train failures (`vagvisare eval run --suite dev --suite blind-train`); "
                        "blind-test is read only as these numbers.")
