"""Statute segmentation on the real corpus: invariants for every document, spot checks against the source.

Every document of the default manifest is read, segmented and placed in its document text as the
pipeline does it (``read_source`` → ``segment`` → ``place_in_document``), with the date that decides
which wording is in force fixed at 2026-11-28.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from core.records import STATUSES, Block, Clause, ReadDocument
from core.sources import Source, load_sources
from ingest import pipeline
from ingest.segment_sfs import segment_statute

ROOT = Path(__file__).resolve().parents[2]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
MANIFEST = ROOT / "corpus" / "sources.toml"
AS_OF = dt.date(2026, 11, 28)

SOURCES = {s.doc_id: s for s in load_sources(MANIFEST)}
STATUTES = [d for d, s in SOURCES.items() if s.format.startswith("sfs-")]

# clause id shapes of the README (the clause-id table), by clause kind
SECTION_WITH_CHAPTER = re.compile(r"^\d+[a-z]?:\d+[a-z]?(@\d{4}-\d\d-\d\d|@\d{4}-\d+)?$")
SECTION_WITHOUT_CHAPTER = re.compile(r"^\d+[a-z]?(@\d{4}-\d\d-\d\d|@\d{4}-\d+)?$")
ID_SHAPES = {
    "transitional": re.compile(r"^overgang:\d{4}-\d+$"),
    "appendix": re.compile(r"^bilaga(-\d+)?$"),
    "paragraph": re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*-\d+$"),
}
AMENDMENT_NOTE = re.compile(r"\b(Lag|Förordning|Kungörelse) \(\d{4}:\d+\)\.$")
VALIDITY_MARKER = re.compile(r"/[^/\n]{0,60}\b[UI]:\d{4}-\d\d-\d\d\b[^/\n]{0,60}/")


@dataclass
class Segmented:
    source: Source
    doc: ReadDocument
    clauses: list[Clause]
    text: str
    report: dict[str, object]


@cache
def segmented(doc_id: str, as_of: dt.date = AS_OF) -> Segmented:
    source = SOURCES[doc_id]
    doc = pipeline.read_source(source, CORPUS)
    clauses, report = pipeline.segment(doc, as_of)
    pipeline.check_clauses(doc_id, clauses)
    placed, text = pipeline.place_in_document(doc_id, clauses)
    return Segmented(source, doc, placed, text, report)


def clause(clause_id: str, as_of: dt.date = AS_OF) -> Clause:
    doc_id = clause_id.split("#", 1)[0]
    found = {c.clause_id: c for c in segmented(doc_id, as_of).clauses}
    assert clause_id in found, f"{clause_id} must exist; {doc_id} has {sorted(found)[:40]}..."
    return found[clause_id]


def raw_source_text(source: Source) -> str:
    """The source as its file has it: the statute text of a JSON record, the Markdown with link targets cut."""
    data = source.file(CORPUS).read_text(encoding="utf-8-sig")
    if source.format == "sfs-json":
        data = json.loads(data)["fulltext"]["forfattningstext"]
    if source.format in ("sfs-markdown", "markdown"):
        data = re.sub(r"\[([^\]\n]*)\]\([^)\n]*\)", r"\1", data).replace("#", "")
    return data


def squeezed(text: str) -> str:
    """Text without whitespace and hyphens: what joining lines and mending split words may change."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


# --------------------------------------------------------------------------- every document


def test_the_manifest_lists_the_24_documents_of_the_corpus() -> None:
    assert len(SOURCES) == 24, "the default corpus has 24 documents (corpus/README.md)"
    assert len(STATUTES) == 15, "15 of them are statutes (SFS JSON or SFS Markdown)"


