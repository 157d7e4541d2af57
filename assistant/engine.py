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
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assistant.abstain import Evidence, coverage, fact_unmet, load_model, measure, unknown_names
from assistant.compose import (
    Chosen,
    binding_label,
    build_block,
    choose_sentences,
    clause_label,
    defining_clauses,
    definitions_used,
    permalink,
    phrase,
    render,
)
from assistant.followup import Cited, Corpus, check_history, interpret
from assistant.glossary import acronym_terms, swedish_terms
from assistant.leads import lead_kind
from assistant.privacy import mask as mask_personal_data
from assistant.qtype import question_type
from assistant.records import Answer, Citation, Hit, Related
from assistant.references import Resolved, resolve
from assistant.related import MAX_RELATED, clears_bar
from assistant.retrieve import DEFINITION_BOOST, Filters, Scored, allowed_mask, fuse, outside_pull, search
from assistant.scope import has_content, off_map
from assistant.state import SearchState
from core.analyze import STOP_EN, STOP_SV
from core.embed import Embedder, load_embedder
from core.errors import BadRequestError, NotFoundError
from core.language import detect_language
from core.records import Clause
from core.settings import Settings
from core.store import Document, IndexData
from core.versions import neighbours, other_wordings, parallel_clause_id

log = logging.getLogger(__name__)

MAX_CITATIONS = 3
# A further clause is cited only when nearly as strong as the first, fused and dense. Dev, blind-train, blind-extra
# (494 answered, mean): such a second clause is relevant 4 times in 10 (the first 7), so a looser bar trades
# precision for answers citing a relevant clause one for one (ratio/margin 0.90/0.01: 0.607 / 0.842; 0.93/0.01:
# 0.623 / 0.822; 0.93/0.005: 0.658 / 0.795; first alone 0.703 / 0.703). Wrong citations are what users mind
# most, and the clauses left out are mostly still listed as related: the stricter bar is taken.
CITE_SCORE_RATIO = 0.93
CITE_DENSE_MARGIN = 0.005
# A follow-up is searched twice, as interpreted (with what it refers to) and as asked, and the two rankings
# are fused: the interpretation leads, and what the question's own words find keeps a say, so a wrong guess at
# the referent costs less (measured on the train half of the dialogue suite, 60 answerable follow-ups:
# recall@5 0.808 with the interpretation alone, 0.836 fused at weight 0.5 (0.25 ties, 1.0 gives 0.794);
# fusing the two rankings' scores instead of their ranks gave 0.803 at every weight).
FOLLOWUP_ASKED_WEIGHT = 0.5
# The previous question's own ranking is a third, weaker voice: a follow-up most often asks about the clauses
# the previous answer came from or their neighbours ("Hur länge gäller den?" after a secrecy question).
# Train half, 60 answerable follow-ups: recall@5 0.811 without it, 0.844 / 0.869 / 0.878 / 0.861 at weight
# 0.125 / 0.25 / 0.375 / 0.5; the middle of the plateau is taken.
FOLLOWUP_PREVIOUS_WEIGHT = 0.375
_FOLLOWUP_POOL = 30  # candidates taken from each of the two rankings


@dataclass(frozen=True)
class Retrieval:
    """What ranking found for a question, handed to the abstention decision and the answer."""

    ranked: list[tuple[Scored, str]]  # best first, with how each was found: "reference" or "search"
    text: str  # the question as searched (masked, whitespace normalised)
    lang: str  # its language, as detected (or asked for)
    tokens: tuple[str, ...]  # the BM25 query tokens, glossary terms included, in order
    resolved: Resolved  # the explicit references
    vector: np.ndarray | None  # the query vector (None in BM25 mode)
    dense: np.ndarray  # dense score of every clause
    lexical: np.ndarray  # BM25 score of every clause
    bank: np.ndarray  # each clause's best bank question's similarity (-1: none)
    mask: np.ndarray  # the clauses the filters allow
    embed_ms: float
    search_ms: float

    @property
    def token_set(self) -> frozenset[str]:
        return frozenset(self.tokens)

    @property
    def references(self) -> list[Scored]:
        return [s for s, via in self.ranked if via == "reference"]

    @property
    def hits(self) -> list[Scored]:
        return [s for s, via in self.ranked if via == "search"]


