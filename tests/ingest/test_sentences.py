"""Sentence spans inside a clause, for quoting and highlighting."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from core.sources import load_sources
from ingest import pipeline
from ingest.sentences import sentence_spans, sentences

ROOT = Path(__file__).resolve().parents[2]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()


@pytest.mark.parametrize(("text", "expected", "why"), [
    ("Lagen gäller. Den gäller också för andra.", ["Lagen gäller.", "Den gäller också för andra."],
     "a full stop before a capital ends a sentence"),
    ("Detta gäller m.m. Enligt 3 kap. 2 § gäller annat.", ["Detta gäller m.m. Enligt 3 kap. 2 § gäller annat."],
     "'m.m.' and 'kap.' are abbreviations, not sentence ends"),
    ("Se t.ex. Säkerhetspolisen. Nästa.", ["Se t.ex. Säkerhetspolisen.", "Nästa."], "'t.ex.' does not split"),
    ("Enligt prop. 2017/18:89 s. 12. Nästa.", ["Enligt prop. 2017/18:89 s. 12.", "Nästa."],
     "'prop.' and the single letter 's.' are abbreviations"),
    ("Lagen (2018:585) gäller. Den trädde i kraft 2019.", ["Lagen (2018:585) gäller.",
                                                          "Den trädde i kraft 2019."], "designations are no ends"),
    ("Fråga? Svar! Slut.", ["Fråga?", "Svar!", "Slut."], "question and exclamation marks end sentences"),
    ("Han sa: \"Nej.\" Sedan gick han.", ["Han sa: \"Nej.\"", "Sedan gick han."],
     "a closing quote belongs to its sentence"),
    ("Beslut fattas av rektor (jfr 2 §). Det gäller inte.", ["Beslut fattas av rektor (jfr 2 §).",
                                                           "Det gäller inte."], "'jfr' inside brackets"),
    ("1. Denna lag träder i kraft den 1 april 2019.", ["1. Denna lag träder i kraft den 1 april 2019."],
     "the number of a punkt is no sentence of its own"),
    ("Informationssäkerhet ska\n1. förebygga röjande, och\n2. förebygga skadlig inverkan.",
     ["Informationssäkerhet ska", "1. förebygga röjande, och", "2. förebygga skadlig inverkan."],
     "a sentence never crosses a line (stycke or punkt)"),
    ("", [], "no text, no sentence"),
])
def test_sentences(text: str, expected: list[str], why: str) -> None:
    assert sentences(text) == expected, why


def test_spans_are_offsets_into_the_text() -> None:
    text = "Första.  Andra meningen.\nTredje rad"
    spans = sentence_spans(text)
    assert spans == [(0, 7), (9, 24), (25, 35)], "offsets count the newline; trailing spaces are not included"
    assert [text[a:b] for a, b in spans] == ["Första.", "Andra meningen.", "Tredje rad"]


def test_sentences_of_the_real_statutes_cover_every_word_and_stay_on_their_line() -> None:
    checked = 0
    for source in load_sources(ROOT / "corpus" / "sources.toml"):
        if source.doc_id not in {"sfs-2018-585", "sfs-2021-955", "sfs-2009-975", "regeringsbeslut-2025-05-22"}:
            continue
        doc = pipeline.read_source(source, CORPUS)
        for clause in pipeline.segment(doc, dt.date(2026, 11, 28))[0]:
            spans = sentence_spans(clause.text)
            covered = [False] * len(clause.text)
            for a, b in spans:
                piece = clause.text[a:b]
                assert "\n" not in piece, f"{clause.clause_id}: a sentence stays on its line"
                assert piece == piece.strip() and piece, f"{clause.clause_id}: sentences are trimmed and non-empty"
                assert not re.fullmatch(r"\d+[a-z]?\.", piece), f"{clause.clause_id}: {piece!r} is a punkt number"
                covered[a:b] = [True] * (b - a)
            lost = [ch for ch, c in zip(clause.text, covered, strict=True) if not c and not ch.isspace()]
            assert not lost, f"{clause.clause_id}: every character but spaces is in some sentence ({lost[:5]})"
            checked += 1
    assert checked > 150, "the four documents have many clauses"
