"""Calibrate the abstention decision on the development suite (`vagvisare eval calibrate`).

The engine abstains when a question names no clause explicitly and either nothing was
found or its evidence score < threshold. The evidence function belongs to the
retrieval code (``assistant.abstain``) and may change; this module only fits and
chooses on the development suite, so re-run it whenever the evidence changes:

1. Every question is run with abstention switched off (``abstain_threshold = -1``),
   collecting its evidence features (``Assistant.evidence``), whether it names a
   clause explicitly, and whether search found anything.
2. If the engine has a fittable evidence model (``assistant.abstain.fit`` over
   ``assistant.abstain.FEATURES``), the model is refitted on the questions the threshold
   can affect (no explicit reference, something found), labels = answerable, and each
   question's evidence score is the refitted model's probability. Otherwise the
   score is ``Answer.evidence`` as the engine computes it.
3. **Objective**: among the thresholds whose abstention precision and recall both reach
   the product's targets (``TARGET`` = 0.85, the retrieval issue's goal), the one with the
   highest abstention accuracy (the share of questions where abstained == not answerable);
   when no threshold reaches both, the one with the best F1 of abstention precision and recall
   (measured on blind-train, cross-validated: accuracy alone then buys a few right answers with
   many confident quotes for questions the sources do not answer, recall 0.55 against 0.64 at
   the same precision). The targets come first because a refusal that points to the security
   officer costs the user less than an answer from a clause that does not answer the question. Candidates are the
   midpoints between consecutive distinct scores (and the ends). Ties go to the
   **lowest** threshold: with equal accuracy, an answer with checkable citations is
   preferred to a refusal.

The held-out suite is refused here: it is reported by `eval run`, never tuned on.
The result is written to ``assistant/calibration.json``, which the assistant reads when
``VAGVISARE_ABSTAIN_THRESHOLD`` is 0 (the default).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from assistant import abstain
from assistant.engine import Assistant
from core.settings import Settings
from eval import metrics as m
from eval.suites import Suite, SuiteError, check_ids, display_path, require_tunable

CALIBRATION_FILE = abstain.CALIBRATION_FILE  # assistant/calibration.json
L2 = 1.0  # ridge penalty of the refitted logistic evidence model
TARGET = 0.85  # abstention precision and recall the threshold should reach (see the objective)


@dataclass(frozen=True)
class Point:
    evidence: float  # the score compared with the threshold
    answerable: bool
    reference: bool  # an explicit reference: answered whatever the evidence
    hits: bool = True  # without any hit the engine abstains whatever the threshold
    features: Any = None  # the engine's evidence record, when it has one (for refitting)


@dataclass(frozen=True)
class Choice:
    threshold: float
    accuracy: float
    precision: float | None
    recall: float | None
    over_abstention: float | None
    f1: float | None


def evaluate(points: Sequence[Point], threshold: float) -> Choice:
    abstained = [not p.reference and (not p.hits or p.evidence < threshold) for p in points]
    ab = m.abstention(abstained, [p.answerable for p in points])
    p, r = ab.precision, ab.recall
    f1 = 2 * p * r / (p + r) if p is not None and r is not None and p + r > 0 else None
    return Choice(threshold, ab.accuracy or 0.0, p, r, ab.over_abstention, f1)


def candidates(points: Sequence[Point]) -> list[float]:
    values = sorted({round(p.evidence, 6) for p in points if not p.reference and p.hits})
    if not values:
        return [0.0]
    mids = [round((a + b) / 2, 6) for a, b in zip(values, values[1:], strict=False)]
    return [0.0, *mids, round(values[-1] + 0.001, 6)]


def choose_threshold(points: Sequence[Point], target: float = TARGET) -> Choice:
    """The most accurate threshold that reaches ``target`` abstention precision and recall, or the
    one with the best abstention F1 when none does; among equals, the lowest (see the module docstring)."""
    if not points:
        raise SuiteError("Nothing to calibrate on: the suite has no questions.")
    choices = [evaluate(points, t) for t in candidates(points)]
    on_target = [c for c in choices if (c.precision or 0.0) >= target and (c.recall or 0.0) >= target]

    def goodness(c: Choice) -> float:
        return c.accuracy if on_target else (c.f1 or 0.0)

    best: Choice | None = None
    for choice in on_target or choices:
        if best is None or goodness(choice) > goodness(best) + 1e-12:
            best = choice
    assert best is not None
    return best


def read_calibration(path: Path = CALIBRATION_FILE) -> dict[str, Any]:
    """What the assistant is calibrated with (for reports); empty when not calibrated."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def evidence_model() -> ModuleType | None:
    """The engine's fittable evidence model (``assistant.abstain``), if it has one."""
    return abstain if hasattr(abstain, "fit") and hasattr(abstain, "FEATURES") else None


