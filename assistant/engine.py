"""The assistant: a loaded index and model, and the two things it does — search and answer.

    from assistant import Assistant, load_settings
    bot = Assistant.load(load_settings())
    answer = bot.answer("Måste vi säkerhetspröva externa konsulter?")
    print(answer.text)
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from dataclasses import replace
from typing import Any

import numpy as np

from assistant.abstain import Evidence, coverage, load_model, measure, number_unmet, unknown_names
from assistant.compose import (
    Chosen,
    build_block,
    choose_sentences,
    clause_label,
    defined_terms,
    definitions_used,
    permalink,
    phrase,
    render,
)
from assistant.glossary import acronym_terms, swedish_terms
from assistant.language import detect_language
from assistant.privacy import mask as mask_personal_data
from assistant.qtype import question_type
from assistant.records import Answer, Citation, Hit, Related
from assistant.references import DocumentNames, resolve
from assistant.retrieve import Filters, Scored, _columns, allowed_mask, search
from core.embed import Embedder, load_embedder
from core.errors import BadRequestError, NotFoundError
from core.records import Clause
from core.settings import Settings
from core.store import Document, IndexData

log = logging.getLogger(__name__)

MAX_CITATIONS = 3
# a further clause is cited only when it is nearly as strong as the first (measured on the dev
# suite: citation precision 0.45 → 0.55 at the cost of 2 % of answers losing a relevant citation)
CITE_SCORE_RATIO = 0.9
CITE_DENSE_MARGIN = 0.01


class Assistant:
    def __init__(self, settings: Settings, index: IndexData, embedder: Embedder) -> None:
        self.settings = settings
        self.index = index
        self.embedder = embedder
        index.check_model(embedder.fingerprint)
        self.names = DocumentNames.from_sources(d.source for d in index.documents.values())
        # document names and the acronyms the corpus uses: a question naming anything else may be off the map
        acronyms = {a.lower() for c in index.clauses for a in re.findall(r"\b[A-ZÅÄÖ][A-ZÅÄÖ0-9]+\b", c.text)}
        self.known_names = frozenset([*(n for n, _ in self.names.names), *(s.lower() for s in self.names.shorts),
                                      *acronyms])
        self.in_force_ids = {c.clause_id for c in index.clauses if c.status == "in_force"}
        self.companions = companion_documents(index)
        df = np.diff(index.bm25.scores["indptr"])
        self.document_frequency = {t: int(df[i]) for t, i in index.bm25.vocab_dict.items() if i < len(df)}
        # warm what the first answer would otherwise build
        _columns(index)
        defined_terms(index)
        self.model = load_model(embedding_id=str(embedder.fingerprint.get("id")))
        if self.model is None:
            log.warning("The abstention model is not calibrated for the embedding model %r and these features "
                        "(assistant/calibration.json); the assistant will not abstain. Run `vagvisare eval calibrate`.",
                        embedder.fingerprint.get("id"))
        # 0 = the calibrated threshold; a negative value never abstains (used to calibrate)
        self.threshold = settings.abstain_threshold or (self.model.threshold if self.model else -1.0)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    @classmethod
    def load(cls, settings: Settings) -> Assistant:
        index = IndexData(settings.index_dir)
        return cls(settings, index, load_embedder(settings))

    @property
    def index_version(self) -> str:
        return self.index.version

    # ----------------------------------------------------------------- inputs
    def _clean(self, question: str) -> tuple[str, bool]:
        if not isinstance(question, str) or not question.strip():
            raise BadRequestError("The question is empty.", hint="Write a question, e.g. 'Vem ska säkerhetsprövas?'.")
        if len(question) > self.settings.max_question_chars:
            raise BadRequestError(
                f"The question is {len(question)} characters long; the limit is {self.settings.max_question_chars}.",
                hint="Shorten it to the essential question.")
        masked, was_masked = mask_personal_data(question)
        return re.sub(r"\s+", " ", masked).strip(), was_masked

    def embed_query(self, text: str) -> np.ndarray:
        with self._cache_lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        vector = self.embedder.encode_queries([text])[0]
        with self._cache_lock:
            self._cache[text] = vector
            while len(self._cache) > 2048:
                self._cache.popitem(last=False)
        return vector

    def _filters(self, docs: tuple[str, ...] | list[str] | None, kinds: Any = None, bindings: Any = None,
                 langs: Any = None, include_inactive: bool = False) -> Filters:
        return Filters(tuple(docs or ()), tuple(kinds or ()), tuple(bindings or ()), tuple(langs or ()),
                       include_inactive)

    def _hit(self, s: Scored, via: str = "search") -> Hit:
        c = self.index.clauses[s.idx]
        return Hit(c.clause_id, c.doc_id, c.label, self.index.documents[c.doc_id].title, round(s.score, 6), c.text,
                   c.status, s.dense_rank, s.bm25_rank, round(s.dense, 6), round(s.bm25, 6), via)

    # ----------------------------------------------------------------- search
    def search(self, question: str, *, k: int = 10, docs: Any = None, kinds: Any = None, bindings: Any = None,
               langs: Any = None, include_inactive: bool = False, mode: str = "hybrid") -> list[Hit]:
        """Ranked clauses for a question (explicit references first)."""
        if not 1 <= k <= 100:
            raise BadRequestError(f"k = {k} is out of range.", hint="Ask for 1 to 100 hits.")
        text, _ = self._clean(question)
        ranked, _, _ = self._ranked(text, self._filters(docs, kinds, bindings, langs, include_inactive), k, mode)
        return [self._hit(s, via) for s, via in ranked]

    def _ranked(self, text: str, filters: Filters, k: int, mode: str,
                lang: str | None = None) -> tuple[list[tuple[Scored, str]], np.ndarray | None, dict[str, Any]]:
        lang = lang or detect_language(text, self.index.analyzer.vocabulary)
        resolved = resolve(text, self.names, self.in_force_ids)
        mask = allowed_mask(self.index, filters)
        started = time.perf_counter()
        terms = swedish_terms(text) if lang == "en" else acronym_terms(text)
        dense_text = f"{text} ({'; '.join(terms)})" if terms else text
        vector = self.embed_query(dense_text) if mode != "bm25" else None
        embedded = time.perf_counter()
        tokens = self.index.analyzer.tokens(text, lang, query=True)
        if terms:
            tokens += [t for t in self.index.analyzer.tokens(" ".join(terms), "sv", query=True) if t not in tokens]
        boost = self._document_boost(resolved.documents)
        for c in resolved.candidates:
            if c in self.index.by_id:
                boost[self.index.by_id[c]] = boost.get(self.index.by_id[c], 0.0) + 0.02
        scored, dense, lexical = search(
            self.index, vector, tokens, mask, dense_weight=self.settings.dense_weight,
            bm25_weight=self.settings.bm25_weight, rrf_k=self.settings.rrf_k, mode=mode, boost=boost, k=k,
            sentence_weight=self.settings.sentence_weight)
        out: list[tuple[Scored, str]] = []
        for cid in resolved.clause_ids:
            i = self.index.by_id[cid]
            if mask[i] or not filters.docs:
                out.append((Scored(i, 1.0, float(dense[i]), None, float(lexical[i]), None), "reference"))
        taken = {s.idx for s, _ in out}
        out += [(s, "search") for s in scored if s.idx not in taken]
        info = {"lang": lang, "tokens": set(tokens), "resolved": resolved, "embed_ms": (embedded - started) * 1000,
                "search_ms": (time.perf_counter() - embedded) * 1000, "dense": dense, "lexical": lexical,
                "mask": mask, "n_tokens": len(tokens), "text": text, "query_tokens": tokens}
        return out[:k], vector, info

    def _document_boost(self, documents: list[str]) -> dict[int, float]:
        """Clauses of documents the question names (and of their companion act or ordinance) rank higher."""
        boost: dict[int, float] = {}
        for doc_id in documents:
            weight = self.settings.document_boost
            for other, w in ((doc_id, weight), *((c, weight / 2) for c in self.companions.get(doc_id, ()))):
                for i in self.index.by_doc.get(other, ()):
                    boost[i] = max(boost.get(i, 0.0), w)
        return boost

    # ----------------------------------------------------------------- answer
    def answer(self, question: str, *, lang: str | None = None, docs: Any = None, kinds: Any = None,
               bindings: Any = None, include_inactive: bool = False, mode: str = "hybrid") -> Answer:
        """Answer with quotes and numbered citations, or say plainly that the sources do not answer."""
        started = time.perf_counter()
        if lang is not None and lang not in ("sv", "en"):
            raise BadRequestError(f"lang = {lang!r} is not supported.", hint="Use 'sv' or 'en'.")
        text, was_masked = self._clean(question)
        ranked, vector, info = self._ranked(text, self._filters(docs, kinds, bindings, None, include_inactive), 10,
                                            mode, lang)
        lang = lang or info["lang"]
        qtype = question_type(text)
        tokens: set[str] = info["tokens"]
        t_search = time.perf_counter()

        references = [s for s, via in ranked if via == "reference"]
        hits = [s for s, via in ranked if via == "search"]
        chosen: list[Chosen] = []
        if references:
            only_reference = len(re.sub(r"[^\wåäö]+", " ", text).split()) <= 12
            for s in references[:MAX_CITATIONS]:
                chosen.append(choose_sentences(self.index, s.idx, vector, tokens, whole=only_reference,
                                               max_sentences=3))
            if only_reference:
                qtype = "reference"
        elif hits:
            for s in self._cited(hits):
                chosen.append(choose_sentences(self.index, s.idx, vector, tokens,
                                               max_sentences=3 if qtype in ("procedure", "general") else 2))
        evidence = self._evidence(hits, vector, info)
        abstained = not references and (not hits or evidence.score < self.threshold)

        base = self.settings.base_url
        citations: list[Citation] = []
        related: list[Related] = []
        blocks = []
        if not abstained:
            for n, ch in enumerate(chosen, start=1):
                block = build_block(n, self.index, ch, qtype, lang, n == 1, base)
                blocks.append(block)
                c = block.clause
                doc = self.index.documents[c.doc_id]
                citations.append(Citation(
                    n=n, clause_id=c.clause_id, doc_id=c.doc_id, locator=c.locator, label=c.label, title=doc.title,
                    binding=doc.source.binding, binding_label=_binding(doc, lang),
                    quote=" […] ".join(block.segments), highlights=tuple(block.spans),
                    score=round(float(ch.score), 4), permalink=block.link, status=c.status,
                    as_of=doc.source.as_of, heading=" › ".join(c.heading_path)))
            cited = {ch.clause_idx for ch in chosen}
            quotes = [(b_idx, seg) for b_idx, b in zip((ch.clause_idx for ch in chosen), blocks, strict=True)
                      for seg in b.segments]
            for term, idx in definitions_used(self.index, quotes, cited):
                related.append(self._related(idx, "definition", 0.0, lang, term))
                cited.add(idx)
            top = hits[0].score if hits else 0.0
            for s in hits:
                if len(related) >= 5:
                    break
                if s.idx not in cited and s.score >= 0.6 * top:
                    related.append(self._related(s.idx, "hit", s.score, lang))
                    cited.add(s.idx)
        possibly = [self._related(s.idx, "possibly_related", s.score, lang) for s in hits[:3]] if abstained else []
        # say what the question names that the sources never mention ("brottsbalken", "Horizon Europe")
        missing = info["unknown_names"][:3] if abstained else []
        support = self.settings.support_en if lang == "en" else self.settings.support_sv
        composition = render(
            blocks, [self._related_view(r, lang) for r in related], lang, abstained=abstained,
            possibly_related=[self._related_view(r, lang) for r in possibly], support=support, masked=was_masked,
            missing=missing)
        finished = time.perf_counter()
        timings = {"embed_ms": round(info["embed_ms"], 2), "search_ms": round(info["search_ms"], 2),
                   "compose_ms": round((finished - t_search) * 1000, 2),
                   "total_ms": round((finished - started) * 1000, 2)}
        notices = (phrase("masked", lang) if was_masked else phrase("privacy", lang),)
        return Answer(text, composition.text, composition.html, tuple(citations), tuple(related + possibly),
                      abstained, lang, qtype, self.index_version, timings, round(evidence.score, 4), notices,
                      tuple(composition.parts))

    def _cited(self, hits: list[Scored]) -> list[Scored]:
        top = hits[0]
        cited = [top]
        for s in hits[1:]:
            if len(cited) >= MAX_CITATIONS:
                break
            if s.score >= CITE_SCORE_RATIO * top.score and s.dense >= top.dense - CITE_DENSE_MARGIN:
                cited.append(s)
        return cited

    def _evidence(self, hits: list[Scored], vector: np.ndarray | None, info: dict[str, Any]) -> Evidence:
        """How well the sources cover the question, as features and a calibrated probability."""
        sentence_top = 0.0
        if vector is not None:
            for s in hits[:3]:
                rows = self.index.sentences_of.get(s.idx)
                if rows:
                    sentence_top = max(sentence_top, float((self.index.sentence_vectors[rows] @ vector).max()))
        clause_tokens: set[str] = set()
        for s in hits[:3]:
            c = self.index.clauses[s.idx]
            clause_tokens.update(self.index.analyzer.tokens(" ".join([*c.heading_path, c.text]), c.lang))
        covered = coverage(info["query_tokens"], clause_tokens, self.document_frequency, len(self.index.clauses),
                           info["lang"])
        number = number_unmet(info["text"], [self.index.clauses[s.idx].text for s in hits[:3]])
        info["unknown_names"] = unknown_names(info["text"], self.index.analyzer.vocabulary, self.known_names)
        evidence = measure(info["dense"], info["lexical"], info["mask"], sentence_top, info["n_tokens"],
                           info["text"], info["lang"], self.index.analyzer.vocabulary, covered, number,
                           1.0 if info["unknown_names"] else 0.0)
        score = self.model.probability(evidence) if self.model else 1.0
        return replace(evidence, score=score)

    def evidence(self, question: str, **options: Any) -> Evidence:
        """The abstention features of a question (for calibration and reports)."""
        text, _ = self._clean(question)
        ranked, vector, info = self._ranked(text, self._filters(options.get("docs")), 10, "hybrid")
        return self._evidence([s for s, via in ranked if via == "search"], vector, info)

    def _related(self, idx: int, reason: str, score: float, lang: str, term: str = "") -> Related:
        c = self.index.clauses[idx]
        return Related(c.clause_id, c.doc_id, c.label, self.index.documents[c.doc_id].title,
                       permalink(c, base_url=self.settings.base_url),
                       f"definition:{term}" if term else reason, round(score, 6))

    def _related_view(self, r: Related, lang: str) -> dict[str, str]:
        c = self.index.clauses[self.index.by_id[r.clause_id]]
        why = phrase("definition_of", lang, r.reason.split(":", 1)[1]) if r.reason.startswith("definition:") else ""
        return {"title": r.title, "label": clause_label(c, lang), "link": r.permalink, "why": why}

    # ----------------------------------------------------------------- browsing
    def clause(self, doc_id: str, locator: str) -> Clause:
        c = self.index.clause(f"{doc_id}#{locator}")
        if c is None:
            if doc_id not in self.index.documents:
                raise NotFoundError(f"No document {doc_id!r}.", hint="See /sources for the documents.")
            raise NotFoundError(f"{doc_id} has no clause {locator!r}.", hint=f"See /d/{doc_id} for its contents.")
        return c

    def document(self, doc_id: str) -> tuple[Document, list[Clause]]:
        doc = self.index.documents.get(doc_id)
        if doc is None:
            raise NotFoundError(f"No document {doc_id!r}.", hint="See /sources for the documents.")
        return doc, [self.index.clauses[i] for i in self.index.by_doc.get(doc_id, [])]

    def neighbours(self, clause: Clause) -> tuple[Clause | None, Clause | None]:
        ids = self.index.by_doc.get(clause.doc_id, [])
        pos = ids.index(self.index.by_id[clause.clause_id])
        prev = self.index.clauses[ids[pos - 1]] if pos > 0 else None
        nxt = self.index.clauses[ids[pos + 1]] if pos + 1 < len(ids) else None
        return prev, nxt


def companion_documents(index: IndexData) -> dict[str, list[str]]:
    """A law and the ordinance that completes it share a name: "Säkerhetsskyddslag" / "-förordning"."""
    def stem(title: str) -> str:
        title = re.sub(r"\(\d{4}:\d+\)", "", title.lower())
        return re.sub(r"\s+", " ", title.replace("förordning", "lag")).strip()

    groups: dict[str, list[str]] = {}
    for doc_id, doc in index.documents.items():
        if doc.source.kind in ("statute", "ordinance"):
            groups.setdefault(stem(doc.title), []).append(doc_id)
    return {d: [o for o in ids if o != d] for ids in groups.values() for d in ids if len(ids) > 1}


def _binding(doc: Document, lang: str) -> str:
    from assistant.compose import binding_label

    return binding_label(doc.source, lang)


_DEFAULT: dict[tuple[Any, ...], Assistant] = {}
_DEFAULT_LOCK = threading.Lock()


def get_assistant(settings: Settings) -> Assistant:
    """One loaded assistant per index directory and model, shared by callers in this process."""
    key = (str(settings.index_dir), settings.embedding_model, str(settings.model_cache_dir))
    with _DEFAULT_LOCK:
        if key not in _DEFAULT:
            _DEFAULT[key] = Assistant.load(settings)
        return _DEFAULT[key]


def answer(question: str, settings: Settings, **options: Any) -> Answer:
    """`assistant.answer(question, settings) -> Answer` (DESIGN.md)."""
    return get_assistant(settings).answer(question, **options)


def search_hits(question: str, settings: Settings, **options: Any) -> list[Hit]:
    return get_assistant(settings).search(question, **options)
