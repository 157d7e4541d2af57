"""Statute readers (SFS JSON record, SFS Markdown) and plain-text/Markdown page readers: real files and bad input.

Bad input gets one SourceError that names the document and the file and says what to do.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import SourceError
from core.sources import Source, load_sources
from ingest import pipeline
from ingest.read_pages import read_markdown_page, read_plain_text
from ingest.read_sfs import parse_front_matter, read_sfs_json, read_sfs_markdown

ROOT = Path(__file__).resolve().parents[2]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
SOURCES = {s.doc_id: s for s in load_sources(ROOT / "corpus" / "sources.toml")}


def _source(fmt: str, path: str = "doc") -> Source:
    return Source("test-doc", "Test", "statute", "law", "sv", fmt, path=path)


def _fail(reader, fmt: str, path: Path) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SourceError) as info:
        reader(_source(fmt, path.name), path)
    message = str(info.value)
    assert "test-doc" in message, "the message names the document"
    return message


# --------------------------------------------------------------------------- the real files


def test_sfs_json_record_of_the_protective_security_act() -> None:
    doc = read_sfs_json(SOURCES["sfs-2018-585"], CORPUS / "sfs-json" / "sfs-2018-585.json")
    assert (doc.doc_id, doc.title, doc.structure, doc.lang) == ("sfs-2018-585", "Säkerhetsskyddslag (2018:585)",
                                                                 "statute", "sv"), "the title is the record's rubrik"
    assert doc.meta["as_of"] == "t.o.m. SFS 2025:1472", "the consolidation level (fulltext.andringInford)"
    assert doc.meta["in_force_from"] == "2019-04-01" and doc.meta["designation"] == "2018:585"
    amendments = {a["beteckning"]: a for a in doc.meta["amendments"]}  # type: ignore[attr-defined]
    assert amendments["2021:76"] == {"beteckning": "2021:76", "anteckningar": "ändr. 3 kap. 4 §; ny 3 kap. 4 a §",
                                     "ikraft": "2021-04-01"}, "amending acts come with notes and dates"
    assert doc.blocks[0].text == "1 kap. Lagens tillämpningsområde", "the first paragraph is the first chapter"
    assert all("\r" not in b.text and "\n" not in b.text for b in doc.blocks), "wrapped lines are joined"


def test_sfs_markdown_of_the_protective_security_ordinance() -> None:
    doc = read_sfs_markdown(SOURCES["sfs-2021-955"], CORPUS / "sfs-markdown" / "sfs-2021-955.md")
    assert doc.title == "Säkerhetsskyddsförordning (2021:955)", "front matter rubrik + beteckning"
    assert doc.meta["designation"] == "2021:955" and doc.meta["markers_dropped"] is True, (
        "the conversion drops the wording markers; the segmenter must know")
    assert doc.meta["as_of"] == "t.o.m. SFS 2025:740", "the manifest's as_of wins for a Markdown statute"
    assert all(b.explicit for b in doc.blocks), "Markdown says itself what is a heading"
    assert all("](" not in b.text for b in doc.blocks), "links keep their visible text"
    headings = [b.text for b in doc.blocks if b.heading_level == 2]
    assert headings[0].startswith("1 kap.") and len([h for h in headings if " kap." in h]) == 8


def test_sfs_markdown_without_designation_keeps_the_manifest_title(tmp_path: Path) -> None:
    path = tmp_path / "law.md"
    path.write_text("---\nrubrik: Lag om test\n---\n# Lag om test\n\n#### 1 §\n\nText.\n", encoding="utf-8")
    doc = read_sfs_markdown(_source("sfs-markdown", "law.md"), path)
    assert doc.title == "Lag om test" and [b.text for b in doc.blocks] == ["1 §", "Text."]


def test_front_matter() -> None:
    meta, body = parse_front_matter('---\nbeteckning: 2021:955\nrubrik: "Säkerhetsskyddsförordning"\n---\n# T\n')
    assert meta == {"beteckning": "2021:955", "rubrik": "Säkerhetsskyddsförordning"} and body == "# T\n"
    assert parse_front_matter("# Only a title\n") == ({}, "# Only a title\n"), "no front matter: all body"


def test_plain_text_decision_and_markdown_page() -> None:
    decision = read_plain_text(SOURCES["regeringsbeslut-2025-05-22"], CORPUS / SOURCES[
        "regeringsbeslut-2025-05-22"].path)
    headings = [b.text for b in decision.blocks if b.heading_level is not None]
    assert headings[:4] == ["Regeringens beslut", "Närmare beskrivning av uppdraget",
                            "Vägledande nationella riktlinjer", "Verksamhetsanpassade riktlinjer"], (
        "short unpunctuated lines are headings, also when glued to their paragraph")
    page = read_markdown_page(SOURCES["pm-2025-10"], CORPUS / SOURCES["pm-2025-10"].path)
    assert page.title == "Sverige och Storbritannien stärker samarbetet inom forskningsområdet"
    assert page.blocks and all(b.heading_level is None for b in page.blocks)


# --------------------------------------------------------------------------- bad input


READERS = [(read_sfs_json, "sfs-json"), (read_sfs_markdown, "sfs-markdown"), (read_plain_text, "text"),
           (read_markdown_page, "markdown")]


@pytest.mark.parametrize(("reader", "fmt"), READERS)
def test_missing_file(reader, fmt: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    message = _fail(reader, fmt, tmp_path / "nowhere.json")
    assert "nowhere.json" in message and "does not exist" in message, "says which file is missing"
    assert "VAGVISARE_CORPUS_DIR" in message, "and where to look"


@pytest.mark.parametrize(("reader", "fmt"), READERS)
def test_empty_file(reader, fmt: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "empty"
    path.write_bytes(b" \n\r\n\t")
    message = _fail(reader, fmt, path)
    assert "is empty" in message and str(path) in message


@pytest.mark.parametrize(("reader", "fmt"), READERS)
def test_a_directory_is_not_a_file(reader, fmt: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert "is a directory" in _fail(reader, fmt, tmp_path)


@pytest.mark.parametrize(("reader", "fmt"), READERS)
def test_not_utf8(reader, fmt: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "latin1"
    path.write_bytes("1 § Säkerhetsskydd".encode("latin-1"))
    message = _fail(reader, fmt, path)
    assert "not UTF-8" in message and "(byte 2)" in message, "names the first bad byte (the latin-1 §)"
    assert f"format = {fmt!r}" in message, "and suggests checking the declared format"


def test_utf8_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffTitel\n\nRubrik\n\nEtt stycke text.\n".encode())
    doc = read_plain_text(_source("text", "bom.txt"), path)
    assert doc.title == "Titel", "a byte order mark is no part of the title"


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "rubrik": "Lag",\n  "fulltext": {,}\n}\n', encoding="utf-8")
    message = _fail(read_sfs_json, "sfs-json", path)
    assert "line 3 column 16" in message and "invalid JSON" in message, message
    assert "Replace the file" in message, "says what to do"


@pytest.mark.parametrize(("record", "problem"), [
    ([1, 2], "not an SFS record"),
    ({"rubrik": "Lag"}, "no fulltext.forfattningstext"),
    ({"fulltext": "text"}, "no fulltext.forfattningstext"),
    ({"fulltext": {"forfattningstext": 12}}, "no fulltext.forfattningstext"),
    ({"fulltext": {"forfattningstext": " \r\n "}}, "empty statute text"),
])
def test_json_that_is_no_sfs_record(record: object, problem: str, tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    assert problem in _fail(read_sfs_json, "sfs-json", path)


def test_markdown_with_nothing_under_the_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "law.md"
    path.write_text("---\nbeteckning: 2020:1\n---\n# Only a title\n", encoding="utf-8")
    assert "no statute text" in _fail(read_sfs_markdown, "sfs-markdown", path)
    assert "no paragraphs" in _fail(read_markdown_page, "markdown", path)


def test_pipeline_unknown_format_and_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no reader for format 'docx'") as info:
        pipeline.read_source(Source("x-1", "X", "page", "information", "sv", "docx", path="x.docx"), tmp_path)
    assert "Known formats:" in str(info.value), "lists the formats there are"
    with pytest.raises(SourceError, match="no local file") as info:
        pipeline.read_source(Source("x-1", "X", "page", "information", "sv", "html", url="https://x.se"), tmp_path)
    assert "vagvisare sources add" in str(info.value), "says how to get the file"


def test_pipeline_refuses_a_file_other_than_the_one_added(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Titel\n\nText.\n", encoding="utf-8")
    source = Source("x-1", "X", "page", "information", "sv", "markdown", path="a.md", sha256="0" * 64)
    with pytest.raises(SourceError, match="sha256 differs") as info:
        pipeline.read_source(source, tmp_path)
    assert "--replace" in str(info.value), "says how to add a new version"
