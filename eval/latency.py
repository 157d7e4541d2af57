"""`vagvisare eval latency`: how long `Assistant.answer()` takes, stage by stage, in one process.

The benchmark behind the answer-speed goal (median ≤ 50 ms with the index loaded): every
question of the suites is answered once after a warm-up, so each question's embedding is
computed (no cache hit), and the median and p95 of the answer's own timings are reported
for embedding, search, composition and the whole call (percentiles as `eval run` computes
them). It is a benchmark, not a test: the numbers depend on the machine and on what else
it is doing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.engine import Assistant
from eval.metrics import percentile
from eval.suites import Suite

STAGES = ("embed_ms", "search_ms", "compose_ms", "total_ms")


@dataclass(frozen=True)
class Stage:
    name: str
    median: float
    p95: float


def measure_latency(bot: Assistant, suites: Sequence[Suite]) -> tuple[int, list[Stage]]:
    """(questions answered, the stages' median and p95 in milliseconds)."""
    questions = list(dict.fromkeys(c.question for s in suites for c in s.cases))
    if not questions:
        return 0, []
    bot.answer("uppvärmning före mätningen")  # loads lazily initialised parts; not measured
    timings = [bot.answer(q).timings for q in questions]
    stages = []
    for k in STAGES:
        values = [t[k] for t in timings]
        stages.append(Stage(k, round(percentile(values, 50) or 0.0, 1), round(percentile(values, 95) or 0.0, 1)))
    return len(questions), stages
