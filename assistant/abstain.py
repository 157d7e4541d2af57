"""Whether the sources answer a question: evidence features and a calibrated decision.

The features describe how well the best clauses cover the question (similarity of the
best clause and sentence, how far the best clause stands out from the rest, whether
BM25 and the dense model agree, and how many of the question's words the corpus does
not know at all), and whether the questions people ask that come nearest are ones the sources
answer (the question bank) or ones they do not (its other side, ``bank/_outside.jsonl``). A logistic
model over them, fitted on the tunable suites by ``vagvisare eval calibrate``, gives the
probability that the question is answerable; below the calibrated threshold the assistant abstains.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.glossary import glossary
from core.analyze import STOP_EN, STOP_SV, words
from core.datafile import entry_error, load_yaml, require_list, require_mapping

CALIBRATION_FILE = Path(__file__).parent / "calibration.json"
FEATURES = ("dense_top", "dense_margin", "sentence_top", "bm25_top", "agree", "unknown_share", "coverage",
            "fact_unmet", "unknown_name", "bank_top", "bank_margin", "off_map", "outside_pull")

WORDS_FILE = Path(__file__).parent / "data" / "abstain.yaml"
_WORD_LISTS = ("common_english", "english_names", "not_statutes")
_SECTIONS = (*_WORD_LISTS, "asks_for")


@dataclass(frozen=True)
class AsksFor:
    """A kind of fact a question may ask for, and how a clause that holds one reads."""

    name: str
    why: str
    question: re.Pattern[str]
    clause: re.Pattern[str]


@dataclass(frozen=True)
class WordLists:
    """The abstention decision's words (``assistant/data/abstain.yaml``) and the glossary's English words."""

    glossary_words: frozenset[str]  # every word of the glossary's English phrases
    common_english: frozenset[str]  # English words common in questions that carry no topic
    english_names: frozenset[str]  # English names of the domain's own places and institutions
    not_statute: re.Pattern[str]  # a word that ends like a statute but is none ("förslag", "bolag")
    asks_for: tuple[AsksFor, ...] = ()  # kinds of fact the sources seldom state


def load_word_lists(path: Path = WORDS_FILE) -> WordLists:
    """Read and check the word lists: each a list of distinct lower-case words."""
    data = require_mapping(path, load_yaml(path), "the word lists")
    unknown = sorted(set(map(str, data)) - set(_SECTIONS))
    if unknown:
        raise entry_error(path, data, unknown[0], f"unknown list; the file has {', '.join(_SECTIONS)}.")
    lists: dict[str, list[str]] = {}
    for name in _WORD_LISTS:
        words_ = require_list(path, data.get(name), name)
        for i, word in enumerate(words_):
            if not isinstance(word, str) or not re.fullmatch(r"[a-zåäöé]+", word):
                raise entry_error(path, words_, i, f"{name}: {word!r} is not a lower-case word.")
            if word in words_[:i]:
                raise entry_error(path, words_, i, f"{name}: {word!r} appears twice.")
        lists[name] = list(words_)
    terms = glossary().terms
    return WordLists(
        glossary_words=frozenset(w for phrase in terms for w in re.findall(r"[a-z]+", phrase)),
        common_english=frozenset(lists["common_english"]),
        english_names=frozenset(lists["english_names"]),
        not_statute=re.compile(rf"(?:{'|'.join(lists['not_statutes'])})\w{{0,3}}$", re.I),
        asks_for=_asks_for(path, data.get("asks_for")),
    )


def _asks_for(path: Path, data: Any) -> tuple[AsksFor, ...]:
    kinds = require_mapping(path, data, "asks_for")
    out = []
    for name, kind in kinds.items():
        kind = require_mapping(path, kind, f"asks_for {name!r}")
        if set(map(str, kind)) != {"why", "question", "clause"}:
            raise entry_error(path, kinds, name, "a kind of fact has exactly why, question and clause.")
        patterns = []
        for key in ("question", "clause"):
            try:
                patterns.append(re.compile(str(kind[key]), re.I))
            except re.error as exc:
                raise entry_error(path, kind, key, f"asks_for {name!r}: not a regular expression ({exc}).") from None
        out.append(AsksFor(str(name), str(kind["why"]), patterns[0], patterns[1]))
    return tuple(out)


@lru_cache(maxsize=1)
def word_lists() -> WordLists:
    return load_word_lists()


@dataclass(frozen=True)
class Evidence:
    dense_top: float  # best dense score of an allowed clause
    dense_margin: float  # how far it stands above the clauses ranked 10–30
    sentence_top: float  # best cosine of a sentence of the top clauses
    bm25_top: float  # best BM25 score per query token
    agree: float  # 1 when BM25's and the dense model's best clauses are among each other's top 3
    unknown_share: float  # share of the question's content words the corpus and glossary do not know
    coverage: float  # IDF-weighted share of the question's terms found in the best clauses
    fact_unmet: float = 0.0  # 1 when the question asks for a sum, a time, a count, … the best clauses lack
    unknown_name: float = 0.0  # 1 when the question names something (a statute, an acronym, a name) the corpus lacks
    bank_top: float = 0.0  # cosine of the most similar question of the question bank (-1: no bank)
    bank_margin: float = 0.0  # how far it stands above the bank's clauses ranked 10–30
    off_map: float = 0.0  # 1 when the question is about a neighbouring area no best clause touches (scope.py)
    outside_pull: float = 0.0  # how much nearer the questions the sources do not answer come than the bank's
    # (assistant.retrieve.outside_pull; 0 when the clauses searched have no bank: an operator's guideline)
    outside_top: float = -1.0  # cosine of the nearest question the sources do not answer (-1: none; not a feature)
    score: float = 0.0  # probability that the sources answer the question

    def features(self) -> list[float]:
        return [getattr(self, f) for f in FEATURES]

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


class Vocabulary:
    """The corpus's words, and the same words by their first four letters (to find inflected forms).

    Built once per loaded index (:class:`assistant.state.SearchState`)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)
        self._by_prefix: dict[str, list[str]] = {}
        for v in self.words:
            self._by_prefix.setdefault(v[:4], []).append(v)

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def starting(self, prefix: str) -> list[str]:
        """The words whose first four letters are ``prefix``."""
        return self._by_prefix.get(prefix, [])


