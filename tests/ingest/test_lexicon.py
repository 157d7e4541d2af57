"""The corpus lexicon and the word mender: split words joined where the join is a word and a piece is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DEFAULT_CORPUS

from ingest.lexicon import Lexicon, corpus_lexicon
from ingest.normalize import Vocabulary
from ingest.pdf_extract import SOFT_SPACE, Line
from ingest.pdf_words import Words


def test_the_lexicon_is_built_from_the_corpus_dir_and_cached(tmp_path: Path) -> None:
    lexicon = corpus_lexicon(DEFAULT_CORPUS)
    assert lexicon.total > 100_000, "the default corpus's statutes give over a hundred thousand running words"
    assert corpus_lexicon(DEFAULT_CORPUS) is lexicon, "built once per state of the corpus"
    assert lexicon.knows("vilka") and not lexicon.knows("vilk"), "a split-off piece is no word"
    assert lexicon.knows("personuppgiftsbehandling"), "a compound of known words, with a linking s"
    assert not lexicon.knows("f") and lexicon.knows("i"), "a one-letter word only if it is common"
    corpus = tmp_path / "corpus"
    (corpus / "added").mkdir(parents=True)
    (corpus / "lag.txt").write_text("Myndigheten ska samverka. Myndigheten ska samverka.", encoding="utf-8")
    (corpus / "added" / "x.txt").write_text("operatörsord operatörsord", encoding="utf-8")
    small = corpus_lexicon(corpus)
    assert small.knows("samverka") and not small.knows("operatörsord"), "added documents are not the lexicon"
    (corpus / "lag.txt").write_text("Ny text ny text", encoding="utf-8")
    assert corpus_lexicon(corpus).knows("text") and not corpus_lexicon(corpus).knows("samverka"), (
        "a changed corpus gives a new lexicon"
    )
    assert corpus_lexicon(None).total == 0 and corpus_lexicon(tmp_path / "missing").total == 0


def _words(lexicon: Lexicon) -> Words:
    return Words(Vocabulary(), lexicon)


@pytest.mark.parametrize(
    ("pieces", "mended"),
    [
        ("vilk|a", "vilka"),
        ("verk|samhet", "verksamhet"),
        ("personuppgift|sbehandling", "personuppgiftsbehandling"),
        ("f|örordningen", "förordningen"),
        ("R|u|b|r|i|k", "Rubrik"),  # a heading set with wide tracking
        ("för|del", "för del"),  # two words, also one word together: left apart
        ("lagen och|-förordningen", "lagen och -förordningen"),  # a real hyphen
        ("åren|2025-2026", "åren 2025-2026"),  # a join never makes a number
        ("Göran|Persson", "Göran Persson"),  # names the lexicon does not know: nothing to join into
    ],
)
def test_soft_spaces_are_mended_only_into_words(pieces: str, mended: str) -> None:
    words = _words(corpus_lexicon(DEFAULT_CORPUS))
    line = pieces.replace("|", SOFT_SPACE)
    assert words.text([Line(line, 1)]) == mended