@pytest.mark.parametrize("doc_id", list(SOURCES))
def test_clause_ids_are_unique_and_of_the_specified_shape(doc_id: str) -> None:
    seg = segmented(doc_id)
    ids = [c.clause_id for c in seg.clauses]
    assert len(ids) == len(set(ids)), f"{doc_id}: clause ids must be unique (permalinks and eval suites use them)"
    for c in seg.clauses:
        assert c.clause_id == f"{doc_id}#{c.locator}", "a clause id is <doc_id>#<locator>"
        assert c.doc_id == doc_id, "a clause knows its document"
        if c.kind == "section":
            shape = SECTION_WITH_CHAPTER if ":" in c.locator else SECTION_WITHOUT_CHAPTER
        else:
            shape = ID_SHAPES[c.kind]
        assert shape.match(c.locator), f"{c.clause_id}: a {c.kind} id must have the shape the README fixes"


@pytest.mark.parametrize("doc_id", list(SOURCES))
def test_no_empty_clause_and_whitespace_normalised(doc_id: str) -> None:
    for c in segmented(doc_id).clauses:
        assert c.text.strip(), f"{c.clause_id}: a clause without text cannot be quoted"
        assert c.label.strip(), f"{c.clause_id}: every clause has a human label to cite it by"
        assert "\r" not in c.text, f"{c.clause_id}: CRLF line ends of the source must not reach the text"
        assert "\t" not in c.text, f"{c.clause_id}: tabs are whitespace to normalise"
        assert "  " not in c.text, f"{c.clause_id}: runs of spaces are normalised to one"
        assert "\u00ad" not in c.text, f"{c.clause_id}: soft hyphens only mark line breaks while reading"
        for line in c.text.split("\n"):
            assert line and line == line.strip(), f"{c.clause_id}: stycken/punkter are non-empty trimmed lines"


@pytest.mark.parametrize("doc_id", list(SOURCES))
def test_no_line_wrap_artefacts(doc_id: str) -> None:
    """Hard-wrapped lines are joined: "Säkerhets-\\noch" keeps its space, "hän-\\nsyn" is the word "hänsyn"."""
    seg = segmented(doc_id)
    texts = "\n".join(c.text for c in seg.clauses)
    for c in seg.clauses:
        glued = re.search(r"[^\W\d_]-(och|eller|samt|respektive|till|som)\b", c.text)
        assert glued is None, f"{c.clause_id}: {glued and glued.group(0)!r} is a joined line ending 'X-' + 'och'"
    raw = raw_source_text(seg.source)
    words = set(re.findall(r"[^\W\d_]+", texts.lower()))
    inline = set(re.findall(r"[^\W\d_]+-[^\W\d_]+", re.sub(r"-\r?\n", "", raw).lower()))
    for m in re.finditer(r"([^\W\d_]+)-\r?\n([a-zåäö]+)", raw):
        broken = f"{m.group(1)}-{m.group(2)}"
        if (m.group(1) + m.group(2)).lower() in words and broken.lower() not in inline:
            assert broken not in texts, (
                f"{doc_id}: {broken!r} is a word hyphenated at a line break; the document has it whole")


@pytest.mark.parametrize("doc_id", list(SOURCES))
def test_no_section_sign_or_amendment_note_left_in_the_text(doc_id: str) -> None:
    for c in segmented(doc_id).clauses:
        assert not re.match(r"^\d+\s?[a-z]?\s?§", c.text), f"{c.clause_id}: 'N §' belongs in the label, not the text"
        assert not AMENDMENT_NOTE.search(c.text), f"{c.clause_id}: the closing 'Lag (…).' note is amended_by"
        assert not VALIDITY_MARKER.search(c.text), f"{c.clause_id}: validity markers are status and dates"
        assert "](" not in c.text, f"{c.clause_id}: Markdown links keep their visible text only"


@pytest.mark.parametrize("doc_id", list(SOURCES))
def test_char_spans_point_into_the_document_text_in_reading_order(doc_id: str) -> None:
    seg = segmented(doc_id)
    assert [c.ordinal for c in seg.clauses] == list(range(len(seg.clauses))), "ordinals are the reading order"
    previous_end = -1
    for c in seg.clauses:
        assert seg.text[c.char_start:c.char_end] == c.text, f"{c.clause_id}: the span must show the clause text"
        assert c.char_start > previous_end, f"{c.clause_id}: spans follow the reading order without overlap"
        previous_end = c.char_end