class Assistant:
    def __init__(self, settings: Settings, index: IndexData, embedder: Embedder) -> None:
        self.settings = settings
        self.index = index
        self.embedder = embedder
        index.check_model(embedder.fingerprint)
        self.state = SearchState.build(index)
        self.model = load_model(embedding_id=str(embedder.fingerprint.get("id")))
        if self.model is None:
            log.warning("The abstention model is not calibrated for the embedding model %r and these features "
                        "(assistant/calibration.json); the assistant will not abstain. Run `vagvisare eval calibrate`.",
                        embedder.fingerprint.get("id"))
        # 0 = the calibrated threshold; a negative value never abstains (used to calibrate)
        self.threshold = settings.abstain_threshold or (self.model.threshold if self.model else -1.0)

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
            raise BadRequestError("The question is empty.", hint="Write a question, e.g. 'Vem ska säkerhetsprövas?'.",
                                  code="question_empty")
        if len(question) > self.settings.max_question_chars:
            raise BadRequestError(
                f"The question is {len(question)} characters long; the limit is {self.settings.max_question_chars}.",
                hint="Shorten it to the essential question.", code="question_too_long",
                details={"length": len(question), "limit": self.settings.max_question_chars})
        masked, was_masked = mask_personal_data(question)
        return re.sub(r"\s+", " ", masked).strip(), was_masked

    def embed_query(self, text: str) -> np.ndarray:
        return self.state.query_vectors.get(text, lambda t: self.embedder.encode_queries([t])[0])

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
               langs: Any = None, include_inactive: bool = False, mode: str = "hybrid",
               history: Any = None) -> list[Hit]:
        """Ranked clauses for a question (explicit references first); a follow-up of ``history`` (the earlier
        questions, oldest first) is searched as :meth:`interpretation` writes it out and as asked, the two
        rankings fused (:meth:`_ranked_followup`)."""
        if not 1 <= k <= 100:
            raise BadRequestError(f"k = {k} is out of range.", hint="Ask for 1 to 100 hits.")
        text, _ = self._clean(question)
        interpreted = self.interpretation(text, history)
        filters = self._filters(docs, kinds, bindings, langs, include_inactive)
        if interpreted:
            retrieval = self._ranked_followup(interpreted, text, filters, k, mode, self._lang_of(text),
                                              self._previous(history))
        else:
            retrieval = self._ranked(text, filters, k, mode)
        return [self._hit(s, via) for s, via in retrieval.ranked]

    # ----------------------------------------------------------------- follow-ups
    def interpretation(self, question: str, history: Any) -> str | None:
        """The standalone question a follow-up of ``history`` is searched as, or None when it stands alone
        (:mod:`assistant.followup`)."""
        earlier = [self._clean(q)[0] for q in check_history(history, self.settings.max_question_chars)]
        if not earlier:
            return None
        return interpret(question, earlier, Corpus(self._documents_named, self._cited_by, self._lang_of,
                                                   self._frequency))

    def _previous(self, history: Any) -> str:
        """The question just before (history is checked by :meth:`interpretation` first)."""
        earlier = check_history(history, self.settings.max_question_chars)
        return self._clean(earlier[-1])[0] if earlier else ""

    def _documents_named(self, question: str) -> list[str]:
        return [d for _, d in self.state.names.mentions(question)]

    def _lang_of(self, question: str) -> str:
        return detect_language(question, self.index.analyzer.vocabulary)

    def _frequency(self, word: str) -> int:
        """How many clauses contain the word (as a Swedish or English stem; 0 when none does)."""
        counts = [self.state.document_frequency.get(t, 0)
                  for lang in ("sv", "en") for t in self.index.analyzer.tokens(word, lang)]
        return min((c for c in counts if c), default=0)

    def _cited_by(self, question: str) -> Cited:
        """What the answer to ``question`` cites (nothing when it abstains): what a follow-up may refer to."""
        r = self._ranked(question, self._filters(None), 10, "hybrid")
        if r.references:
            chosen = r.references[:MAX_CITATIONS]
        elif not r.hits or self._evidence(r, self._unknown_names(r)).score < self.threshold:
            chosen = []
        else:
            chosen = self._cited(r.hits)
        clauses = tuple(self.index.clauses[s.idx] for s in chosen)
        sources = tuple(dict.fromkeys(self.index.documents[c.doc_id].source for c in clauses))
        return Cited(clauses, sources)

    def _ranked(self, text: str, filters: Filters, k: int, mode: str, lang: str | None = None) -> Retrieval:
        vocabulary = self.index.analyzer.vocabulary
        text, _ = self.state.speller.mend(text, lambda t: (lang or detect_language(t, vocabulary)) == "sv")
        lang = lang or detect_language(text, vocabulary)
        resolved = resolve(text, self.state.names, self.state.in_force_ids)
        mask = allowed_mask(self.state, filters)
        started = time.perf_counter()
        terms = self._glossary_terms(text, lang)
        dense_text = f"{text} ({'; '.join(terms)})" if terms else text
        vector = self.embed_query(dense_text) if mode != "bm25" else None
        embedded = time.perf_counter()
        tokens = self._query_tokens(text, lang, terms)
        boost = self._document_boost(resolved.documents)
        if question_type(text) == "definition":
            for i in defining_clauses(self.state.defined_terms, dense_text):
                boost[i] = boost.get(i, 0.0) + DEFINITION_BOOST
        for c in resolved.candidates:
            if c in self.index.by_id:
                boost[self.index.by_id[c]] = boost.get(self.index.by_id[c], 0.0) + 0.02
        scored, dense, lexical, bank = search(
            self.state, vector, tokens, mask, dense_weight=self.settings.dense_weight,
            bm25_weight=self.settings.bm25_weight, rrf_k=self.settings.rrf_k, mode=mode, boost=boost, k=k,
            sentence_weight=self.settings.sentence_weight, bank_offset=self.settings.bank_offset)
        out: list[tuple[Scored, str]] = []
        for cid in resolved.clause_ids:
            i = self.index.by_id[cid]
            if mask[i] or not filters.docs:
                out.append((Scored(i, 1.0, float(dense[i]), None, float(lexical[i]), None), "reference"))
        taken = {s.idx for s, _ in out}
        out += [(s, "search") for s in scored if s.idx not in taken]
        return Retrieval(out[:k], text, lang, tuple(tokens), resolved, vector, dense, lexical, bank, mask,
                         (embedded - started) * 1000, (time.perf_counter() - embedded) * 1000)

    def _ranked_followup(self, interpreted: str, asked: str, filters: Filters, k: int, mode: str,
                         lang: str, previous: str = "") -> Retrieval:
        """A follow-up's ranking: its interpretation's and its own words' rankings fused by reciprocal rank
        (the own words at :data:`FOLLOWUP_ASKED_WEIGHT`), and the previous question's at
        :data:`FOLLOWUP_PREVIOUS_WEIGHT`; an explicit reference in either of the first two comes first. Each
        clause keeps the score the interpretation gave it (the citation and related-clause bars compare
        scores), or, found by another ranking only, that score times its weight; the rest of the retrieval
        (vector, scores of every clause, tokens) is the interpretation's."""
        pool = max(k, _FOLLOWUP_POOL)
        main = self._ranked(interpreted, filters, pool, mode, lang)
        own = self._ranked(asked, filters, pool, mode, lang)
        others = [(own, FOLLOWUP_ASKED_WEIGHT)]
        if previous and FOLLOWUP_PREVIOUS_WEIGHT > 0:
            others.append((self._ranked(previous, filters, pool, mode), FOLLOWUP_PREVIOUS_WEIGHT))
        # an explicit reference of the previous question is not this one's
        references = list({s.idx: s for s in (*own.references, *main.references)}.values())
        fused = fuse(main.hits, [(r.hits, w) for r, w in others], self.settings.rrf_k, {s.idx for s in references})
        ranked = [(s, "reference") for s in references] + [(s, "search") for s in fused]
        return replace(main, ranked=ranked[:k], embed_ms=main.embed_ms + sum(r.embed_ms for r, _ in others),
                       search_ms=main.search_ms + sum(r.search_ms for r, _ in others))

    @staticmethod
    def _glossary_terms(text: str, lang: str) -> list[str]:
        return swedish_terms(text) if lang == "en" else acronym_terms(text)

    def _query_tokens(self, text: str, lang: str, terms: list[str]) -> list[str]:
        """BM25 query tokens of the text, then of its glossary terms, in order."""
        tokens = self.index.analyzer.tokens(text, lang, query=True)
        if terms:
            tokens += [t for t in self.index.analyzer.tokens(" ".join(terms), "sv", query=True) if t not in tokens]
        return tokens

    def _document_boost(self, documents: list[str]) -> dict[int, float]:
        """Clauses of documents the question names (and of their companion act or ordinance) rank higher."""
        boost: dict[int, float] = {}
        for doc_id in documents:
            weight = self.settings.document_boost
            for other, w in ((doc_id, weight), *((c, weight / 2) for c in self.state.companions.get(doc_id, ()))):
                for i in self.index.by_doc.get(other, ()):
                    boost[i] = max(boost.get(i, 0.0), w)
        return boost

    # ----------------------------------------------------------------- answer
    def answer(self, question: str, *, lang: str | None = None, docs: Any = None, kinds: Any = None,
               bindings: Any = None, include_inactive: bool = False, mode: str = "hybrid",
               history: Any = None) -> Answer:
        """Answer with quotes and numbered citations, or say plainly that the sources do not answer.

        ``history``: the earlier questions of the conversation, oldest first; a follow-up is searched as the
        standalone question :meth:`interpretation` writes out (``Answer.interpreted_as``)."""
        started = time.perf_counter()
        if lang is not None and lang not in ("sv", "en"):
            raise BadRequestError(f"lang = {lang!r} is not supported.", hint="Use 'sv' or 'en'.")
        text, was_masked = self._clean(question)
        interpreted = self.interpretation(text, history)
        filters = self._filters(docs, kinds, bindings, None, include_inactive)
        if interpreted:
            lang = lang or self._lang_of(text)  # the follow-up's own language, not its context's
            retrieval = self._ranked_followup(interpreted, text, filters, 10, mode, lang, self._previous(history))
        else:
            retrieval = self._ranked(text, filters, 10, mode, lang)
        lang = lang or retrieval.lang
        qtype = question_type(retrieval.text)  # the question as mended (typed without å/ä/ö, typos)
        vector, tokens = retrieval.vector, retrieval.token_set
        t_search = time.perf_counter()

        references = retrieval.references
        hits = retrieval.hits
        chosen: list[Chosen] = []
        if references:
            only_reference = len(re.sub(r"[^\wåäö]+", " ", retrieval.text).split()) <= 12
            for s in references[:MAX_CITATIONS]:
                chosen.append(choose_sentences(self.index, s.idx, vector, tokens, whole=only_reference,
                                               max_sentences=3))
            if only_reference:
                qtype = "reference"
        elif hits:
            for s in self._cited(hits):
                chosen.append(choose_sentences(self.index, s.idx, vector, tokens,
                                               max_sentences=3 if qtype in ("procedure", "general") else 2))
        # A follow-up's context finds what it refers to; whether it names what the sources lack ("enligt
        # dataskyddsförordningen") is judged on its own words (the context's come from the corpus).
        asked = replace(retrieval, text=text) if interpreted else retrieval
        unknown = self._unknown_names(asked)
        evidence = self._evidence(asked, unknown)
        abstained = not references and (not hits or evidence.score < self.threshold)

        base = self.settings.base_url
        citations: list[Citation] = []
        related: list[Related] = []
        blocks = []
        if not abstained:
            for n, ch in enumerate(chosen, start=1):
                block = build_block(n, self.index, ch, lead_kind(text, qtype), lang, n == 1, base)
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
            for term, idx in definitions_used(self.index, self.state.defined_terms, quotes, cited):
                related.append(self._related(idx, "definition", 0.0, lang, term))
                cited.add(idx)
            top = hits[0].score if hits else 0.0
            cited_docs = {c.doc_id for c in citations}
            for s in hits:
                if len(related) >= MAX_RELATED:
                    break
                if s.idx not in cited and clears_bar(s, top, self.index.clauses[s.idx].doc_id, cited_docs,
                                                     self.state.companions):
                    related.append(self._related(s.idx, "hit", s.score, lang))
                    cited.add(s.idx)
        possibly = [self._related(s.idx, "possibly_related", s.score, lang) for s in hits[:3]] if abstained else []
        # say what the question names that the sources never mention ("brottsbalken", "Horizon Europe")
        missing = unknown[:3] if abstained else []
        support = self.settings.support_en if lang == "en" else self.settings.support_sv
        composition = render(
            blocks, [self._related_view(r, lang) for r in related], lang, abstained=abstained,
            possibly_related=[self._related_view(r, lang) for r in possibly], support=support, masked=was_masked,
            missing=missing)
        finished = time.perf_counter()
        timings = {"embed_ms": round(retrieval.embed_ms, 2), "search_ms": round(retrieval.search_ms, 2),
                   "compose_ms": round((finished - t_search) * 1000, 2),
                   "total_ms": round((finished - started) * 1000, 2)}
        notices = (phrase("masked", lang) if was_masked else phrase("privacy", lang),)
        return Answer(text, composition.text, composition.html, tuple(citations), tuple(related + possibly),
                      abstained, lang, qtype, self.index_version, timings, round(evidence.score, 4), notices,
                      tuple(composition.parts), interpreted)

    def _cited(self, hits: list[Scored]) -> list[Scored]:
        top = hits[0]
        cited = [top]
        for s in hits[1:]:
            if len(cited) >= MAX_CITATIONS:
                break
            if s.score >= CITE_SCORE_RATIO * top.score and s.dense >= top.dense - CITE_DENSE_MARGIN:
                cited.append(s)
        return cited

    def _unknown_names(self, r: Retrieval) -> list[str]:
        """What the question names that the corpus lacks ("brottsbalken", "Horizon Europe")."""
        return unknown_names(r.text, self.state.vocabulary, self.state.known_names)

    def _evidence(self, r: Retrieval, unknown: list[str]) -> Evidence:
        """How well the sources cover the question, as features and a calibrated probability."""
        hits, vector = r.hits, r.vector
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
        covered = coverage(r.tokens, clause_tokens, self.state.document_frequency, len(self.index.clauses), r.lang)
        best = [self.index.clauses[s.idx] for s in hits[:3]]
        number = fact_unmet(r.text, [c.text for c in best])
        off = off_map(r.text, [" ".join([*c.heading_path, c.text]) for c in best])
        evidence = measure(r.dense, r.lexical, r.mask, sentence_top, len(r.tokens), r.text, r.lang,
                           self.state.vocabulary, covered, number, 1.0 if unknown else 0.0, r.bank,
                           1.0 if off else 0.0, self.state.speller.known, outside_pull(self.index, vector, r.mask))
        if not has_content(r.text, self._content_word):
            return replace(evidence, score=0.0)  # "???", emoji, gibberish: nothing the sources could answer
        score = self.model.probability(evidence) if self.model else 1.0
        return replace(evidence, score=score)

    def _content_word(self, word: str) -> bool:
        """A word that carries a topic and that the corpus or the question bank knows."""
        return word not in STOP_SV and word not in STOP_EN and self.state.speller.known(word)

    def evidence(self, question: str, **options: Any) -> Evidence:
        """The abstention features of a question (for calibration and reports)."""
        text, _ = self._clean(question)
        retrieval = self._ranked(text, self._filters(options.get("docs")), 10, "hybrid")
        return self._evidence(retrieval, self._unknown_names(retrieval))

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
        """The clauses before and after it in its document."""
        return neighbours(self.index, clause)

    def other_wordings(self, clause: Clause) -> list[Clause]:
        """Its other wordings and earlier versions, in reading order (:func:`core.versions.other_wordings`)."""
        return other_wordings(self.index, clause)

    def parallel(self, clause: Clause) -> tuple[Clause, Document] | None:
        """The same clause in the act's other language version, with that document, when it is indexed."""
        clause_id = parallel_clause_id(self.index, clause.clause_id)
        if clause_id is None:
            return None
        other = self.index.clauses[self.index.by_id[clause_id]]
        return other, self.index.documents[other.doc_id]


def _binding(doc: Document, lang: str) -> str:
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
    """`assistant.answer(question, settings) -> Answer` (the path of a question: docs/architecture.md)."""
    return get_assistant(settings).answer(question, **options)


def search_hits(question: str, settings: Settings, **options: Any) -> list[Hit]:
    return get_assistant(settings).search(question, **options)