def unknown_share(question: str, lang: str, vocabulary: Vocabulary,
                  also_known: Callable[[str], bool] | None = None) -> float:
    """Share of the question's content words that neither the corpus, the glossary nor ``also_known``
    (the question bank's words: what people ask about the corpus, in both languages) knows."""
    content = [w for w in words(question) if w.isalpha() and len(w) >= 4 and w not in STOP_SV and w not in STOP_EN]
    if not content:
        return 0.0
    lists = word_lists()

    def known(w: str) -> bool:
        if w in vocabulary or (also_known is not None and also_known(w)):
            return True
        if lang == "en" and (w in lists.glossary_words or w in lists.common_english
                             or w.rstrip("s") in lists.glossary_words):
            return True
        # an inflected Swedish form: some corpus word shares its first letters
        return len(w) >= 6 and any(v.startswith(w[: len(w) - 2]) for v in vocabulary.starting(w[:4]))

    return sum(not known(w) for w in content) / len(content)




def coverage(query_tokens: Sequence[str], clause_tokens: set[str], document_frequency: dict[str, int], n_docs: int,
             lang: str) -> float:
    """IDF-weighted share of the question's terms that the best clauses contain.

    A Swedish term the corpus lacks counts as missing at full weight; an English word the
    corpus lacks is not judged (it may simply be English), only its glossary translation is."""
    total = found = 0.0
    for t in dict.fromkeys(query_tokens):
        df = document_frequency.get(t, 0)
        if df == 0 and (lang == "en" or not t.isalpha()):
            continue
        idf = math.log(1 + n_docs / (df + 0.5))
        total += idf
        found += idf if t in clause_tokens else 0.0
    return found / total if total else 1.0


