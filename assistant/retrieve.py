"""Hybrid retrieval: dense (e5, ``query:`` prompt) and BM25, fused by weighted reciprocal rank.

A clause is found by its text and by the questions of the question bank it answers: its dense
score is the better of its text's similarity and its bank questions' (pooled as a soft maximum, less
an offset, since two questions resemble each other more than a question resembles a law's text), and its BM25
document holds the bank questions' words (written so at ingest).

Filters (documents, kinds, bindings, languages) apply before ranking; clauses not
in force are left out unless asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

import numpy as np

from assistant.state import SearchState
from core.errors import BadRequestError
from core.store import IndexData

# "What does X mean?" is answered by the clause that defines X, in one of the statutes' three defining forms
# (assistant.compose.find_defined_terms); a clause that only uses the term often ranks above it. The defining
# clauses of the most specific term the question names get this much added to their fused score: about a
# first-ranked BM25 vote (bm25_weight / (rrf_k + 1) = 0.6 / 61), enough to lift a defining clause found at
# ranks 2–10 to the top, not enough to bring in one that neither signal found at all.
DEFINITION_BOOST = 0.01

# A clause's bank questions vote together: its bank score is a soft maximum of their cosines, so a clause
# asked about in several of the ways a question is put scores above one with a single near paraphrase (a
# kNN vote). At T = 0.01 a question at the best cosine counts fully and one 0.03 below adds a twentieth of
# it; ten questions all at the best cosine add T·ln 10 = 0.023. Measured on dev, blind-train and
# blind-extra (answerable, mean of the three): MRR@10 0.805 → 0.817, recall@5 0.892 → 0.897, hit@1
# 0.696 → 0.716 against the best question alone; T = 0.0075 and 0.0125 within 0.003, T = 0.02 worse
# than the best alone.
BANK_TEMPERATURE = 0.01

MODES = ("hybrid", "dense", "bm25")
_POOL = 100  # candidates taken from each ranker before fusion


@dataclass(frozen=True)
class Filters:
    docs: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    bindings: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    include_inactive: bool = False


@dataclass
class Scored:
    idx: int
    score: float
    dense: float = 0.0
    dense_rank: int | None = None
    bm25: float = 0.0
    bm25_rank: int | None = None


def allowed_mask(state: SearchState, filters: Filters) -> np.ndarray:
    cols = state.columns
    unknown = [d for d in filters.docs if d not in cols.doc_ids]
    if unknown:
        raise BadRequestError(f"Unknown document(s): {', '.join(unknown)}.",
                              hint="See /api/sources or `vagvisare sources` for the doc ids.")
    mask = np.ones(len(state.index.clauses), dtype=bool) if filters.include_inactive else cols.in_force.copy()
    for values, column in ((filters.docs, cols.doc), (filters.kinds, cols.kind),
                           (filters.bindings, cols.binding), (filters.langs, cols.lang)):
        if values:
            mask &= np.isin(column, list(values))
    return mask


def bank_scores(index: IndexData, query_vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each clause's bank questions against the question: the best cosine, and all of them pooled as a soft
    maximum, T·log Σ exp(cosine / T) (-1 for a clause without questions, in both)."""
    n = len(index.clauses)
    best = np.full(n, -1.0, dtype=np.float32)
    if not len(index.bank):
        return best, best.copy()
    sims = index.bank_vectors @ query_vector
    np.maximum.at(best, index.bank_clause, sims)
    top = float(sims.max())
    mass = np.bincount(index.bank_clause, weights=np.exp((sims - top) / BANK_TEMPERATURE), minlength=n)
    pooled = np.where(best > -1, top + BANK_TEMPERATURE * np.log(np.maximum(mass, 1e-300)), -1.0)
    return best, pooled.astype(np.float32)


def dense_scores(state: SearchState, query_vector: np.ndarray, sentence_weight: float = 0.0) -> np.ndarray:
    """Cosine of each clause: its best window, mixed with its best sentence (-1 without passages)."""
    index = state.index
    n = index.dense.ntotal
    scores, rows = index.dense.search(query_vector.reshape(1, -1).astype(np.float32), n)
    best = np.full(len(index.clauses), -1.0, dtype=np.float32)
    valid = rows[0] >= 0
    np.maximum.at(best, index.passage_clause[rows[0][valid]], scores[0][valid])
    if sentence_weight and len(index.sentences):
        sentence = np.full(len(index.clauses), -1.0, dtype=np.float32)
        np.maximum.at(sentence, state.sentence_clause, index.sentence_vectors @ query_vector)
        has = sentence > -1
        best[has] = (1 - sentence_weight) * best[has] + sentence_weight * sentence[has]
    return best


def clause_scores(state: SearchState, query_vector: np.ndarray, sentence_weight: float,
                  bank_offset: float) -> tuple[np.ndarray, np.ndarray]:
    """Dense score of each clause (by its text or, less the offset, its bank questions) and the bank's own."""
    text = dense_scores(state, query_vector, sentence_weight)
    bank, pooled = bank_scores(state.index, query_vector)
    return np.maximum(text, pooled - bank_offset), bank


def bm25_scores(index: IndexData, tokens: list[str]) -> np.ndarray:
    known = [t for t in tokens if t in index.bm25.vocab_dict]
    if not known:
        return np.zeros(len(index.clauses), dtype=np.float32)
    return np.asarray(index.bm25.get_scores(known), dtype=np.float32)