@pytest.mark.parametrize("doc_id", list(SOURCES))
def test_clause_texts_are_verbatim_and_in_the_order_of_the_source(doc_id: str) -> None:
    """Each clause text occurs in the source file (up to whitespace, hyphenation and validity markers), after the
    previous clause: nothing is reworded, nothing is reordered."""
    seg = segmented(doc_id)
    raw = squeezed(VALIDITY_MARKER.sub("", raw_source_text(seg.source)))
    moved = [squeezed(m) for m in seg.doc.meta.get("moved_from_headings", [])]  # type: ignore[union-attr]
    assert all(m in raw for m in moved), "text put back from a heading stands in the source"
    position = 0
    for c in seg.clauses:
        wanted = squeezed(c.text)
        for m in moved:  # put back from a section heading: verbatim, but not where the body stands
            wanted = wanted.replace(m, "")
        found = raw.find(wanted, position)
        assert found >= 0, (f"{c.clause_id}: its text must stand in the source after the previous clause "
                            f"({'it stands earlier' if raw.find(wanted) >= 0 else 'it is not there'}): "
                            f"{c.text[:80]!r}")
        position = found + len(wanted)


@pytest.mark.parametrize("doc_id", STATUTES)
def test_sections_stand_in_increasing_order_within_each_chapter(doc_id: str) -> None:
    def key(number: str) -> tuple[int, str]:
        m = re.match(r"(\d+)([a-z]?)$", number)
        assert m, f"{doc_id}: section number {number!r}"
        return int(m.group(1)), m.group(2)

    chapters: list[str] = []
    last: dict[str, tuple[int, str]] = {}
    previous = ""
    for c in segmented(doc_id).clauses:
        if c.kind != "section":
            continue
        chapter, _, number = c.locator.split("@")[0].rpartition(":")
        if not chapters or chapters[-1] != chapter:
            assert chapter not in chapters, f"{c.clause_id}: a chapter's sections stand together"
            chapters.append(chapter)
        if chapter in last:
            assert key(number) >= last[chapter], f"{c.clause_id}: sections follow each other in number order"
            if key(number) == last[chapter]:
                assert "@" in c.locator or "@" in previous, f"{c.clause_id}: a repeated number is another wording"
        last[chapter], previous = key(number), c.locator


@pytest.mark.parametrize("doc_id", STATUTES)
def test_statuses_and_wordings(doc_id: str) -> None:
    wordings: dict[str, list[Clause]] = {}
    for c in segmented(doc_id).clauses:
        assert c.status in STATUSES, f"{c.clause_id}: status {c.status!r} is not one of {STATUSES}"
        if c.valid_to and dt.date.fromisoformat(c.valid_to) <= AS_OF:
            assert c.status in {"expired", "repealed"}, f"{c.clause_id}: valid to {c.valid_to}, so not in force"
        if c.valid_from and dt.date.fromisoformat(c.valid_from) > AS_OF:
            assert c.status == "not_yet_in_force", f"{c.clause_id}: in force only from {c.valid_from}"
        if c.status == "repealed":
            assert c.amended_by, f"{c.clause_id}: a repealed section names the act that repealed it"
        if c.amended_by:
            assert re.fullmatch(r"(Lag|Förordning|Kungörelse) \(\d{4}:\d+\)", c.amended_by), c.clause_id
        wordings.setdefault(c.locator.split("@")[0], []).append(c)
    for base, group in wordings.items():
        in_force = [c for c in group if c.status == "in_force"]
        assert len(in_force) <= 1, f"{doc_id}#{base}: at most one wording is in force on a given day"
        if in_force:
            assert in_force[0].locator == base, f"{doc_id}#{base}: the wording in force keeps the plain id"


