"""Text analysis for BM25: words, stems, Swedish compounds against the corpus's own vocabulary."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from core.analyze import Analyzer, words
from core.sources import load_sources
from ingest import pipeline

ROOT = Path(__file__).resolve().parents[2]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()


@cache
def ssl_analyzer() -> Analyzer:
    """The analyzer as the pipeline makes it, over the texts of säkerhetsskyddslagen and -förordningen."""
    texts: list[str] = []
    for source in load_sources(ROOT / "corpus" / "sources.toml"):
        if source.doc_id in {"sfs-2018-585", "sfs-2021-955"}:
            clauses, _ = pipeline.segment(pipeline.read_source(source, CORPUS), dt.date(2026, 11, 28))
            texts += [c.text for c in clauses]
    return Analyzer.from_texts(texts)


def test_words_keep_designations_and_section_numbers() -> None:
    assert words("Lag (2018:585) 3 kap. 4 a § och 40a §") == ["lag", "2018:585", "3", "kap", "4", "a", "och", "40a"], (
        "a designation is one token; a section number with its letter too")


def test_a_compound_and_its_paraphrase_share_tokens() -> None:
    analyzer = ssl_analyzer()
    compound = set(analyzer.tokens("säkerhetsskyddsavtal"))
    paraphrase = set(analyzer.tokens("avtal om säkerhetsskydd", query=True))
    assert {"avtal", "skydd", "säkerhet"} <= compound & paraphrase, (
        "'säkerhetsskyddsavtal' and 'avtal om säkerhetsskydd' must meet in BM25")
    assert "säkerhetsskyddsavtal" in compound, "the whole word is indexed beside its parts"


def test_compound_parts_need_the_vocabulary() -> None:
    assert Analyzer().tokens("säkerhetsskyddsavtal") == ["säkerhetsskyddsavtal"], "no vocabulary, no split"
    analyzer = Analyzer(["avtal", "skydd", "säkerhet"])
    parts = {analyzer.tokens(w)[0] for w in ("säkerhet", "skydd", "avtal")}  # their stems
    assert set(analyzer.tokens("säkerhetsskyddsavtal")) >= parts, "linking 's' between parts is allowed"
    assert analyzer.tokens("avtal") == ["avtal"], "a word shorter than two parts is not split"


def test_stems_make_inflections_meet() -> None:
    analyzer = ssl_analyzer()
    assert analyzer.tokens("säkerhetsprövningen")[0] == analyzer.tokens("säkerhetsprövning")[0], (
        "definite and indefinite forms share a stem")
    assert analyzer.tokens("verksamhetsutövare")[0] == analyzer.tokens("verksamhetsutövaren")[0]


def test_stop_words_go_and_numbers_stay() -> None:
    analyzer = ssl_analyzer()
    assert analyzer.tokens("och att det är som") == [], "Swedish function words carry no evidence"
    tokens = analyzer.tokens("enligt lagen (2018:585) 3 kap. 2 §", query=True)
    assert "2018:585" in tokens and "3" in tokens and "2" in tokens, "references are kept as they are"
    assert "enligt" not in tokens


def test_an_english_question_is_stemmed_for_both_languages() -> None:
    analyzer = ssl_analyzer()
    tokens = analyzer.tokens("security clearance of consultants", "en", query=True)
    assert "secur" in tokens and "consult" in tokens, "English stems"
    assert "of" not in tokens, "English stop words go"
    assert len(tokens) == len(set(tokens)), "a question's tokens are unique"
    document = analyzer.tokens("The consultants were vetted; the consultants agreed.", "en")
    assert document.count("consult") == 2, "a document keeps repeated tokens (term frequency)"


def test_vocabulary_from_texts() -> None:
    analyzer = Analyzer.from_texts(["säkerhetsskydd skydd 2018:585", "säkerhetsskydd ab"], min_count=2)
    assert analyzer.vocabulary == frozenset({"säkerhetsskydd"}), (
        "only alphabetic words of at least four letters seen min_count times")
