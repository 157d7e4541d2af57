"""The PDF reader and the numbered-section segmenter, on reports generated from real corpus text."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pdf_fixtures import HEADER, Report, encrypt, minimal_text_pdf, render_scanned

from core import store
from core.errors import SourceError
from core.records import Clause
from core.sources import Source, source_to_toml
from ingest.normalize import Vocabulary, join_lines
from ingest.pipeline import build_index, check_clauses, place_in_document
from ingest.read_pdf import read_pdf
from ingest.segment_numbered import MAX_CHARS, segment_numbered

TODAY = dt.date(2026, 11, 28)


def _source(path: str = "report.pdf", doc_id: str = "vr-riktlinjer", lang: str = "sv") -> Source:
    return Source(doc_id, "Vägledande nationella riktlinjer", "guideline", "guidance", lang, "pdf", path=path)


def _clauses(report: Report) -> list[Clause]:
    doc = read_pdf(_source(), report.path)
    clauses, _ = segment_numbered(doc, TODAY)
    return clauses


def _by_section(clauses: list[Clause]) -> dict[str, list[Clause]]:
    out: dict[str, list[Clause]] = {}
    for c in clauses:
        out.setdefault(re.sub(r"(?<=\d)-\d+$", "", c.locator), []).append(c)
    return out


def _locator(number: str) -> str:
    return f"s:{number}" if number[:1].isdigit() else number.lower().replace(" ", "-")


@pytest.mark.parametrize("fixture", ["report_pdf", "plain_report_pdf"])
def test_every_section_comes_back_word_for_word(fixture: str, request: pytest.FixtureRequest) -> None:
    report: Report = request.getfixturevalue(fixture)
    sections = _by_section(_clauses(report))
    for section in report.sections:
        if not section.paragraphs:
            assert _locator(section.number) not in sections, "a heading without text gives no clause"
            continue
        parts = sections.get(_locator(section.number))
        assert parts, f"section {section.number} was not found ({fixture})"
        got = "\n".join(c.text for c in parts).split("\n")
        assert got == section.paragraphs, (
            f"text of {section.number} differs from what was printed ({fixture})"
        )


def test_ids_labels_and_heading_paths(report_pdf: Report) -> None:
    clauses = _clauses(report_pdf)
    check_clauses("vr-riktlinjer", clauses)  # unique ids, no empty clause
    by_id = {c.clause_id: c for c in clauses}
    c = by_id["vr-riktlinjer#s:2.1"]
    assert c.label == "avsnitt 2.1", "labels name the section in Swedish"
    assert c.heading_path == ("2 Närmare beskrivning av uppdraget", "2.1 Vägledande nationella riktlinjer"), (
        "the chapter heading stands above the section heading"
    )
    assert by_id["vr-riktlinjer#bilaga-1"].label == "Bilaga 1", "an appendix is cited by its name"
    assert {c.kind for c in clauses} <= {"section", "appendix"}, (
        "the cover is left out, nothing else is unnumbered"
    )
    doc = read_pdf(_source(lang="en"), report_pdf.path)
    english, _ = segment_numbered(doc, TODAY)
    assert next(c for c in english if c.locator == "s:2.1").label == "section 2.1", (
        "labels follow the language"
    )


def test_pages_are_those_the_headings_were_printed_on(report_pdf: Report) -> None:
    sections = _by_section(_clauses(report_pdf))
    rendered = report_pdf.rendered
    for number, page in rendered.heading_page.items():
        parts = sections.get(_locator(number))
        if not parts:
            continue
        assert parts[0].page == page, f"section {number} starts on page {page}"
        assert parts[-1].page_end == rendered.last_page[number], f"section {number} ends on its last page"
        for c in parts:
            assert (
                c.page is not None and c.page_end is not None and 1 <= c.page <= c.page_end <= rendered.pages
            ), f"{c.clause_id}: a page range inside the document"


def test_a_citation_can_name_section_and_page(report_pdf: Report) -> None:
    c = next(c for c in _clauses(report_pdf) if c.locator == "s:4.2")
    assert f"{c.label}, s. {c.page}" == f"avsnitt 4.2, s. {report_pdf.rendered.heading_page['4.2']}"
    assert c.page_end is not None and c.page_end > c.page, "the long section 4.2 runs over a page break"


def test_long_sections_are_cut_between_paragraphs(report_pdf: Report) -> None:
    clauses = _clauses(report_pdf)
    parts = [c for c in clauses if re.fullmatch(r"s:4\.2(-\d+)?", c.locator)]
    assert [c.locator for c in parts] == ["s:4.2", "s:4.2-2", "s:4.2-3"], "the first part keeps the plain id"
    for c in clauses:
        assert len(c.text) <= MAX_CHARS or "\n" not in c.text, (
            f"{c.clause_id} is longer than a clause should be"
        )


def test_page_furniture_and_contents_are_gone(report_pdf: Report) -> None:
    doc = read_pdf(_source(), report_pdf.path)
    text = "\n".join(b.text for b in doc.blocks)
    assert HEADER not in text and "Vägvisare testrapport" not in text, "running headers are removed"
    assert "Innehåll" not in text and "....." not in text, "the table of contents is skipped"
    assert not any(re.fullmatch(r"\d+", b.text) for b in doc.blocks), "page numbers are removed"
    assert doc.meta["removed"]["page number"] == report_pdf.rendered.pages - 1, (
        "every page but the cover had one"
    )
    assert doc.meta["removed"]["table of contents page"] == 1
    assert doc.meta["cover"], "the cover page is reported, not indexed"


def test_words_hyphenated_at_line_ends_are_mended(report_pdf: Report) -> None:
    text = "\n".join(c.text for c in _clauses(report_pdf))
    assert report_pdf.rendered.hyphenated, "the fixture must hyphenate some words"
    for word in report_pdf.rendered.hyphenated:
        assert word in text, f"{word} is whole again"
    assert "forsknings- och innovationssamarbeten" in text, "a real hyphen before 'och' stays"


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["att skapa förut-", "sättningar för"], "att skapa förutsättningar för"),
        (["forsknings-", "och innovationssamarbeten"], "forsknings- och innovationssamarbeten"),
        (["inom EU-", "samarbetet"], "inom EU-samarbetet"),
        (["om it-", "säkerhet"], "om it-säkerhet"),  # the document writes "it-säkerhet" elsewhere
        (["åren 2025-", "2026"], "åren 2025-2026"),
        (["mjuk\u00ad", "bindestreck"], "mjukbindestreck"),
    ],
)
def test_join_lines(lines: list[str], joined: str) -> None:
    vocabulary = Vocabulary(frozenset({"förutsättningar"}), frozenset({"it-säkerhet"}))
    assert join_lines(lines, vocabulary=vocabulary, hyphen_joins="letters-and-digits", space_before_break=False) == (
        joined
    ), "typeset lines: break hyphens go, compounds the document writes with a hyphen keep theirs"


def test_spans_and_ids_survive_the_pipeline_checks(report_pdf: Report) -> None:
    placed, text = place_in_document("vr-riktlinjer", _clauses(report_pdf))
    for c in placed:
        assert text[c.char_start : c.char_end] == c.text, f"{c.clause_id}: span points at its text"
        for unit in c.units:
            assert 0 <= unit.start < unit.end <= len(c.text), f"{c.clause_id}: unit inside the clause"


def test_a_pdf_without_numbered_headings_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "note.pdf"
    path.write_bytes(
        minimal_text_pdf(
            [
                "Riktlinjer för resor",
                "Anställda som reser till högriskländer ska",
                "använda en lånedator och meddela sin chef i förväg.",
            ]
        )
    )
    doc = read_pdf(_source(str(path)), path)
    assert doc.structure == "text", "no numbering: paragraphs as in other unnumbered texts"
    assert any("lånedator" in b.text for b in doc.blocks)


def test_an_encrypted_pdf_without_a_user_password_is_read(tmp_path: Path, report_pdf: Report) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(report_pdf.path))
    writer.encrypt(user_password="", owner_password="utgivaren", algorithm="RC4-128")
    path = tmp_path / "protected.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    assert any(c.locator == "s:4.2" for c in segment_numbered(read_pdf(_source(), path), TODAY)[0]), (
        "printing restrictions do not stop reading"
    )


# --- refusals, and the index that stays -----------------------------------------------------------


def _scanned(tmp: Path, good: Path) -> Path:
    render_scanned(tmp / "bad.pdf")
    return tmp / "bad.pdf"


def _encrypted(tmp: Path, good: Path) -> Path:
    encrypt(good, tmp / "bad.pdf")
    return tmp / "bad.pdf"


def _truncated(tmp: Path, good: Path) -> Path:
    data = good.read_bytes()
    (tmp / "bad.pdf").write_bytes(data[: len(data) * 2 // 3])
    return tmp / "bad.pdf"


def _empty(tmp: Path, good: Path) -> Path:
    (tmp / "bad.pdf").write_bytes(b"")
    return tmp / "bad.pdf"


def _html_error_page(tmp: Path, good: Path) -> Path:
    (tmp / "bad.pdf").write_bytes(b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>")
    return tmp / "bad.pdf"


BAD = {
    "scanned": (_scanned, "no text layer"),
    "encrypted": (_encrypted, "encrypted with a password"),
    "truncated": (_truncated, "truncated"),
    "zero bytes": (_empty, "is empty"),
    "an HTML page": (_html_error_page, "not a PDF"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_unreadable_pdfs_are_refused_clearly(case: str, tmp_path: Path, report_pdf: Report) -> None:
    make, words = BAD[case]
    path = make(tmp_path, report_pdf.path)
    with pytest.raises(SourceError) as info:
        read_pdf(_source(str(path)), path)
    message = str(info.value)
    assert words in message, f"{case}: the message says what is wrong: {message}"
    assert str(path) in message and "vr-riktlinjer" in message, "the message names the document and the file"
    assert info.value.hint, "the message says what to do"


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_pdf_leaves_the_index_intact(case: str, tmp_path: Path, report_pdf: Report, settings) -> None:  # type: ignore[no-untyped-def]
    target = settings.corpus_dir / "vr.pdf"
    target.write_bytes(report_pdf.path.read_bytes())
    settings.manifest.write_text(source_to_toml(_source("vr.pdf")), encoding="utf-8")
    build_index(settings)
    before = store.read_manifest(settings.index_dir)["index_version"]

    make, _ = BAD[case]
    target.write_bytes(make(tmp_path, report_pdf.path).read_bytes())
    with pytest.raises(SourceError):
        build_index(settings)
    index = store.IndexData(settings.index_dir)
    assert index.version == before, "the previous index still serves"
    assert index.clause("vr-riktlinjer#s:4.2") is not None, "and still holds the document"