@pytest.mark.parametrize("doc_id", STATUTES)
def test_units_lie_inside_the_clause_text(doc_id: str) -> None:
    for c in segmented(doc_id).clauses:
        assert c.units, f"{c.clause_id}: stycken are addressable for highlighting"
        stycken = [u for u in c.units if u.kind == "stycke"]
        assert [u.number for u in stycken] == [str(i) for i in range(1, len(stycken) + 1)], (
            f"{c.clause_id}: stycken are numbered 1, 2, ... in order")
        for u in c.units:
            assert 0 <= u.start < u.end <= len(c.text), f"{c.clause_id}: unit {u} lies inside the text"
            if u.kind == "punkt":
                number = int(u.number.split(":")[0])
                outer = stycken[number - 1]
                assert outer.start <= u.start and u.end <= outer.end, f"{c.clause_id}: a punkt lies in its stycke"


# --------------------------------------------------------------------------- spot checks


def test_ssl_has_eight_chapters() -> None:
    chapters = {c.locator.split(":")[0] for c in segmented("sfs-2018-585").clauses if c.kind == "section"}
    assert chapters == {str(n) for n in range(1, 9)}, "säkerhetsskyddslagen has 1–8 kap."


def test_ssl_2_1_begins_as_the_law_does_and_names_its_amending_act() -> None:
    c = clause("sfs-2018-585#2:1")
    assert c.text.startswith("Den som till någon del bedriver säkerhetskänslig verksamhet"), c.text[:80]
    assert c.label == "2 kap. 1 §", "the label is how a lawyer cites the section"
    assert c.amended_by == "Lag (2021:952)", "the closing note 'Lag (2021:952).' becomes amended_by"
    assert c.status == "in_force"
    assert c.heading_path[0] == "2 kap. Grundläggande bestämmelser om säkerhetsskydd", "chapter heading first"
    assert len([u for u in c.units if u.kind == "stycke"]) == 4, "2 kap. 1 § has four stycken"


def test_ssl_3_19_exists_in_both_wordings_with_their_dates() -> None:
    new = clause("sfs-2018-585#3:19")
    old = clause("sfs-2018-585#3:19@2026-03-01")
    assert (new.status, new.valid_from, new.valid_to) == ("in_force", "2026-03-01", ""), (
        "from 2026-03-01 the new wording is in force and keeps the plain id")
    assert (old.status, old.valid_from, old.valid_to) == ("expired", "", "2026-03-01"), (
        "the old wording ran until 2026-03-01")
    assert "Registerkontrolldelegationen" in new.text and "Säkerhets- och integritetsskyddsnämnden" in old.text, (
        "each id carries its own wording")
    assert new.amended_by == "Lag (2025:1472)"
    assert old.label == "3 kap. 19 § (lydelse t.o.m. 2026-03-01)", "the label tells the wordings apart"
    assert old.ordinal < new.ordinal, "the wordings keep the order of the source"


def test_as_of_decides_which_wording_keeps_the_plain_id() -> None:
    day = dt.date(2026, 1, 1)
    current = clause("sfs-2018-585#3:19", day)
    coming = clause("sfs-2018-585#3:19@2026-03-01", day)
    assert current.status == "in_force" and "Säkerhets- och integritetsskyddsnämnden" in current.text, (
        "on 2026-01-01 the old wording is in force and has the plain id")
    assert coming.status == "not_yet_in_force" and coming.valid_from == "2026-03-01", (
        "and the new one is not yet in force")
    assert "Registerkontrolldelegationen" in coming.text
    assert {c.status for c in segmented("sfs-2025-1507", day).clauses} == {"not_yet_in_force"}, (
        "the cybersäkerhetsförordning enters into force on 2026-01-15: before that, no section is in force")


