"""Run eval suites through the same library the web answers with, and score every question.

For each suite and mode, every question goes through ``Assistant.answer`` (what a
user is shown: citations, abstention, timings) and ``Assistant.search(k=10)`` (the
ranked clauses the retrieval metrics use). Modes: ``hybrid`` (the product),
``dense`` and ``bm25`` (the engine with one ranker), and ``naive`` (the chunk
baseline in :mod:`eval.naive`, retrieval only). Each clause mode gets a fresh
:class:`~assistant.engine.Assistant` over the same loaded index and model, so its
query cache starts empty and the measured latency is what a first-time question costs.

With ``curves`` on, a question the assistant abstained on is answered once more with
abstention switched off (``abstain_threshold = -1``) to know whether answering would
have been right; that gives the risk–coverage curve of the threshold.
Metric definitions: :mod:`eval.metrics`.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import platform
import subprocess
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from assistant.engine import Assistant
from core.errors import VagvisareError
from core.settings import Settings
from eval import metrics as m
from eval.calibrate import read_calibration
from eval.naive import CHUNK_CHARS, OVERLAP, NaiveRAG
from eval.sourcetext import SourceTexts
from eval.suites import Case, Suite, check_ids, display_path

log = logging.getLogger(__name__)

ENGINE_MODES = ("hybrid", "dense", "bm25")
MODES = (*ENGINE_MODES, "naive")
ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = Path("var/eval")
HEADLINE = ("recall_at_5", "mrr_at_10", "ndcg_at_10", "citation_precision", "abstention_accuracy")


@dataclass
class Row:
    """One question answered in one mode, with its per-question scores."""

    suite: str
    id: str
    question: str
    lang: str
    relevant: list[str]
    answerable: bool
    mode: str
    ranked: list[str]  # clause ids in rank order (naive: chunk positions "doc@start-end")
    ranked_clauses: list[list[str]] | None = None  # naive: the clause ids each chunk covers
    cited: list[str] = field(default_factory=list)
    abstained: bool | None = None  # None: the mode does not answer (naive)
    evidence: float | None = None
    reference: bool = False  # the question names a clause explicitly (never abstains)
    question_type: str = ""
    ms: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    quote_sentences: int = 0
    quote_faithful: int = 0
    quote_failures: list[str] = field(default_factory=list)
    forced_correct: bool | None = None  # answered regardless of evidence: would a relevant clause be cited?
    error: str = ""
    scores: dict[str, float | None] = field(default_factory=dict)

    @property
    def positions(self) -> list[m.Position]:
        return list(self.ranked_clauses) if self.ranked_clauses is not None else list(self.ranked)

    def score(self) -> None:
        s: dict[str, float | None] = {}
        if self.answerable:
            for k in m.KS:
                s[f"recall_at_{k}"] = m.recall_at_k(self.positions, self.relevant, k)
                s[f"hit_at_{k}"] = m.hit_at_k(self.positions, self.relevant, k)
            s["rr_at_10"] = m.reciprocal_rank(self.positions, self.relevant, 10)
            s["ndcg_at_10"] = m.ndcg_at_k(self.positions, self.relevant, 10)
            rank = m.first_relevant_rank(self.positions, self.relevant, 10)
            s["first_rank"] = float(rank) if rank else None
        if self.abstained is not None:
            s["abstention_correct"] = 1.0 if self.abstained == (not self.answerable) else 0.0
            if self.answerable and not self.abstained:
                s["citation_precision"] = m.citation_precision(self.cited, self.relevant)
        self.scores = s


@dataclass
class Run:
    meta: dict[str, Any]
    rows: list[Row]
    aggregates: dict[str, dict[str, dict[str, Any]]]  # suite -> mode -> metric -> value
    curves: dict[str, dict[str, list[dict[str, float | None]]]]  # suite -> mode -> risk–coverage points

    def to_dict(self) -> dict[str, Any]:
        """The run as JSON; a sealed suite's questions appear only in the aggregates."""
        sealed = {x["name"] for x in self.meta.get("suites", ()) if x.get("sealed")}
        return {"meta": self.meta, "aggregates": self.aggregates, "curves": self.curves,
                "questions": [asdict(r) for r in self.rows if r.suite not in sealed]}


