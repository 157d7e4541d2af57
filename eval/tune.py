"""A grid search over retrieval settings on the suites tuning may use (`vagvisare eval tune`).

Every combination of the given values is applied to one loaded assistant (the question vectors
are computed once and cached), each suite's answerable questions are searched, and recall@5 and
MRR@10 are reported per suite with their mean. A sealed suite (blind-test) and the held-out suite
are refused (:func:`eval.suites.require_tunable`): what the weights are chosen on stops measuring.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, fields

from assistant.engine import Assistant
from core.errors import ConfigError
from core.settings import Settings
from eval import metrics as m
from eval.suites import Suite, check_ids, require_tunable

# the settings a search may be tuned by (all read per question by the engine)
TUNABLE = ("dense_weight", "bm25_weight", "rrf_k", "sentence_weight", "bank_offset", "document_boost")


@dataclass(frozen=True)
class Trial:
    values: dict[str, float]
    scores: dict[str, tuple[float, float]]  # suite -> (recall@5, MRR@10)

    @property
    def objective(self) -> float:
        """Mean over suites of recall@5 + MRR@10 (each suite counts once, whatever its size)."""
        return sum(r + q for r, q in self.scores.values()) / max(1, len(self.scores))


def parse_grid(specs: Sequence[str]) -> dict[str, list[float]]:
    """``["bank_offset=0.02,0.04", "rrf_k=30,60"]`` → ``{"bank_offset": [0.02, 0.04], "rrf_k": [30.0, 60.0]}``."""
    grid: dict[str, list[float]] = {}
    for spec in specs:
        name, sep, values = spec.partition("=")
        if not sep or name not in TUNABLE:
            raise ConfigError(f"Cannot tune {spec!r}.",
                              hint=f"Give NAME=V1,V2,… with NAME one of {', '.join(TUNABLE)}.")
        try:
            grid[name] = [float(v) for v in values.split(",") if v.strip()]
        except ValueError:
            raise ConfigError(f"{spec!r}: the values must be numbers.", hint="E.g. bank_offset=0.02,0.04") from None
    return grid


def score(bot: Assistant, suites: Sequence[Suite]) -> dict[str, tuple[float, float]]:
    out = {}
    for suite in suites:
        recall, rr = [], []
        for case in suite.cases:
            if not case.answerable:
                continue
            ranked = [h.clause_id for h in bot.search(case.question, k=10)]
            recall.append(m.recall_at_k(ranked, case.relevant, 5))
            rr.append(m.reciprocal_rank(ranked, case.relevant, 10))
        out[suite.name] = (round(sum(recall) / len(recall), 4), round(sum(rr) / len(rr), 4))
    return out


def tune(settings: Settings, suites: Sequence[Suite], grid: dict[str, list[float]],
         assistant: Assistant | None = None) -> list[Trial]:
    """Every combination of ``grid`` scored on ``suites``, best first."""
    require_tunable(suites, "tune retrieval settings")
    bot = assistant or Assistant.load(settings)
    for suite in suites:
        check_ids(suite, bot.index.by_id.keys(), bot.index.documents.keys())
    base = bot.settings
    kinds = {f.name: f.type for f in fields(base)}
    trials = []
    names = list(grid)
    for combo in itertools.product(*(grid[n] for n in names)):
        values = {n: (int(v) if kinds[n] in (int, "int") else v) for n, v in zip(names, combo, strict=True)}
        bot.settings = base.replace(**values)
        trials.append(Trial(dict(values), score(bot, suites)))
    bot.settings = base
    return sorted(trials, key=lambda t: -t.objective)
