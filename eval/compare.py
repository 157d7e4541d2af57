"""Compare two eval reports (JSON): what improved and what regressed, question by question.

A question (same suite, id and mode in both reports) is compared on these signals, in
this order of priority: whether its abstention was right, recall@5, reciprocal rank
(MRR@10), citation precision. It counts as improved or regressed by the first signal
that changed; every changed signal is listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HEADLINE = ("recall_at_5", "mrr_at_10", "ndcg_at_10", "citation_precision", "quote_fidelity",
            "abstention_accuracy", "latency_p50_ms")
# (score key, description, higher is better)
SIGNALS = (("abstention_correct", "abstention right", True), ("recall_at_5", "recall@5", True),
           ("rr_at_10", "reciprocal rank", True), ("citation_precision", "citation precision", True))


@dataclass(frozen=True)
class Delta:
    suite: str
    mode: str
    metric: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class Change:
    suite: str
    id: str
    mode: str
    question: str
    improved: bool
    what: tuple[str, ...]


@dataclass
class Comparison:
    deltas: list[Delta] = field(default_factory=list)
    improved: list[Change] = field(default_factory=list)
    regressed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    only_before: list[str] = field(default_factory=list)  # "suite/mode/id"
    only_after: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _describe(key: str, label: str, before: Any, after: Any, row: dict[str, Any]) -> str:
    if key == "abstention_correct":
        if row.get("answerable"):
            return "now answers (was abstaining)" if after else "now abstains although answerable"
        return "now abstains (as it should)" if after else "now answers although it should abstain"
    if key == "rr_at_10":
        def rank(v: float) -> str:
            return f"{round(1 / v)}" if v else ">10"

        return f"first relevant at rank {rank(before)} → {rank(after)}"
    return f"{label} {before:.2f} → {after:.2f}"


def _question(before: dict[str, Any], after: dict[str, Any]) -> Change | None:
    what: list[str] = []
    verdict: bool | None = None
    for key, label, higher_better in SIGNALS:
        a, b = before.get("scores", {}).get(key), after.get("scores", {}).get(key)
        if a is None or b is None or abs(a - b) < 1e-9:
            continue
        what.append(_describe(key, label, a, b, after))
        if verdict is None:
            verdict = (b > a) == higher_better
    if verdict is None:
        return None
    return Change(after["suite"], after["id"], after["mode"], after["question"], verdict, tuple(what))


def compare(before: dict[str, Any], after: dict[str, Any], modes: list[str] | None = None,
            suites: list[str] | None = None) -> Comparison:
    """What changed from report ``before`` to report ``after``."""
    out = Comparison()

    def keep(suite: str, mode: str) -> bool:
        return (modes is None or mode in modes) and (suites is None or suite in suites)

    sha_a = {s["name"]: s.get("sha256") for s in before["meta"].get("suites", [])}
    for s in after["meta"].get("suites", []):
        if s["name"] in sha_a and sha_a[s["name"]] != s.get("sha256"):
            out.notes.append(f"The suite {s['name']} changed between the runs (sha256 differs); "
                             "compare questions with care.")
    if before["meta"].get("index", {}).get("version") != after["meta"].get("index", {}).get("version"):
        out.notes.append(f"Index {before['meta'].get('index', {}).get('version')} → "
                         f"{after['meta'].get('index', {}).get('version')}.")
    for suite, per_mode in after["aggregates"].items():
        for mode, agg in per_mode.items():
            if not keep(suite, mode):
                continue
            old = before["aggregates"].get(suite, {}).get(mode)
            if old is None:
                continue
            out.deltas += [Delta(suite, mode, k, old.get(k), agg.get(k)) for k in HEADLINE]

    def index(report: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
        return {(q["suite"], q["mode"], q["id"]): q for q in report["questions"]
                if keep(q["suite"], q["mode"])}

    rows_a, rows_b = index(before), index(after)
    out.only_before = ["/".join(k) for k in rows_a if k not in rows_b]
    out.only_after = ["/".join(k) for k in rows_b if k not in rows_a]
    for key, row in rows_b.items():
        if key not in rows_a:
            continue
        change = _question(rows_a[key], row)
        if change is None:
            out.unchanged += 1
        elif change.improved:
            out.improved.append(change)
        else:
            out.regressed.append(change)
    return out
