"""The CI quality gate: the development suite in hybrid mode must stay above the floors in eval/thresholds.toml.

It uses the real bundled model over the whole corpus (the ``real_settings`` index) and
the abstention threshold that ``assistant/calibration.json`` holds, whatever it is.
The held-out suite never gates. Raise the floors as quality improves
(``vagvisare eval run --suite dev --mode hybrid`` shows the current numbers).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from eval.run import run_eval
from eval.suites import load_suite

THRESHOLDS = Path(__file__).resolve().parents[2] / "eval" / "thresholds.toml"
GATED = ("recall_at_5", "mrr_at_10", "quote_fidelity", "abstention_accuracy", "abstention_precision",
         "abstention_recall")


def floors() -> dict[str, dict[str, dict[str, float]]]:
    return tomllib.loads(THRESHOLDS.read_text(encoding="utf-8"))


def test_thresholds_file_gates_the_six_numbers() -> None:
    gate = floors()
    assert set(gate) == {"dev"}, "only the development suite gates; the held-out split is never tuned on"
    assert set(gate["dev"]["hybrid"]) == set(GATED), f"eval/thresholds.toml must set floors for {GATED}"
    assert gate["dev"]["hybrid"]["quote_fidelity"] == 1.0, "every quote must be verbatim: no margin"
    for name, value in gate["dev"]["hybrid"].items():
        assert 0.0 <= value <= 1.0, f"{name} = {value} is not a rate"


@pytest.mark.model
def test_dev_suite_meets_the_floors(real_assistant, real_settings) -> None:  # type: ignore[no-untyped-def]
    run = run_eval(real_settings, [load_suite("dev")], ["hybrid"], assistant=real_assistant, curves=False)
    measured = run.aggregates["dev"]["hybrid"]
    rows, failed = [], []
    for suite, per_mode in floors().items():
        for mode, gate in per_mode.items():
            for name, floor in gate.items():
                value = run.aggregates[suite][mode].get(name) if suite == "dev" and mode == "hybrid" else None
                ok = value is not None and value >= floor
                shown = "n/a" if value is None else f"{value:.3f}"
                rows.append(f"{suite:<5} {mode:<7} {name:<20} {floor:>6.3f} {shown:>8}  {'ok' if ok else 'BELOW'}")
                failed += [] if ok else [name]
    failures = [f for r in run.rows for f in r.quote_failures]
    table = "\n".join(["suite mode    metric                floor  measured", *rows])
    assert not failed, (f"The eval gate failed ({', '.join(failed)} below the floor in eval/thresholds.toml):\n"
                        f"{table}\nquotes not verbatim: {failures[:5]}\n"
                        "Run `vagvisare eval run --suite dev` for the per-question report.")
    assert measured["errors"] == 0, "no suite question may raise"