def test_ssl_repealed_and_renumbered_sections() -> None:
    repealed = clause("sfs-2018-585#2:9")
    assert (repealed.status, repealed.text) == ("repealed", "Har upphävts genom lag (2021:952)."), (
        "a repealed section stays citable with its status")
    assert repealed.amended_by == "Lag (2021:952)"
    renumbered = clause("sfs-2018-585#2:15")
    assert renumbered.status == "repealed" and renumbered.text.startswith("Har betecknats 2 kap. 8 §"), (
        "a section moved to another number is no longer in force under its old one")
    assert not repealed.answerable and not renumbered.answerable, "only clauses in force answer questions"


def test_ssl_2_2_has_one_stycke_with_two_punkter() -> None:
    c = clause("sfs-2018-585#2:2")
    stycken = [u for u in c.units if u.kind == "stycke"]
    punkter = [u for u in c.units if u.kind == "punkt"]
    assert len(stycken) == 1 and (stycken[0].start, stycken[0].end) == (0, len(c.text)), "one stycke: all of it"
    assert [p.number for p in punkter] == ["1:1", "1:2"], "first stycke, punkt 1 and 2"
    assert c.text[punkter[0].start:punkter[0].end].startswith("1. förebygga att säkerhetsskyddsklassificerade")
    assert c.text[punkter[1].start:punkter[1].end].startswith("2. förebygga skadlig inverkan")
    assert punkter[1].end == len(c.text), "the last punkt runs to the end of the text"


def test_transitional_provisions_are_their_own_clauses() -> None:
    ssl = {c.locator: c for c in segmented("sfs-2018-585").clauses if c.kind == "transitional"}
    assert sorted(ssl) == ["overgang:2018-585", "overgang:2021-952"], "one clause per amending act"
    first = ssl["overgang:2018-585"]
    assert first.text.startswith("1. Denna lag träder i kraft den 1 april 2019.")
    assert first.label == "Övergångsbestämmelser (2018:585)"
    assert [u.number for u in first.units if u.kind == "punkt"] == ["1:1", "1:2", "1:3", "1:4", "1:5"], (
        "the transitional punkter are addressable")
    assert [u.number for u in ssl["overgang:2021-952"].units if u.kind == "punkt"] == ["1:1", "1:2", "1:3", "1:4"]
    sections = [c for c in segmented("sfs-2018-585").clauses if c.kind == "section"]
    assert all("träder i kraft den 1 april 2019" not in c.text for c in sections), "not glued to 8 kap."
    assert max(c.ordinal for c in sections) < first.ordinal, "transitional provisions come last"


def test_transitional_provisions_of_an_act_never_amended_are_named_by_the_act() -> None:
    c = clause("sfs-2025-1507#overgang:2025-1507")
    assert c.text.startswith("1. Denna förordning träder i kraft den 15 januari 2026."), c.text[:60]
    assert c.label == "Övergångsbestämmelser (2025:1507)"


def test_ssf_8_1_whose_heading_the_conversion_lost() -> None:
    c = clause("sfs-2021-955#8:1")
    assert c.status == "in_force" and c.amended_by == "Förordning (2025:740)", "the 2025:740 wording is in force"
    assert c.text.startswith("Följande myndigheter är tillsynsmyndigheter enligt säkerhetsskyddslagen (2018:585)")
    assert "Tillsynsmyndighet Tillsynsområde" in c.text, "the flattened table's stray '###' heading is body text"
    older = clause("sfs-2021-955#8:1@2025-740")
    assert older.status == "expired" and older.amended_by == "Förordning (2023:899)", (
        "the earlier wording is named by the act that replaced it")
    assert older.ordinal < c.ordinal
    assert clause("sfs-2021-955#8:2").text.startswith("Säkerhetspolisen och Försvarsmakten ska vara samordnings")


def test_ssf_appendix() -> None:
    c = clause("sfs-2021-955#bilaga")
    assert (c.kind, c.label) == ("appendix", "Bilaga")
    assert c.text.startswith("Följande statliga myndigheter beslutar om placering i säkerhetsklass")
    assert "\n- Affärsverket svenska kraftnät\n" in c.text, "the list keeps one line per authority"