def _ranking(scores: np.ndarray, mask: np.ndarray, positive_only: bool) -> list[int]:
    candidates = np.flatnonzero(mask & (scores > 0)) if positive_only else np.flatnonzero(mask)
    order = candidates[np.argsort(-scores[candidates], kind="stable")]
    return order[:_POOL].tolist()


def search(state: SearchState, query_vector: np.ndarray | None, tokens: list[str], mask: np.ndarray, *,
           dense_weight: float = 1.0, bm25_weight: float = 0.5, rrf_k: int = 60, mode: str = "hybrid",
           boost: dict[int, float] | None = None, k: int = 10, sentence_weight: float = 0.0,
           bank_offset: float = 0.04) -> tuple[list[Scored], np.ndarray, np.ndarray, np.ndarray]:
    """Ranked clauses and the raw dense, BM25 and bank scores of every clause."""
    index = state.index
    if mode not in MODES:
        raise BadRequestError(f"Unknown search mode {mode!r}.", hint=f"Use one of {', '.join(MODES)}.")
    none = np.zeros(len(index.clauses), dtype=np.float32)
    dense, bank = clause_scores(state, query_vector, sentence_weight, bank_offset) \
        if query_vector is not None and mode != "bm25" else (none, none - 1)
    lexical = bm25_scores(index, tokens) if mode != "dense" else none
    dense_rank = {c: r for r, c in enumerate(_ranking(dense, mask, False))} if mode != "bm25" else {}
    bm25_rank = {c: r for r, c in enumerate(_ranking(lexical, mask, True))} if mode != "dense" else {}
    fused: dict[int, float] = {}
    for c, r in dense_rank.items():
        fused[c] = fused.get(c, 0.0) + dense_weight / (rrf_k + r + 1)
    for c, r in bm25_rank.items():
        fused[c] = fused.get(c, 0.0) + bm25_weight / (rrf_k + r + 1)
    for c, extra in (boost or {}).items():
        if mask[c]:
            fused[c] = fused.get(c, 0.0) + extra
    ranked = sorted(fused.items(), key=lambda kv: -kv[1])[:k]
    return [Scored(c, s, float(dense[c]), dense_rank.get(c), float(lexical[c]), bm25_rank.get(c))
            for c, s in ranked], dense, lexical, bank


def fuse(first: Sequence[Scored], others: Sequence[tuple[Sequence[Scored], float]], rrf_k: int,
         left_out: AbstractSet[int] = frozenset()) -> list[Scored]:
    """Rankings fused by weighted reciprocal rank, ``first`` at weight 1 (clauses in ``left_out`` skipped).
    Each clause keeps the record ``first`` gave it, or, found by another ranking only, that ranking's record
    with its score times the ranking's weight (scores stay comparable with the first ranking's)."""
    fused: dict[int, float] = {}
    found: dict[int, Scored] = {}
    for ranking, weight in ((first, 1.0), *others):
        for rank, s in enumerate(h for h in ranking if h.idx not in left_out):
            fused[s.idx] = fused.get(s.idx, 0.0) + weight / (rrf_k + rank + 1)
            found.setdefault(s.idx, s if ranking is first else replace(s, score=weight * s.score))
    return [found[i] for i in sorted(fused, key=lambda i: -fused[i])]


# How near the questions the sources do not answer (bank/_outside.jsonl) come, against the bank's: each side pooled
# as a soft maximum, T·log Σ exp(cosine / T), so that several near questions on one side outweigh a single one on
# the other. Measured as the abstention feature in place of "the nearest outside question is nearer than the
# nearest bank question" (leave-one-suite-out over dev, blind-train and blind-extra, 2,593 outside questions):
# AUC of the abstention score 0.939 → 0.957, each held-out suite better; T = 0.003–0.0075 within 0.001, T = 0.01
# 0.954, T = 0.02 0.938: the nearest few questions of each side decide, not the crowd. (F1 at the threshold each
# fold chose moves 0.79–0.83 with T and the data: the threshold transfers less well than the ranking.)
OUTSIDE_TEMPERATURE = 0.005


def _soft_max(cosines: np.ndarray, temperature: float) -> float:
    top = float(cosines.max())
    return top + temperature * float(np.log(np.exp((cosines - top) / temperature).sum()))


def outside_pull(index: IndexData, query_vector: np.ndarray | None, allowed: np.ndarray) -> tuple[float, float]:
    """How much nearer the questions the sources do not answer are than the bank questions of the ``allowed``
    clauses (soft maxima at :data:`OUTSIDE_TEMPERATURE`; positive: nearer the outside), and the cosine of the
    nearest outside question (-1: none). The pull is 0 without questions on either side: an operator's
    guideline has no bank and is not judged by a comparison it lacks."""
    if query_vector is None or not len(index.outside):
        return 0.0, -1.0
    outside = index.outside_vectors @ query_vector
    bank = (index.bank_vectors @ query_vector)[allowed[index.bank_clause]] if len(index.bank) else outside[:0]
    if not len(bank):
        return 0.0, float(outside.max())
    return _soft_max(outside, OUTSIDE_TEMPERATURE) - _soft_max(bank, OUTSIDE_TEMPERATURE), float(outside.max())