# ---------------------------------------------------------------------------- one question
def source_texts(bot: Assistant) -> SourceTexts:
    """The source files of the loaded index's documents, for the quote check."""
    docs = bot.index.documents
    repairs = {d: list(doc.meta.get("moved_from_headings") or []) for d, doc in docs.items()}
    return SourceTexts(bot.settings.corpus_dir, {d: doc.source for d, doc in docs.items()}, repairs)


def _answer_row(bot: Assistant, forced: Assistant | None, suite: Suite, case: Case, mode: str,
                texts: SourceTexts | None = None) -> Row:
    row = Row(suite.name, case.id, case.question, case.lang, list(case.relevant), case.answerable, mode, [])
    try:
        answer = bot.answer(case.question, mode=mode)
        hits = bot.search(case.question, k=10, mode=mode)
    except VagvisareError as exc:  # a question the engine refuses counts as unanswered, with the reason
        row.error, row.abstained = str(exc), True
        row.score()
        return row
    row.ranked = [h.clause_id for h in hits]
    row.reference = any(h.via == "reference" for h in hits)
    row.cited = [c.clause_id for c in answer.citations]
    row.abstained, row.evidence = answer.abstained, answer.evidence
    row.question_type, row.timings = answer.question_type, dict(answer.timings)
    row.ms = answer.timings["total_ms"]
    sources = texts or source_texts(bot)
    for c in answer.citations:
        # against the source file itself, not the clause the quote was cut from (that check cannot fail)
        fid = m.quote_fidelity(c.quote, partial(sources.holds, c.doc_id))
        row.quote_sentences += fid.sentences
        row.quote_faithful += fid.faithful
        row.quote_failures += [f"{c.clause_id}: {s}" for s in fid.failures]
    if forced is not None:
        shown = answer if not answer.abstained else forced.answer(case.question, mode=mode)
        row.forced_correct = case.answerable and any(m.position_matches(c.clause_id, case.relevant)
                                                     for c in shown.citations)
    row.score()
    return row


def _naive_row(naive: NaiveRAG, suite: Suite, case: Case) -> Row:
    started = time.perf_counter()
    vector = naive.embedder.encode_queries([" ".join(case.question.split())])[0]
    embedded = time.perf_counter()
    top = naive.search(vector, k=10)
    finished = time.perf_counter()
    timings = {"embed_ms": round((embedded - started) * 1000, 2),
               "search_ms": round((finished - embedded) * 1000, 2),
               "total_ms": round((finished - started) * 1000, 2)}
    row = Row(suite.name, case.id, case.question, case.lang, list(case.relevant), case.answerable, "naive",
              [c.ref for c, _ in top], [list(c.clause_ids) for c, _ in top], timings=timings,
              ms=timings["total_ms"])
    row.score()
    return row


