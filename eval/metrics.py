"""Eval metrics: pure functions over ranked clause ids, citations and abstentions.

Definitions (the README and the report use the same words):

- **Ranked list.** For retrieval metrics, the clause ids of
  ``Assistant.search(question, k=10, mode=...)`` in order (explicit references come
  first); for citation metrics, the citations of ``Assistant.answer(...)``. A
  position of a ranked list is one clause id, or — for the naive chunk baseline —
  the set of clause ids a chunk overlaps (the position matches if any of them does).
- **Matching a relevant id.** A clause id matches itself and its other wordings
  (``sfs-2018-585#3:19`` also matches ``sfs-2018-585#3:19@2026-03-01``); a relevant id
  with ``@`` matches exactly that wording; a bare doc_id (no ``#``) matches any clause
  of that document.
- **Recall@k** = |relevant ids matched in the top k| / |relevant ids|;
  **Hit@k** = 1 if any relevant id is matched in the top k, else 0.
- **MRR@10**: 1 / rank of the first position matching any relevant id (0 if none in the top 10).
- **nDCG@10**, binary gains: a position gains 1 when it matches at least one relevant id
  not matched higher up (each relevant id is credited once); the ideal ranking puts
  min(|relevant|, k) matching positions first. DCG = Σ gain / log2(rank + 1).
- Retrieval metrics are taken over **answerable** questions only.
- **Citation precision** of one answer: cited clauses matching a relevant id / cited
  clauses (answers without citations have none); averaged over answerable questions
  that were answered.
- **Quote fidelity**: every citation's quote is split on ``" […] "`` into segments and
  each segment into sentences; a sentence is faithful when it and its whole segment
  occur verbatim in the cited clause's text (the only normalisation: ``"\\n"`` is read
  as ``" "``). Fidelity = faithful sentences / quoted sentences. It must be 1.0.
- **Abstention**, positive class = "should abstain" (``answerable: false``):
  precision = correct abstentions / abstentions; recall = correct abstentions /
  unanswerable questions; over-abstention rate = abstentions on answerable questions /
  answerable questions; accuracy = share of questions with abstained == (not answerable).
- **Cross-lingual gap** of a metric = its value on Swedish questions minus its value on
  English questions (positive: English questions do worse; the corpus is Swedish).
- **Latency** p50/p95: percentiles (linear interpolation) of the answer's ``total_ms``.
- **Bootstrap confidence intervals**: percentile bootstrap over questions (resampled with
  replacement, 1,000 times, fixed seed) of the mean of per-question values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

ELLIPSIS = " […] "
KS = (1, 3, 5, 10)

# One position of a ranked list: a clause id, or the clause ids a chunk covers.
Position = str | Collection[str]


# ---------------------------------------------------------------------------- matching
def matches(relevant_id: str, clause_id: str) -> bool:
    """Whether a ranked clause id satisfies a relevant id (see the module docstring)."""
    if "#" not in relevant_id:
        return clause_id.split("#", 1)[0] == relevant_id
    if "@" in relevant_id:
        return clause_id == relevant_id
    return clause_id == relevant_id or clause_id.split("@", 1)[0] == relevant_id


def _ids(position: Position) -> Collection[str]:
    return (position,) if isinstance(position, str) else position


def position_matches(position: Position, relevant: Iterable[str]) -> set[str]:
    """The relevant ids one position satisfies."""
    ids = _ids(position)
    return {r for r in relevant if any(matches(r, c) for c in ids)}


def found(ranked: Sequence[Position], relevant: Iterable[str], k: int) -> set[str]:
    """Relevant ids matched by the top ``k`` positions."""
    wanted = set(relevant)
    out: set[str] = set()
    for position in ranked[:k]:
        out |= position_matches(position, wanted - out)
    return out


# ---------------------------------------------------------------------------- retrieval
def recall_at_k(ranked: Sequence[Position], relevant: Collection[str], k: int) -> float:
    wanted = set(relevant)
    if not wanted:
        raise ValueError("recall is undefined without relevant ids (an unanswerable question)")
    return len(found(ranked, wanted, k)) / len(wanted)


def hit_at_k(ranked: Sequence[Position], relevant: Collection[str], k: int) -> float:
    return 1.0 if found(ranked, relevant, k) else 0.0


def first_relevant_rank(ranked: Sequence[Position], relevant: Collection[str], k: int = 10) -> int | None:
    """1-based rank of the first position matching a relevant id, or None if none in the top k."""
    for rank, position in enumerate(ranked[:k], start=1):
        if position_matches(position, relevant):
            return rank
    return None


def reciprocal_rank(ranked: Sequence[Position], relevant: Collection[str], k: int = 10) -> float:
    rank = first_relevant_rank(ranked, relevant, k)
    return 1.0 / rank if rank else 0.0


def ndcg_at_k(ranked: Sequence[Position], relevant: Collection[str], k: int = 10) -> float:
    wanted = set(relevant)
    if not wanted:
        raise ValueError("nDCG is undefined without relevant ids (an unanswerable question)")
    credited: set[str] = set()
    dcg = 0.0
    for rank, position in enumerate(ranked[:k], start=1):
        new = position_matches(position, wanted - credited)
        if new:
            dcg += 1.0 / math.log2(rank + 1)
            credited |= new
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(wanted), k) + 1))
    return dcg / ideal


# ---------------------------------------------------------------------------- answers
def citation_precision(cited: Sequence[str], relevant: Collection[str]) -> float | None:
    """Share of cited clauses that match a relevant id; None when nothing was cited."""
    if not cited:
        return None
    return sum(1 for c in cited if position_matches(c, relevant)) / len(cited)


_SENTENCE_BREAK = re.compile(r"(?<=[.!?:;])\s+(?=[\"”(]?[A-ZÅÄÖ0-9])|\n")


def split_quote(quote: str) -> list[str]:
    """The verbatim segments of a citation's quote."""
    return [s for s in quote.split(ELLIPSIS) if s.strip()]


