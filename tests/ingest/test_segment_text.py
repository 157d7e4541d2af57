"""Texts without numbered provisions: the government decision and regeringen.se pages, one clause per paragraph."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.records import Block, Clause, ReadDocument
from core.sources import load_sources
from ingest import pipeline
from ingest.segment_text import segment_text

ROOT = Path(__file__).resolve().parents[2]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
SOURCES = {s.doc_id: s for s in load_sources(ROOT / "corpus" / "sources.toml")}
TEXTS = [d for d, s in SOURCES.items() if s.format in ("text", "markdown")]
DECISION = "regeringsbeslut-2025-05-22"


def clauses_of(doc_id: str) -> list[Clause]:
    doc = pipeline.read_source(SOURCES[doc_id], CORPUS)
    clauses, _ = pipeline.segment(doc, dt.date(2026, 11, 28))
    return pipeline.place_in_document(doc_id, clauses)[0]


def by_id(doc_id: str) -> dict[str, Clause]:
    return {c.clause_id: c for c in clauses_of(doc_id)}


def test_the_government_texts_are_nine() -> None:
    assert len(TEXTS) == 9, "the decision and eight regeringen.se pages (corpus/README.md)"


@pytest.mark.parametrize("doc_id", TEXTS)
def test_every_paragraph_is_a_clause_in_force_with_a_slug_id(doc_id: str) -> None:
    clauses = clauses_of(doc_id)
    assert clauses, f"{doc_id}: a page with text has clauses"
    counts: dict[str, int] = {}
    for c in clauses:
        slug, _, n = c.locator.rpartition("-")
        counts[slug] = counts.get(slug, 0) + 1
        assert n == str(counts[slug]), f"{c.clause_id}: paragraphs are numbered 1, 2, … under their heading"
        assert c.kind == "paragraph" and c.status == "in_force", "a paragraph of a page is always current"
        assert c.heading_path, f"{c.clause_id}: every paragraph stands under its heading or the title"
        assert c.units == (c.units[0],) and (c.units[0].start, c.units[0].end) == (0, len(c.text)), (
            f"{c.clause_id}: one stycke, the whole paragraph")
        assert not c.text.startswith("#"), f"{c.clause_id}: Markdown heading marks are not text"


def test_decision_headings_give_the_ids() -> None:
    clauses = by_id(DECISION)
    assert list(clauses)[:2] == [f"{DECISION}#regeringens-beslut-1", f"{DECISION}#regeringens-beslut-2"], (
        "the first heading 'Regeringens beslut' names the first paragraphs")
    c = clauses[f"{DECISION}#narmare-beskrivning-av-uppdraget-2"]
    assert c.text.startswith("Riktlinjerna ska även bidra till att skapa ökad medvetenhet och kompetens"), (
        "the id of the README's example points at the second paragraph under 'Närmare beskrivning av uppdraget'")
    assert c.heading_path == ("Närmare beskrivning av uppdraget", "Vägledande nationella riktlinjer")
    assert c.label == "Närmare beskrivning av uppdraget, st. 2"
    fourth = clauses[f"{DECISION}#narmare-beskrivning-av-uppdraget-4"]
    assert fourth.heading_path[-1] == "Verksamhetsanpassade riktlinjer", (
        "a sub-heading enters the heading path but does not restart the numbering (stable ids)")


def test_decision_split_word_is_mended() -> None:
    first = by_id(DECISION)[f"{DECISION}#narmare-beskrivning-av-uppdraget-1"]
    assert "vägledande nationella riktlinjer för ansvarsfull internationalisering" in first.text, (
        "the PDF extraction split 'ansvars full'; the word occurs whole elsewhere in the decision")
    assert all("ansvars full" not in c.text for c in clauses_of(DECISION))


def test_decision_title_is_not_a_clause() -> None:
    doc = pipeline.read_source(SOURCES[DECISION], CORPUS)
    assert doc.title == ("Uppdrag om riktlinjer för ansvarsfull internationalisering vid utbildnings-, "
                         "forsknings- och innovationssamarbeten"), "the first paragraph, joined, is the title"
    assert all(not c.text.startswith("Uppdrag om riktlinjer") for c in clauses_of(DECISION))


def test_decision_recipient_lists_keep_one_name_a_line() -> None:
    clauses = by_id(DECISION)
    sandlista = clauses[f"{DECISION}#sandlista-1"]
    assert sandlista.heading_path == ("Sändlista",)
    assert sandlista.text.split("\n")[:2] == ["Forskningsrådet för hälsa, arbetsliv och välfärd",
                                              "Forskningsrådet för miljö, areella näringar och samhällsbyggande"]


def test_page_title_heads_the_paragraphs() -> None:
    clauses = clauses_of("pm-2025-05")
    assert [c.locator for c in clauses] == [f"starkt-stod-for-saker-forskning-i-en-orolig-omvarld-{n}"
                                            for n in (1, 2, 3)], "paragraphs before any heading use the title slug"
    assert clauses[0].label == "st. 1", "under the title, the label is just the paragraph"
    assert clauses[2].text.startswith("– Sverige ska vara så öppet som möjligt"), "the quote dash is text"


def test_segment_text_numbering_and_paths() -> None:
    doc = ReadDocument("d", "Titel", "sv", "text", [
        Block("Inledning utan rubrik."),
        Block("Bakgrund", heading_level=2), Block("Första."),
        Block("Detalj", heading_level=3), Block("Andra."),
        Block("Bakgrund", heading_level=2), Block("Tredje."),
    ])
    got = [(c.locator, c.label, c.heading_path) for c in segment_text(doc)]
    assert got == [
        ("titel-1", "st. 1", ("Titel",)),
        ("bakgrund-1", "Bakgrund, st. 1", ("Bakgrund",)),
        ("bakgrund-2", "Bakgrund, st. 2", ("Bakgrund", "Detalj")),
        ("bakgrund-3", "Bakgrund, st. 3", ("Bakgrund",)),
    ], "a repeated heading continues its numbering, so every id stays unique"
    assert [c.ordinal for c in segment_text(doc)] == [0, 1, 2, 3]