def collect(bot: Assistant, suites: Sequence[Suite]) -> list[Point]:
    """Evidence of every question with abstention off (``bot`` must never abstain)."""
    if bot.threshold >= 0:
        raise ValueError("collect() needs an assistant with abstain_threshold < 0 (never abstains)")
    with_features = hasattr(bot, "evidence")
    points = []
    for suite in suites:
        for case in suite.cases:
            answer = bot.answer(case.question)
            hits = bot.search(case.question, k=10)
            reference = any(h.via == "reference" for h in hits)
            features = bot.evidence(case.question) if with_features else None
            points.append(Point(answer.evidence, case.answerable, reference, bool(hits), features))
    return points


def refit(module: ModuleType, points: Sequence[Point]) -> tuple[Any, list[Point]]:
    """Fit the evidence model on the questions a threshold decides; rescore every question with it."""
    train = [p for p in points if not p.reference and p.hits and p.features is not None]
    if len({p.answerable for p in train}) < 2:
        raise SuiteError("Cannot fit the abstention model: the suite needs both answerable and "
                         "unanswerable questions.")
    model = module.fit([list(p.features.features()) for p in train], [int(p.answerable) for p in train], l2=L2)
    rescored = [replace(p, evidence=round(model.probability(p.features), 4)) if p.features is not None else p
                for p in points]
    return model, rescored


def calibrate(settings: Settings, suites: Sequence[Suite], *, out: Path | None = CALIBRATION_FILE,
              assistant: Assistant | None = None) -> dict[str, Any]:
    """Fit and choose on ``suites`` and write the calibration to ``out`` (None: write nothing)."""
    require_tunable(suites, "calibrate")
    base = assistant or Assistant.load(settings)
    for suite in suites:
        check_ids(suite, base.index.by_id.keys(), base.index.documents.keys())
    bot = Assistant(base.settings.replace(abstain_threshold=-1.0), base.index, base.embedder)
    points = collect(bot, suites)
    module = evidence_model()
    model, feature_names = None, None
    if module is not None and all(p.features is not None for p in points):
        model, points = refit(module, points)
        feature_names = list(module.FEATURES)
    choice = choose_threshold(points)
    result: dict[str, Any] = {
        "abstain_threshold": choice.threshold,
        "suite": ", ".join(display_path(s.path) for s in suites),
        "suite_sha256": {s.name: s.sha256 for s in suites},
        "objective": (f"maximise abstention accuracy among the thresholds with precision and recall >= {TARGET} "
                      "(the best abstention F1 when none reaches both); ties: the lowest threshold"),
        "accuracy": round(choice.accuracy, 4),
        "precision": None if choice.precision is None else round(choice.precision, 4),
        "recall": None if choice.recall is None else round(choice.recall, 4),
        "over_abstention": None if choice.over_abstention is None else round(choice.over_abstention, 4),
        "f1": None if choice.f1 is None else round(choice.f1, 4),
        "questions": len(points),
        "unanswerable": sum(1 for p in points if not p.answerable),
        "index_version": base.index_version,
        "model": base.embedder.fingerprint.get("id"),
        "evidence_function": ("assistant.abstain.measure + Model.probability, fitted by eval.calibrate"
                              if model is not None else "Answer.evidence as assistant.engine computes it"),
        "calibrated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if model is not None:
        result["abstain_model"] = {"features": feature_names, "weights": list(model.weights), "bias": model.bias,
                                   "mean": list(model.mean), "scale": list(model.scale), "l2": L2}
    if out is not None:
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    result["points"] = [{"evidence": p.evidence, "answerable": p.answerable, "reference": p.reference,
                         "hits": p.hits} for p in points]
    return result
