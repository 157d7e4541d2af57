"""The query side's state: what search derives from one loaded index, built once and swapped with it.

:class:`SearchState` holds the loaded :class:`~core.store.IndexData` and everything the
retrieval, the abstention decision and the composition look up in it per question: columns
for the filters, the sentence → clause array, document frequencies, the terms the statutes
define, the names and acronyms the corpus knows, the ids of clauses in force, companion acts,
the vocabulary by prefix and the cache of question vectors. :class:`~assistant.engine.Assistant`
builds one when it loads an index; a reload builds a new assistant with a new state, so nothing
derived from an old index outlives it, and nothing is kept on the index object itself.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant.abstain import Vocabulary
from assistant.compose import DefinedTerm, find_defined_terms
from assistant.references import DocumentNames
from assistant.spelling import Speller
from core.store import IndexData

QUERY_CACHE_SIZE = 2048  # question vectors kept (least recently used goes first)


@dataclass(frozen=True)
class Columns:
    """Per-clause attributes as arrays, for fast filtering."""

    doc: np.ndarray
    kind: np.ndarray
    binding: np.ndarray
    lang: np.ndarray
    in_force: np.ndarray
    doc_ids: frozenset[str] = frozenset()

    @classmethod
    def of(cls, index: IndexData) -> Columns:
        sources = {d: doc.source for d, doc in index.documents.items()}
        return cls(
            doc=np.array([c.doc_id for c in index.clauses], dtype=object),
            kind=np.array([sources[c.doc_id].kind for c in index.clauses], dtype=object),
            binding=np.array([sources[c.doc_id].binding for c in index.clauses], dtype=object),
            lang=np.array([c.lang for c in index.clauses], dtype=object),
            in_force=np.array([c.status == "in_force" for c in index.clauses], dtype=bool),
            doc_ids=frozenset(index.documents),
        )


class QueryCache:
    """Question vectors by the text embedded, least recently used dropped first; safe across threads."""

    def __init__(self, size: int = QUERY_CACHE_SIZE) -> None:
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str, compute: Callable[[str], np.ndarray]) -> np.ndarray:
        with self._lock:
            if text in self._vectors:
                self._vectors.move_to_end(text)
                return self._vectors[text]
        vector = compute(text)
        with self._lock:
            self._vectors[text] = vector
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector


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


@dataclass
class SearchState:
    """What search needs of one loaded index, derived once (see the module docstring)."""

    index: IndexData
    columns: Columns
    sentence_clause: np.ndarray  # the clause (row) of each sentence vector
    document_frequency: dict[str, int]  # BM25 token -> clauses containing it
    defined_terms: list[DefinedTerm]
    names: DocumentNames  # every way a question may name a document
    known_names: frozenset[str]  # lower-case document names and acronyms the corpus uses
    in_force_ids: set[str]
    companions: dict[str, list[str]]  # doc_id -> its companion act or ordinance
    vocabulary: Vocabulary  # the corpus's words, by prefix too (abstention: words the corpus does not know)
    speller: Speller  # mends words typed without å/ä/ö or with a typo, against the corpus and the bank
    query_vectors: QueryCache = field(default_factory=QueryCache)

    @classmethod
    def build(cls, index: IndexData) -> SearchState:
        names = DocumentNames.from_sources(d.source for d in index.documents.values())
        # document names and the acronyms the corpus uses: a question naming anything else may be off the map
        acronyms = {a.lower() for c in index.clauses for a in re.findall(r"\b[A-ZÅÄÖ][A-ZÅÄÖ0-9]+\b", c.text)}
        # the abbreviation a document's name is built on is a name too: "FDI-lagen" makes "FDI" known (an "FDI
        # notification" names that act's subject, not something the corpus lacks)
        named = [*(n for n, _ in names.names), *(s.lower() for s in names.shorts)]
        stems = {n.split("-")[0] for n in named if re.fullmatch(r"[a-zåäö]{2,5}-\w+", n)}
        known = frozenset([*named, *acronyms, *stems])
        df = np.diff(index.bm25.scores["indptr"])
        return cls(
            index=index,
            columns=Columns.of(index),
            sentence_clause=np.array([s.clause_idx for s in index.sentences], dtype=np.int64),
            document_frequency={t: int(df[i]) for t, i in index.bm25.vocab_dict.items() if i < len(df)},
            defined_terms=find_defined_terms(index),
            names=names,
            known_names=known,
            in_force_ids={c.clause_id for c in index.clauses if c.status == "in_force"},
            companions=companion_documents(index),
            vocabulary=Vocabulary(index.analyzer.vocabulary),
            speller=Speller.build([*(c.text for c in index.clauses), *(c.label for c in index.clauses),
                                   *(h for c in index.clauses for h in c.heading_path)],
                                  [b.question for b in index.bank if b.lang == "en"],
                                  [b.question for b in index.bank if b.lang == "sv"]),
        )