def split_sentences(segment: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_BREAK.split(segment) if s.strip()]


def _flat(text: str) -> str:
    return text.replace("\n", " ")


@dataclass(frozen=True)
class Fidelity:
    sentences: int
    faithful: int
    failures: tuple[str, ...]  # quoted sentences not found verbatim

    @property
    def rate(self) -> float | None:
        return self.faithful / self.sentences if self.sentences else None


def quote_fidelity(quote: str, source: str | Callable[[str], bool]) -> Fidelity:
    """How many quoted sentences occur verbatim (with their segment) in ``source``: a text, or a test
    that says whether a piece of text stands in the source document (:mod:`eval.sourcetext`)."""
    if callable(source):
        holds = source
    else:
        text = _flat(source)

        def holds(piece: str) -> bool:
            return _flat(piece) in text

    sentences = faithful = 0
    failures: list[str] = []
    for segment in split_quote(quote):
        segment_ok = holds(segment)
        for sentence in split_sentences(segment):
            sentences += 1
            if segment_ok and holds(sentence):
                faithful += 1
            else:
                failures.append(sentence)
    return Fidelity(sentences, faithful, tuple(failures))


@dataclass(frozen=True)
class Abstention:
    precision: float | None  # None when the assistant never abstained
    recall: float | None  # None when every question is answerable
    over_abstention: float | None  # None when no question is answerable
    accuracy: float | None
    abstained: int
    correct_abstentions: int
    answerable: int
    unanswerable: int


def abstention(abstained: Sequence[bool], answerable: Sequence[bool]) -> Abstention:
    if len(abstained) != len(answerable):
        raise ValueError("one abstention flag per question")
    n_abst = sum(abstained)
    correct = sum(1 for a, ok in zip(abstained, answerable, strict=True) if a and not ok)
    n_ans = sum(answerable)
    n_unans = len(answerable) - n_ans
    over = sum(1 for a, ok in zip(abstained, answerable, strict=True) if a and ok)
    right = sum(1 for a, ok in zip(abstained, answerable, strict=True) if a == (not ok))
    return Abstention(
        precision=correct / n_abst if n_abst else None,
        recall=correct / n_unans if n_unans else None,
        over_abstention=over / n_ans if n_ans else None,
        accuracy=right / len(answerable) if answerable else None,
        abstained=n_abst, correct_abstentions=correct, answerable=n_ans, unanswerable=n_unans)


# ---------------------------------------------------------------------------- summaries
def mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100), linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def bootstrap_ci(values: Sequence[float], *, resamples: int = 1000, alpha: float = 0.05, seed: int = 0,
                 statistic: Callable[[np.ndarray], float] = np.mean) -> tuple[float, float] | None:
    """Percentile bootstrap interval of ``statistic`` over per-question values (deterministic per seed)."""
    if not values:
        return None
    data = np.asarray(values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(data), size=(resamples, len(data)))
    stats = np.array([statistic(data[row]) for row in picks])
    low, high = np.quantile(stats, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def gap(by_lang: dict[str, float | None], a: str = "sv", b: str = "en") -> float | None:
    """Cross-lingual gap: the metric on ``a`` questions minus the metric on ``b`` questions."""
    x, y = by_lang.get(a), by_lang.get(b)
    return None if x is None or y is None else x - y


@dataclass(frozen=True)
class RiskPoint:
    threshold: float  # answer when evidence >= threshold
    coverage: float  # share of questions answered
    risk: float  # share of answered questions answered wrongly


def risk_coverage(evidence: Sequence[float], correct: Sequence[bool],
                  forced: Sequence[bool] | None = None) -> list[RiskPoint]:
    """Risk–coverage curve of an abstention threshold over the evidence score.

    ``correct[i]``: question i answered without abstaining would be right (answerable and a
    relevant clause cited). ``forced[i]``: question i is always answered (an explicit reference).
    One point per distinct threshold, from answering only the strongest evidence to answering all.
    """
    n = len(evidence)
    forced = forced or [False] * n
    if not n:
        return []
    always = [i for i in range(n) if forced[i]]
    rest = sorted((i for i in range(n) if not forced[i]), key=lambda i: -evidence[i])
    answered = len(always)
    wrong = sum(1 for i in always if not correct[i])
    points: list[RiskPoint] = []
    if answered:
        points.append(RiskPoint(math.inf, answered / n, wrong / answered))
    for pos, i in enumerate(rest):
        answered += 1
        wrong += 0 if correct[i] else 1
        if pos + 1 < len(rest) and evidence[rest[pos + 1]] == evidence[i]:
            continue  # ties enter together
        points.append(RiskPoint(float(evidence[i]), answered / n, wrong / answered))
    return points