# numbers that answer no such question: references ("3 kap. 2 §", "(2018:585)", "punkt 3")
_REFERENCES = re.compile(
    r"\d+\s?[a-z]?\s*(?:kap\.|§)|\(\d{4}:\d+\)|\d{4}:\d+|\b\d+\s?[a-z]?\s*(?:och|–|-)\s*\d+\s?§|punkt \d+")


def fact_unmet(question: str, clause_texts: list[str]) -> float:
    """1.0 when the question asks for a kind of fact the sources seldom state (a sum, a share, a time,
    a count, a contact, a person, a form: ``asks_for`` in data/abstain.yaml) and none of the best
    clauses holds one (references such as "3 kap. 2 §" or "(2018:585)" do not count as numbers)."""
    texts = [_REFERENCES.sub(" ", t) for t in clause_texts]
    for kind in word_lists().asks_for:
        if kind.question.search(question) and not any(kind.clause.search(t) for t in texts):
            return 1.0
    return 0.0


# a capitalised word or phrase, an acronym, or an EU document number ("C/2024/3510")
_WORD = r"[A-ZÅÄÖ][A-Za-zÅÄÖåäöé]*[a-zåäöé][A-Za-zÅÄÖåäöé]*"  # "Horizon", "PhD", "ChatGPT"
_NAME = re.compile(rf"\b[A-Z]{{1,3}}/\d{{4}}/\d+|\b[A-ZÅÄÖ][A-ZÅÄÖ0-9]+\b|\b{_WORD}(?:[ -]{_WORD})*\b")
# a Swedish statute named by its compound ("brottsbalken", "dataskyddsförordningens"); the words that only end
# like one ("förslag", "bolag") are in data/abstain.yaml
_STATUTE = re.compile(
    r"\b[\wåäö]{3,}(?:lag|lagen|lagens|lags|balk|balken|balkens|förordning|förordningen|förordningens)\b", re.I)


def names(question: str) -> list[str]:
    """What the question names: statutes, acronyms, document numbers and capitalised phrases.
    A capitalised first word of a sentence is dropped from its phrase ("Can Uppsala University")."""
    not_statute = word_lists().not_statute
    found = [w for w in _STATUTE.findall(question) if not not_statute.search(w)]
    for m in _NAME.finditer(question):
        name = m.group(0)
        before = question[: m.start()].rstrip()
        if (not before or before[-1] in ".?!:;\"'‘’“”(–-") and not name.isupper() and "/" not in name:
            name = name.partition(" ")[2]
        if name:
            found.append(name)
    return found


def unknown_names(question: str, vocabulary: Vocabulary, known: frozenset[str]) -> list[str]:
    """What the question names that neither the corpus, the glossary nor the document names
    know: "brottsbalken", "Horizon Europe", "CSN", "C/2024/3510". ``known`` holds the
    lower-case document names and the acronyms the corpus uses."""
    unknown = []
    for name in names(question):
        low = name.lower()
        if low in known or low in glossary().terms or name.upper() in glossary().acronyms:
            continue
        # a statute that is not in the index, or a name with a word the corpus never uses
        words_known = all(_known_word(w, vocabulary, known) for w in re.findall(r"[\wåäöé]+", low))
        if _STATUTE.fullmatch(name) or not words_known:
            unknown.append(name)
    return list(dict.fromkeys(unknown))


def _known_word(w: str, vocabulary: Vocabulary, known: frozenset[str]) -> bool:
    lists = word_lists()
    if (w in known or w in lists.glossary_words or w in lists.common_english or w in lists.english_names
            or w in STOP_EN or w in STOP_SV):
        return True
    if any(v in vocabulary for v in (w, w.removesuffix("s"), w + "s")):
        return True
    # an inflected form: "Riksdag" / "riksdagen", "Vinnovas" / "Vinnova"
    return len(w) >= 5 and any(v.startswith(w.removesuffix("s")) for v in vocabulary.starting(w[:4]))