# ---------------------------------------------------------------------------- aggregates
def _ci(values: list[float | None]) -> list[float] | None:
    present = [v for v in values if v is not None]
    ci = m.bootstrap_ci(present)
    return [round(ci[0], 4), round(ci[1], 4)] if ci else None


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def aggregate(rows: Sequence[Row], threshold: float | None = None) -> dict[str, Any]:
    """Aggregate metrics of one suite in one mode (see :mod:`eval.metrics` for the definitions)."""
    answerable = [r for r in rows if r.answerable]
    answers = [r for r in rows if r.abstained is not None]
    out: dict[str, Any] = {"questions": len(rows), "answerable": len(answerable),
                           "unanswerable": len(rows) - len(answerable),
                           "errors": sum(1 for r in rows if r.error)}
    for k in m.KS:
        out[f"recall_at_{k}"] = _r(m.mean(r.scores[f"recall_at_{k}"] for r in answerable))
        out[f"hit_at_{k}"] = _r(m.mean(r.scores[f"hit_at_{k}"] for r in answerable))
    out["mrr_at_10"] = _r(m.mean(r.scores["rr_at_10"] for r in answerable))
    out["ndcg_at_10"] = _r(m.mean(r.scores["ndcg_at_10"] for r in answerable))
    ci: dict[str, list[float] | None] = {
        "recall_at_5": _ci([r.scores["recall_at_5"] for r in answerable]),
        "mrr_at_10": _ci([r.scores["rr_at_10"] for r in answerable]),
        "ndcg_at_10": _ci([r.scores["ndcg_at_10"] for r in answerable]),
    }
    if answers:
        precisions = [r.scores.get("citation_precision") for r in answerable if r.abstained is False]
        out["citation_precision"] = _r(m.mean(precisions))
        ci["citation_precision"] = _ci(precisions)
        sentences = sum(r.quote_sentences for r in answers)
        out["quote_sentences"] = sentences
        out["quote_fidelity"] = _r(sum(r.quote_faithful for r in answers) / sentences) if sentences else None
        out["quote_failures"] = sum(len(r.quote_failures) for r in answers)
        ab = m.abstention([bool(r.abstained) for r in answers], [r.answerable for r in answers])
        out["abstention_precision"] = _r(ab.precision)
        out["abstention_recall"] = _r(ab.recall)
        out["over_abstention"] = _r(ab.over_abstention)
        out["abstention_accuracy"] = _r(ab.accuracy)
        out["abstained"] = ab.abstained
        ci["abstention_accuracy"] = _ci([r.scores["abstention_correct"] for r in answers])
        answered = [r for r in answers if not r.abstained]
        out["coverage"] = _r(len(answered) / len(answers))
        out["risk"] = _r(sum(1 for r in answered if not (r.answerable and r.scores.get("citation_precision")))
                         / len(answered)) if answered else None
        out["abstain_threshold"] = threshold
    else:
        for key in ("citation_precision", "quote_fidelity", "abstention_precision", "abstention_recall",
                    "over_abstention", "abstention_accuracy", "coverage", "risk"):
            out[key] = None  # n/a: this mode retrieves but does not answer
    by_lang: dict[str, dict[str, Any]] = {}
    for lang in ("sv", "en"):
        subset = [r for r in answerable if r.lang == lang]
        by_lang[lang] = {"answerable": len(subset),
                         "recall_at_5": _r(m.mean(r.scores["recall_at_5"] for r in subset)),
                         "mrr_at_10": _r(m.mean(r.scores["rr_at_10"] for r in subset))}
    out["by_lang"] = by_lang
    out["gap_recall_at_5"] = _r(m.gap({k: v["recall_at_5"] for k, v in by_lang.items()}))
    out["gap_mrr_at_10"] = _r(m.gap({k: v["mrr_at_10"] for k, v in by_lang.items()}))
    latencies = [r.ms for r in rows if not r.error]
    out["latency_p50_ms"] = _r(m.percentile(latencies, 50), 1)
    out["latency_p95_ms"] = _r(m.percentile(latencies, 95), 1)
    out["ci"] = ci
    return out


def curve(rows: Sequence[Row]) -> list[dict[str, float | None]]:
    """Risk–coverage points; threshold None is the start (explicit references only)."""
    scored = [r for r in rows if r.forced_correct is not None and r.evidence is not None]
    points = m.risk_coverage([r.evidence or 0.0 for r in scored], [bool(r.forced_correct) for r in scored],
                             [r.reference for r in scored])
    return [{"threshold": None if math.isinf(p.threshold) else p.threshold, "coverage": round(p.coverage, 4),
             "risk": round(p.risk, 4)} for p in points]