def test_osl_15_1b_new_wording_and_renumbered_1c() -> None:
    new = clause("sfs-2009-400#15:1b")
    assert (new.status, new.valid_from) == ("in_force", "2026-01-01"), "the new 1 b § is in force from 2026-01-01"
    assert "Natosamarbetet" in new.text
    renumbered = clause("sfs-2009-400#15:1c")
    assert (renumbered.status, renumbered.valid_from) == ("in_force", "2026-01-01")
    assert renumbered.text.startswith("Sekretess gäller för uppgift som en myndighet har elektronisk tillgång")
    old = clause("sfs-2009-400#15:1b@2026-01-01")
    assert old.status == "expired" and old.note == "Ny beteckning 1 c § fr.o.m. 2026-01-01", (
        "the old 1 b § says where its text went")
    assert old.text == renumbered.text, "the renumbered section kept its words"


def test_osl_marker_naming_the_repealing_act_is_read() -> None:
    """"/Upphör att gälla U:2026-07-01 genom lag (2021:443)./" is a validity marker like any other."""
    gone = clause("sfs-2009-400#24:8a")
    assert (gone.status, gone.valid_to) == ("expired", "2026-07-01"), "24 kap. 8 a § ceased on 2026-07-01"
    assert gone.text.startswith("Sekretessen enligt 8 § hindrar inte"), "the marker is not part of the text"
    later = clause("sfs-2009-400#18:7a")
    assert (later.status, later.valid_to) == ("in_force", "2029-04-30"), "in force until 2029-04-30"


def test_vr_instruction_section_23_in_two_wordings() -> None:
    new = clause("sfs-2009-975#23")
    assert new.status == "in_force" and new.valid_from == "2026-01-12"
    assert new.text.startswith("En ansökan om medel ska vara skriftlig")
    assert new.heading_path == ("Medelsfördelning",), "the heading that entered into force with it"
    old = clause("sfs-2009-975#23@2026-01-12")
    assert old.status == "repealed" and old.text == "Har upphävts genom förordning (2010:1183)."
    assert clause("sfs-2009-975#24").heading_path == ("Medelsfördelning",), (
        "the old heading before 24 § ceased on 2026-01-12; the new one before 23 § governs 24 § too")


def test_copyright_act_sections_are_numbered_through_without_chapter() -> None:
    c = clause("sfs-1960-729#40a")
    assert c.label == "40 a §", "upphovsrättslagen is cited '40 a §', without its chapter"
    assert c.text.startswith("Upphovsrätten till ett datorprogram")
    assert c.heading_path[0] == "3 Kap. Upphovsrättens övergång", "the chapter still heads the section"
    sections = [x for x in segmented("sfs-1960-729").clauses if x.kind == "section"]
    assert all(":" not in x.locator for x in sections), "no section id of this act carries a chapter"
    renumbered = clause("sfs-1960-729#26d")
    assert renumbered.status == "repealed" and renumbered.text == "Ny beteckning 42 e § genom lag (2005:359).", (
        "'Ny beteckning … genom lag' leaves no text in force under the old number")


def test_list_items_that_name_sections_stay_text() -> None:
    """Högskoleförordningen 1 kap. 5 § lists "2 § om myndighetens ledning,": items of a list, not sections."""
    c = clause("sfs-1993-100#1:5")
    lines = c.text.split("\n")
    assert lines[0].startswith("Följande bestämmelser i myndighetsförordningen (2007:515) ska inte tillämpas")
    assert "2 § om myndighetens ledning," in lines and "5 § om delegering," in lines, "the items stay in 1:5"
    assert "sfs-1993-100#1:6" in {x.clause_id for x in segmented("sfs-1993-100").clauses}
    assert clause("sfs-1993-100#1:6").text != "om myndighetens ledning,"