def _top_and_margin(scores: np.ndarray) -> tuple[float, float]:
    """The best score and how far it stands above the mean of those ranked 10–30."""
    order = np.argsort(-scores)
    tail = scores[order[10:30]] if len(order) > 10 else scores[order[-1:]]
    return float(scores[order[0]]), float(scores[order[0]]) - float(np.mean(tail))


def measure(dense: np.ndarray, lexical: np.ndarray, mask: np.ndarray, sentence_top: float, n_tokens: int,
            question: str, lang: str, vocabulary: Vocabulary, covered: float = 1.0,
            number: float = 0.0, unknown: float = 0.0, bank: np.ndarray | None = None,
            off: float = 0.0, also_known: Callable[[str], bool] | None = None,
            outside: tuple[float, float] = (0.0, -1.0)) -> Evidence:
    allowed = np.flatnonzero(mask)
    if not len(allowed):
        return Evidence(0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, number, unknown, -1.0, 0.0, off, 0.0, outside[1])
    d = dense[allowed]
    order = np.argsort(-d)
    dense_top = float(d[order[0]])
    tail = d[order[10:30]] if len(order) > 10 else d[order[-1:]]
    margin = dense_top - float(np.mean(tail))
    b = lexical[allowed]
    b_order = np.argsort(-b)
    bm25_top = float(b[b_order[0]]) / max(1, n_tokens)
    agree = float(b[b_order[0]] > 0 and (allowed[b_order[0]] in allowed[order[:3]]
                                         or allowed[order[0]] in allowed[b_order[:3]]))
    bank_top, bank_margin = _top_and_margin(bank[allowed]) if bank is not None else (-1.0, 0.0)
    return Evidence(dense_top, margin, sentence_top, bm25_top, agree,
                    unknown_share(question, lang, vocabulary, also_known), covered, number, unknown, bank_top,
                    bank_margin, off, outside[0], outside[1])


@dataclass(frozen=True)
class Model:
    """Logistic regression over standardised features; `threshold` is on its probability."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float

    def probability(self, evidence: Evidence) -> float:
        z = self.bias + sum(w * (x - m) / s for w, x, m, s in
                            zip(self.weights, evidence.features(), self.mean, self.scale, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def fit(rows: list[list[float]], labels: list[int], l2: float = 1.0, steps: int = 5000) -> Model:
    """Fit the logistic model (answerable = 1) by gradient descent; threshold left at 0.5."""
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    w = np.zeros(z.shape[1])
    b = 0.0
    # answerable questions outnumber the others; weigh the classes equally
    weight = np.where(y == 1, 0.5 / max(1, y.sum()), 0.5 / max(1, (1 - y).sum())) * len(y)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        grad = (weight * (p - y)) @ z / len(y) + l2 * w / len(y)
        w -= 0.5 * grad
        b -= 0.5 * float((weight * (p - y)).mean())
    return Model(tuple(w.round(6)), round(b, 6), tuple(mean.round(6)), tuple(scale.round(6)), 0.5)


def load_model(path: Path = CALIBRATION_FILE, embedding_id: str | None = None) -> Model | None:
    """The calibrated model, or None when there is none or it was fitted for another embedding model."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if embedding_id is not None and data.get("model") not in (None, embedding_id):
        return None  # evidence features of another model mean something else
    model = data.get("abstain_model")
    if not isinstance(model, dict) or tuple(model.get("features", ())) != FEATURES:
        return None
    return Model(tuple(model["weights"]), model["bias"], tuple(model["mean"]), tuple(model["scale"]),
                 float(data.get("abstain_threshold", 0.5)))