# ---------------------------------------------------------------------------- metadata
def git_state(root: Path = ROOT) -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10,
                              check=True).stdout.strip()

    try:
        return {"commit": git("rev-parse", "HEAD"),
                "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def _meta(bot: Assistant, suites: Sequence[Suite], modes: Sequence[str]) -> dict[str, Any]:
    s = bot.settings
    index = bot.index
    return {
        "tool": "vagvisare eval run",
        "git": git_state(),
        "index": {"version": index.version, "dir": str(s.index_dir),
                  "built_at": index.manifest.get("built_at"), "as_of": index.manifest.get("as_of"),
                  "documents": len(index.documents),
                  "clauses": len(index.clauses)},
        "model": bot.embedder.fingerprint,
        "settings": {"embedding_model": s.embedding_model, "dense_weight": s.dense_weight,
                     "bm25_weight": s.bm25_weight, "rrf_k": s.rrf_k, "abstain_threshold": s.abstain_threshold,
                     "as_of": s.as_of},
        "abstain_threshold": bot.threshold,
        "calibration": read_calibration(),
        "suites": [{"name": x.name, "path": display_path(x.path), "sha256": x.sha256, "questions": len(x.cases),
                    "tuning_allowed": x.tuning_allowed, "sealed": x.sealed} for x in suites],
        "modes": list(modes),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}",
    }


# ---------------------------------------------------------------------------- the run
def run_eval(settings: Settings, suites: Sequence[Suite], modes: Sequence[str] = MODES, *,
             assistant: Assistant | None = None, curves: bool = True, cache_dir: Path = CACHE_DIR,
             progress: bool = False) -> Run:
    """Answer every question of every suite in every mode and aggregate the scores."""
    unknown = [x for x in modes if x not in MODES]
    if unknown:
        from eval.suites import SuiteError

        raise SuiteError(f"Unknown eval mode(s): {', '.join(unknown)}.", hint=f"Use {', '.join(MODES)}.")
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    base = assistant or Assistant.load(settings)
    settings = base.settings
    for suite in suites:
        check_ids(suite, base.index.by_id.keys(), base.index.documents.keys())
    forced = None
    if curves:  # never abstains: was answering right where the assistant abstained?
        forced = Assistant(settings.replace(abstain_threshold=-1.0), base.index, base.embedder)
    meta = _meta(base, suites, modes)
    texts = source_texts(base)
    rows: list[Row] = []
    aggregates: dict[str, dict[str, dict[str, Any]]] = {s.name: {} for s in suites}
    points: dict[str, dict[str, list[dict[str, float | None]]]] = {s.name: {} for s in suites}
    mismatches = 0
    for mode in modes:
        mode_started = time.perf_counter()
        if mode == "naive":
            naive = NaiveRAG(base.index, base.embedder, cache_dir, progress=progress)
            meta["naive"] = {"chunk_chars": CHUNK_CHARS, "overlap": OVERLAP, "chunks": len(naive.chunks),
                             "clauses_per_chunk": round(naive.clauses_per_chunk, 2),
                             "cache": str(naive.cache_path)}
            bot = None
        else:
            bot = Assistant(settings, base.index, base.embedder)  # a fresh query cache: honest latency
        for suite in suites:
            suite_rows = []
            for n, case in enumerate(suite.cases, start=1):
                row = _answer_row(bot, forced, suite, case, mode, texts) if bot else _naive_row(naive, suite, case)
                if bot is not None and not row.error and row.evidence is not None:
                    expected = not row.reference and (not row.ranked or row.evidence < bot.threshold)
                    mismatches += expected != row.abstained
                suite_rows.append(row)
                if n % 50 == 0:
                    log.info("%s / %s: %d of %d questions", mode, suite.name, n, len(suite.cases))
            rows += suite_rows
            aggregates[suite.name][mode] = aggregate(suite_rows, bot.threshold if bot else None)
            if bot is not None and curves:
                points[suite.name][mode] = curve(suite_rows)
        log.info("mode %s done in %.1f s", mode, time.perf_counter() - mode_started)
    if mismatches:
        log.warning("%d abstentions differ from 'no explicit reference, and no hit or evidence < threshold': "
                    "the engine's abstention rule changed — check eval.calibrate, which assumes that rule.",
                    mismatches)
    meta["abstention_rule_mismatches"] = mismatches
    meta["started_at"] = started_at
    meta["seconds"] = round(time.perf_counter() - started, 1)
    return Run(meta, rows, aggregates, points)