def test_stray_markdown_heading_in_the_higher_education_act_is_body_text() -> None:
    c = clause("sfs-1992-1434#1:8")
    assert "\nUtbildning på grundnivå ska utveckla studenternas\n" in c.text, (
        "'### Utbildning på grundnivå ska utveckla studenternas' opens a list inside 1 kap. 8 §")
    assert all("Utbildning på grundnivå ska utveckla" not in h
               for x in segmented("sfs-1992-1434").clauses for h in x.heading_path), "it is no heading"
    renumbered = clause("sfs-1992-1434#2:5a")
    assert renumbered.status == "repealed", "'Ny beteckning 5 § genom lag (2009:764).' is not text in force"


def test_cybersecurity_ordinance_preamble_is_left_out_and_reported() -> None:
    seg = segmented("sfs-2025-1507")
    assert seg.report["preamble"] == ["Cybersäkerhetsförordning", "utfärdad den 11 december 2025",
                                      "Regeringen föreskriver följande."], "the preamble is reported"
    assert seg.report["valid_from"] == "2026-01-15", "the act's own entry into force is read"
    first = seg.clauses[0]
    assert first.clause_id == "sfs-2025-1507#1" and first.text.startswith("Denna förordning innehåller"), (
        "the first clause is 1 §, not the preamble")
    assert all(c.valid_from == "2026-01-15" for c in seg.clauses if c.kind == "section")


def test_markdown_statutes_keep_the_visible_text_of_links() -> None:
    c = clause("sfs-2021-955#bilaga")
    assert "i enlighet med 5 kap. 8 §" in c.text, "'5 kap. [8 §](#kap5.8)' reads '5 kap. 8 §'"
    assert clause("sfs-2021-955#overgang:2021-955").amended_by == "Förordning (2023:899)", (
        "'Förordning ([2023:899](…)).' is an amendment note once the link is gone")


def test_line_break_hyphens_inside_a_word_are_mended() -> None:
    """SFS lines are hard-wrapped; some words are hyphenated at the break ("hän-\\nsyn")."""
    hits = [c for c in segmented("sfs-2009-400").clauses if "om det med hänsyn till omständigheterna" in c.text]
    assert hits, "'hän-\\nsyn' is the word 'hänsyn' (it occurs whole elsewhere in the act)"
    assert all("hän-syn" not in c.text for c in segmented("sfs-2009-400").clauses)
    assert "Konsumentombudsmannen, Institutet för mänskliga rättigheter" in clause("sfs-2009-400#1:6").text
    assert "regerings-formen" in clause("sfs-2024-664#2").text, "a hyphen inside a line is the source's own"
    ssl = " ".join(c.text for c in segmented("sfs-2018-585").clauses)
    assert "Säkerhets- och integritetsskyddsnämnden" in ssl, "'Säkerhets-\\noch' keeps its space"


# --------------------------------------------------------------------------- unit level


def _statute(*paragraphs: str, explicit: bool = False) -> ReadDocument:
    return ReadDocument("t", "Testlag", "sv", "statute", [Block(p, explicit=explicit) for p in paragraphs])


def test_segment_statute_on_a_small_text() -> None:
    doc = _statute(
        "1 kap. Inledande bestämmelser", "Tillämpningsområde",
        "1 § Lagen gäller för alla.", "Den gäller också för andra. Lag (2020:1).",
        "2 § Har upphävts genom lag (2021:2).",
        "2 kap. Övrigt",
        "1 a § /Upphör att gälla U:2026-01-01/ Gammal lydelse.",
        "1 a § /Träder i kraft I:2026-01-01/ Ny lydelse. Lag (2025:3).",
        "Övergångsbestämmelser", "2020:1", "1. Denna lag träder i kraft den 1 juli 2020.",
        "2. Äldre föreskrifter gäller.",
    )
    clauses, report = segment_statute(doc, AS_OF)
    got = [(c.locator, c.label, c.status, c.text, c.amended_by) for c in clauses]
    assert got == [
        ("1:1", "1 kap. 1 §", "in_force", "Lagen gäller för alla.\nDen gäller också för andra.", "Lag (2020:1)"),
        ("1:2", "1 kap. 2 §", "repealed", "Har upphävts genom lag (2021:2).", "Lag (2021:2)"),
        ("2:1a@2026-01-01", "2 kap. 1 a § (lydelse t.o.m. 2026-01-01)", "expired", "Gammal lydelse.", ""),
        ("2:1a", "2 kap. 1 a §", "in_force", "Ny lydelse.", "Lag (2025:3)"),
        ("overgang:2020-1", "Övergångsbestämmelser (2020:1)", "in_force",
         "1. Denna lag träder i kraft den 1 juli 2020.\n2. Äldre föreskrifter gäller.", ""),
    ], "sections, a repealed one, two wordings and the transitional provisions, each as the README says"
    assert clauses[0].heading_path == ("1 kap. Inledande bestämmelser", "Tillämpningsområde")
    assert report["preamble"] == []


