"""The HTML readers: an EU act in EUR-Lex markup (EN and SV), and an agency's guideline page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from html_fixtures import agency_page, eurlex_recommendation, point_text, recital_text, subpoint_text

from core.errors import SourceError
from core.records import Clause
from core.sources import Source
from ingest.pipeline import check_clauses, place_in_document, segment
from ingest.read_eurlex import read_eurlex
from ingest.read_html import read_html_page

TODAY = dt.date(2026, 11, 28)


def _act(tmp_path: Path, lang: str, fmt: str = "eurlex") -> tuple[Source, list[Clause]]:
    path = tmp_path / f"act-{lang}.html"
    path.write_text(eurlex_recommendation(lang), encoding="utf-8")
    doc_id = "eu-c-2024-3510" if lang == "en" else "eu-c-2024-3510-sv"
    source = Source(doc_id, "C/2024/3510", "recommendation", "recommendation", lang, fmt, path=path.name)
    reader = read_eurlex if fmt == "eurlex" else read_html_page
    clauses, _ = segment(reader(source, path), TODAY)
    check_clauses(doc_id, clauses)
    return source, clauses


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_recitals_points_and_sub_points(tmp_path: Path, lang: str) -> None:
    source, clauses = _act(tmp_path, lang)
    by_locator = {c.locator: c for c in clauses}
    for n in range(1, 15):
        recital = by_locator[f"recital:{n}"]
        assert recital.text == f"({n}) {recital_text(lang, n)}", f"recital {n} is whole, with its number"
        assert recital.kind == "recital"
    for n in (1, 2, 3, 4, 6):
        assert by_locator[f"point:{n}"].text == f"{n}. {point_text(lang, n)}", f"point {n} is its own clause"
    for letter in "abc":
        sub = by_locator[f"point:5{letter}"]
        marker = f"({letter})" if lang == "en" else f"{letter})"
        assert sub.text.split("\n")[0] == f"{marker} {subpoint_text(lang, 5, letter)}", f"sub-point 5{letter}"
    assert [c.locator for c in clauses if c.kind == "point"] == [
        "point:1",
        "point:2",
        "point:3",
        "point:4",
        "point:5",
        "point:5a",
        "point:5b",
        "point:5c",
        "point:6",
    ], "points in reading order"


def test_labels_are_in_the_acts_language(tmp_path: Path) -> None:
    _, en = _act(tmp_path, "en")
    _, sv = _act(tmp_path, "sv")
    labels_en = {c.locator: c.label for c in en}
    labels_sv = {c.locator: c.label for c in sv}
    assert (labels_sv["point:5b"], labels_sv["recital:12"], labels_sv["point:5"]) == (
        "punkt 5 b",
        "skäl 12",
        "punkt 5",
    )
    assert (labels_en["point:5b"], labels_en["recital:12"]) == ("point 5(b)", "recital 12")
    assert {c.locator for c in en} == {c.locator for c in sv}, "both languages number alike, clause by clause"


def test_sub_sub_points_stay_inside_their_sub_point(tmp_path: Path) -> None:
    _, clauses = _act(tmp_path, "en")
    b = next(c for c in clauses if c.locator == "point:5b")
    assert b.text.endswith("(i) placeholder sub-sub-point one;"), "(i) belongs to (b)"
    assert [u.kind for u in b.units] == ["stycke", "punkt"], "(i) is addressable as a punkt"
    assert not any(c.locator.startswith("point:5i") for c in clauses)


def test_headings_preamble_annex_and_what_is_left_out(tmp_path: Path) -> None:
    _, clauses = _act(tmp_path, "en")
    by_locator = {c.locator: c for c in clauses}
    assert by_locator["point:4"].heading_path == (
        "HEREBY RECOMMENDS THAT MEMBER STATES:",
        "Placeholder heading on support",
    ), "points stand under headings"
    assert by_locator["preamble"].text.startswith("THE COUNCIL OF THE EUROPEAN UNION,")
    annex = by_locator["annex"]
    assert annex.label == "Annex" and annex.heading_path == ("ANNEX", "Placeholder list of terms")
    everything = "\n".join(c.text for c in clauses)
    assert "Done at Brussels" not in everything and "For the Council" not in everything, (
        "the signature is left out"
    )
    assert "footnote" not in everything.lower(), "footnotes are left out"
    assert by_locator["recital:3"].text.endswith("for this test."), "the footnote marker (2) is dropped"
    assert "30.5.2024" not in everything, "the Official Journal header is dropped"


def test_format_html_recognises_eurlex_markup(tmp_path: Path) -> None:
    _, as_eurlex = _act(tmp_path, "en", "eurlex")
    _, as_html = _act(tmp_path, "en", "html")
    assert [c.clause_id for c in as_html] == [c.clause_id for c in as_eurlex]


def test_title_comes_from_the_act(tmp_path: Path) -> None:
    path = tmp_path / "act.html"
    path.write_text(eurlex_recommendation("sv"), encoding="utf-8")
    source = Source(
        "eu-c-2024-3510-sv", "x", "recommendation", "recommendation", "sv", "eurlex", path="act.html"
    )
    assert read_eurlex(source, path).title == (
        "RÅDETS REKOMMENDATION av den 23 maj 2024 om ökad forskningssäkerhet (C/2024/3510)"
    ), "footnote marker (1) dropped"


def _page(tmp_path: Path, html: str) -> tuple[str, str, list[Clause]]:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    source = Source("uu-riktlinjer", "Riktlinjer", "guideline", "guidance", "sv", "html", path="page.html")
    doc = read_html_page(source, path)
    clauses, _ = segment(doc, TODAY)
    check_clauses(source.doc_id, clauses)
    place_in_document(source.doc_id, clauses)
    return doc.title, doc.structure, clauses


def test_agency_page_main_content_by_numbered_headings(tmp_path: Path) -> None:
    title, structure, clauses = _page(tmp_path, agency_page())
    assert title == "Riktlinjer för ansvarsfull internationalisering"
    assert structure == "numbered", "numbered headings make a numbered document"
    by_locator = {c.locator: c for c in clauses}
    assert by_locator["s:2.1"].label == "avsnitt 2.1"
    assert by_locator["s:2.1"].text == (
        "En riskbedömning görs innan ett avtal om samarbete undertecknas. Den ska "
        "omfatta:\npartens ägarförhållanden,\nforskningsområdets känslighet,\n"
        "exportkontrollerade produkter."
    ), "a list stays with the sentence before it"
    assert by_locator["s:2.2"].heading_path == ("2 Riskbedömning", "2.2 Vem som ansvarar")
    assert "svårare fall" in by_locator["s:2.2"].text, "inline markup keeps its words"


def test_agency_page_drops_navigation_banners_and_footers(tmp_path: Path) -> None:
    _, _, clauses = _page(tmp_path, agency_page())
    text = "\n".join(c.text for c in clauses)
    for boilerplate in (
        "kakor",
        "Utbildning",
        "Start",
        "Box 1",
        "Senast uppdaterad",
        "exportkontroll.",
        "dataLayer",
        "color: black",
    ):
        assert boilerplate not in text, f"{boilerplate!r} is not content"


def test_page_without_numbers_is_text(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Resor | Myndigheten</title></head><body><nav><a href='/'>Hem</a></nav>"
        "<div class='content'><h2>Inför resan</h2><p>Ta med en lånedator.</p><h2>Efter resan</h2>"
        "<p>Lämna tillbaka datorn.</p></div></body></html>"
    )
    title, structure, clauses = _page(tmp_path, html)
    assert (title, structure) == ("Resor", "text"), "the site name is cut from the title"
    assert [c.locator for c in clauses] == ["infor-resan-1", "efter-resan-1"]


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><body><nav>Meny</nav><footer>Kontakt</footer></body></html>",
        "<html><body><script>var x = 1;</script></body></html>",
    ],
)
def test_pages_without_content_are_refused(tmp_path: Path, html: str) -> None:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    source = Source("tom", "Tom", "page", "information", "sv", "html", path="page.html")
    with pytest.raises(SourceError) as info:
        read_html_page(source, path)
    assert "tom" in str(info.value) and str(path) in str(info.value), "the message names document and file"


def test_declared_encoding_is_used(tmp_path: Path) -> None:
    path = tmp_path / "latin1.html"
    path.write_bytes(
        '<html><head><meta charset="iso-8859-1"></head><body><main><p>Säkerhetsskydd på högskolan.'
        "</p></main></body></html>".encode("iso-8859-1")
    )
    source = Source("latin", "L", "page", "information", "sv", "html", path=path.name)
    assert read_html_page(source, path).blocks[0].text == "Säkerhetsskydd på högskolan."
