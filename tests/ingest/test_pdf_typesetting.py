"""The PDF reader on PDFs typeset as other producers do: no space glyphs, statute form, glyph-indexed fonts."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import DEFAULT_CORPUS
from pdf_fixtures import corpus_report
from pdf_typesetting import (
    regulation_from_corpus,
    render_glyph_indexed,
    render_positional,
    render_regulation,
)

from core.errors import SourceError
from core.sources import Source
from ingest.lexicon import corpus_lexicon
from ingest.pipeline import check_clauses, segment
from ingest.read_pdf import read_pdf
from ingest.segment_regulation import ADVICE

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 28)


def _source(path: Path) -> Source:
    return Source("vrfs-2026-1", "Föreskrifter", "guideline", "law", "sv", "pdf", path=str(path))


def wrongly_joined(got: list[str], printed: list[str]) -> list[str]:
    """Words in the output that are two printed words run together."""
    pairs = {a + b for a, b in zip(printed, printed[1:], strict=False)}
    printed_words = set(printed)
    return [w for w in got if w not in printed_words and w in pairs]


def test_words_placed_without_space_glyphs_come_back_word_for_word(tmp_path: Path) -> None:
    _, sections = corpus_report(DEFAULT_CORPUS)
    paragraphs = [p for s in sections for p in s.paragraphs][:40]
    path = tmp_path / "positional.pdf"
    split = render_positional(path, paragraphs, corpus_lexicon(DEFAULT_CORPUS))
    assert len(split) >= 20, "the fixture must draw words in two pieces"
    doc = read_pdf(_source(path), path, DEFAULT_CORPUS)
    got = " ".join(b.text for b in doc.blocks).split()
    printed = " ".join(paragraphs).split()
    assert not wrongly_joined(got, printed), "two words are never run together"
    assert got == printed, "every word split by a gap is whole again, and every word space is a space"
    assert doc.meta["quality"]["split_words_mended"] == len(split)  # type: ignore[index]


@pytest.fixture(scope="module")
def regulation(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    _, sections = corpus_report(DEFAULT_CORPUS)
    advice = [p for s in sections for p in s.paragraphs if len(p) > 200]
    spec = regulation_from_corpus(DEFAULT_CORPUS, ROOT / "corpus" / "sources.toml", advice)
    path = tmp_path_factory.mktemp("regulation") / "vrfs.pdf"
    render_regulation(path, spec)
    doc = read_pdf(_source(path), path, DEFAULT_CORPUS)
    clauses, _ = segment(doc, TODAY)
    check_clauses(doc.doc_id, clauses)
    return spec, doc, clauses


def test_a_regulation_in_statute_form_is_cut_by_section(regulation) -> None:  # type: ignore[no-untyped-def]
    spec, doc, clauses = regulation
    assert doc.structure == "regulation", "sections '1 §' … make it a regulation"
    by_id = {c.locator: c for c in clauses}
    for number, paragraphs in spec.sections.items():
        clause = by_id.get(number)
        assert clause is not None, f"{number} § is a clause"
        assert clause.label == f"{number} §"
        assert clause.heading_path == (spec.headings[number],), f"{number} § stands under its heading"
        binding = [clause.text[u.start : u.end] for u in clause.units if u.kind == "stycke"]
        assert "\n".join(binding) == "\n".join(paragraphs), f"{number} §: the binding text word for word"
        advice = [clause.text[u.start : u.end] for u in clause.units if u.kind == ADVICE]
        assert advice[1:] == spec.advice.get(number, []), f"{number} §: its general advice, marked as such"
        assert clause.amended_by == spec.notes.get(number, ""), f"{number} §: the amendment note is metadata"
    assert {"overgang:vrfs-2026-1", "overgang:vrfs-2026-7"} <= set(by_id), "transitional provisions per act"


def test_a_regulation_loses_its_furniture(regulation) -> None:  # type: ignore[no-untyped-def]
    spec, doc, clauses = regulation
    for c in clauses:
        for line in c.text.split("\n"):
            assert line != spec.designation and not re.fullmatch(r"\d+", line), f"{c.clause_id}: furniture {line!r}"
            assert spec.issn not in line, f"{c.clause_id}: the ISSN is no text"
    assert doc.meta["removed"]["ISSN or ISBN line"] == 1  # type: ignore[index]


INDEXED = [
    "Göran Persson",
    "Avtal mellan Sverige och Danmark om beskattning av anställda ombord på färjor och tåg",
    "Denna lag träder i kraft den dag regeringen bestämmer enligt 2 § första stycket.",
]


def test_a_font_showing_glyph_indices_is_repaired(tmp_path: Path) -> None:
    _, sections = corpus_report(DEFAULT_CORPUS)
    normal = [p[:90] for p in sections[0].paragraphs[:6]]
    path = tmp_path / "indexed.pdf"
    render_glyph_indexed(path, normal, INDEXED)
    doc = read_pdf(_source(path), path, DEFAULT_CORPUS)
    text = "\n".join(b.text for b in doc.blocks)
    for paragraph in INDEXED:
        assert paragraph in text, f"read in the Macintosh glyph order: {paragraph!r}"
    repaired = doc.meta["fonts_repaired"]
    assert isinstance(repaired, list) and "Macintosh glyph order" in repaired[0] and "page" in repaired[0]


def test_a_font_no_reading_repairs_refuses_the_document(tmp_path: Path) -> None:
    _, sections = corpus_report(DEFAULT_CORPUS)
    path = tmp_path / "scrambled.pdf"
    render_glyph_indexed(path, [p[:90] for p in sections[0].paragraphs[:6]], INDEXED * 2, scramble=True)
    with pytest.raises(SourceError) as info:
        read_pdf(_source(path), path, DEFAULT_CORPUS)
    message = str(info.value)
    assert "page 1" in message and "OCR" in message and str(path) in message, message


def test_text_in_a_form_xobject_is_placed_where_it_is_drawn(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "form.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.beginForm("box")
    c.setFont("Helvetica-Bold", 10.5)
    c.drawString(0, 0, "Utvidgning av uppdraget")
    c.setFont("Helvetica", 10.5)
    c.drawString(0, -14, "Utredaren ska analysera vilka rättsliga förutsättningar som finns.")
    c.endForm()
    c.setFont("Helvetica", 10.5)
    c.drawString(72, 760, "Regeringen beslutade den 7 juli 2016 om uppdraget.")
    c.saveState()
    c.translate(72, 700)  # the form is drawn lower down, through the graphics matrix
    c.doForm("box")
    c.restoreState()
    c.drawString(72, 640, "Uppdraget ska redovisas senast den 27 april 2018.")
    c.drawString(72, 626, "Utredaren ska samråda med Datainspektionen.")
    c.showPage()
    c.save()
    doc = read_pdf(_source(path), path, DEFAULT_CORPUS)
    texts = [b.text for b in doc.blocks]
    assert "Utredaren ska analysera vilka rättsliga förutsättningar som finns." in texts, texts
    assert texts[-1].startswith("Uppdraget ska redovisas senast den 27 april 2018."), (
        "the text after the form is read after it, at its place: the form's matrix is followed"
    )