def test_a_section_number_out_of_order_is_text_of_the_section_before() -> None:
    """A paragraph that begins "2 §" after 5 § is a reference at the start of a line, not a new section."""
    clauses, _ = segment_statute(_statute("5 § Följande bestämmelser gäller inte:", "2 § om ledning,"), AS_OF)
    assert [c.locator for c in clauses] == ["5"]
    assert clauses[0].text == "Följande bestämmelser gäller inte:\n2 § om ledning,"


def test_ssf_headings_the_conversion_left_as_paragraphs_head_the_next_sections() -> None:
    """5 kap. 1 § and 6 kap. 5 § of the ordinance used to end with the next section's heading (a paragraph
    in the Markdown, not a '###' line); it belongs to the sections that follow."""
    assert not clause("sfs-2021-955#5:1").text.endswith("Genomförandet av säkerhetsprövningen")
    assert not clause("sfs-2021-955#6:5").text.endswith("Underrättelse och möjlighet till yttrande")
    for n in (2, 3, 4):
        assert clause(f"sfs-2021-955#5:{n}").heading_path[-1] == "Genomförandet av säkerhetsprövningen"
    assert clause("sfs-2021-955#6:6").heading_path[-1] == "Underrättelse och möjlighet till yttrande"


def test_research_databases_1_5_whose_number_the_conversion_cut_into_its_heading() -> None:
    """'#### /679 av den 27 april 2016 … direktiv 95/ 5 §': 5 § exists, its first sentence whole again."""
    c = clause("sfs-2024-1146#1:5")
    assert c.heading_path[-1] == "Förhållandet till annan dataskyddsreglering"
    assert c.text.startswith("Denna lag kompletterar Europaparlamentets och rådets förordning (EU) 2016/679 av "
                             "den 27 april 2016 om skydd för fysiska personer")
    assert "direktiv 95/46/EG (allmän dataskyddsförordning)" in c.text
    assert "/679" not in clause("sfs-2024-1146#1:4").text, "4 § no longer carries 5 §'s words"


def test_cybersecurity_ordinance_sector_table_stays_in_7() -> None:
    """The sector table of 7 § (tab-separated rows, cells continued on lines of their own) is 7 §'s text,
    not a chain of headings over 8–16 §§."""
    c = clause("sfs-2025-1507#7")
    assert "Statens energimyndighet Energi" in c.text and "Tillverkning av övriga maskiner" in c.text
    assert "Länsstyrelserna i Norrbottens" in c.text and "Forskning" in c.text
    for n in range(8, 17):
        assert clause(f"sfs-2025-1507#{n}").heading_path == ("Tillsynsmyndigheter",), f"{n} §"


def test_a_gap_in_the_numbering_is_reported() -> None:
    """The sanctions act's Markdown has the heading before 18 § but not its text: reported, never invented."""
    assert "18 §" in segmented("sfs-2025-327").report["missing"]
    assert "sfs-2025-327#18" not in {c.clause_id for c in segmented("sfs-2025-327").clauses}
    assert segmented("sfs-2018-585").report["missing"] == [], "repealed sections stand in the text: no gap"
