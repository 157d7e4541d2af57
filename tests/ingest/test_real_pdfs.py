"""The PDF reader on PDFs as Swedish authorities publish them (../shared/corpus/real-pdfs/).

The files are read from the corpus directory the settings name and never copied into the
repository; a missing file fails the test with a message. What each one tests is in the
README beside them: letter-spaced text and unnumbered headings (a committee directive), an
agency regulation numbered like a statute (AFS 2011:19), a font without a usable Unicode
map (a Government bill) and a scan without a text layer.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from pathlib import Path

import pytest

from core.errors import SourceError
from core.records import Clause, ReadDocument
from core.settings import Settings, load_settings
from core.sources import Source
from ingest.add_source import add_source
from ingest.lexicon import corpus_lexicon
from ingest.pipeline import check_clauses, segment
from ingest.read_pdf import read_pdf
from ingest.segment_regulation import ADVICE

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 28)
_WORD = re.compile(r"[^\W\d_]+")


def corpus_dir() -> Path:
    """The corpus directory of the settings (VAGVISARE_CORPUS_DIR, default ../shared/corpus)."""
    env = {k: v for k, v in os.environ.items() if k == "VAGVISARE_CORPUS_DIR"}
    path = load_settings(environ=env).corpus_dir
    return path if path.is_absolute() else (ROOT / path).resolve()


def real_pdf(name: str) -> Path:
    path = corpus_dir() / "real-pdfs" / name
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: the real-PDF tests read the PDFs published by Swedish authorities from "
            "<corpus>/real-pdfs/ (see its README). Put the shared corpus beside the project or set "
            "VAGVISARE_CORPUS_DIR."
        )
    return path


def _source(path: Path, doc_id: str) -> Source:
    return Source(doc_id, doc_id, "guideline", "guidance", "sv", "pdf", path=str(path))


@functools.cache
def _read(name: str) -> tuple[ReadDocument, tuple[Clause, ...]]:
    path = real_pdf(name)
    doc = read_pdf(_source(path, path.stem), path, corpus_dir())
    clauses, _ = segment(doc, TODAY)
    check_clauses(doc.doc_id, clauses)
    return doc, tuple(clauses)


def split_words(text: str) -> list[str]:
    """Pairs "a b" (or "a -b", "a - b", "a- b") whose join is a word while a part is not: a word split in two.

    Judged with the lexicon of the corpus and the words the text itself writes.
    """
    lexicon = corpus_lexicon(corpus_dir()).with_words(w.lower() for w in _WORD.findall(text))
    found = []
    for m in re.finditer(r"(?=\b([^\W\d_]+)(?: | - | -|- )([^\W\d_]+)\b)", text):
        a, b = m.group(1), m.group(2)
        if lexicon.knows(a + b) and not (lexicon.knows(a) and lexicon.knows(b)):
            found.append(f"{a} {b}")
    return found


# --- Kommittédirektiv 2017:29: letter-spaced text, unnumbered headings ------------------------------------


def test_the_directive_has_at_most_one_split_word_per_thousand() -> None:
    doc, clauses = _read("dir-2017-29.pdf")
    text = "\n".join(c.text for c in clauses)
    words = len(_WORD.findall(text))
    split = split_words(text)
    assert words > 800, "the whole directive is read"
    assert len(split) <= words / 1000, f"words split by letter spacing remain: {split}"
    for word in ("vilka", "förordningen", "personuppgiftsbehandling", "dataskyddsförordningen",
                 "verksamhetsområde", "även", "sådana"):
        assert re.search(rf"\b{word}\b", text), f"{word!r} comes out whole (pypdf alone split it)"


def test_the_directive_headings_name_its_clauses() -> None:
    _, clauses = _read("dir-2017-29.pdf")
    heading = "Rättsliga förutsättningar för Kungl. bibliotekets behandling av personuppgifter"
    under = [c for c in clauses if c.heading_path and c.heading_path[0] == heading]
    assert len(under) >= 3, "the bold heading in the body font is found from its type"
    assert under[1].label == f"{heading}, st. 2", "the label names the heading and the paragraph"
    assert any(c.heading_path == ("Utvidgning av och förlängd tid för uppdraget",) for c in clauses)
    assert not any(c.label.startswith("Kommittédirektiv") for c in clauses), (
        "the title block does not make every section heading a sub-heading of it"
    )


# --- AFS 2011:19: an agency regulation numbered like a statute ----------------------------------------------


def test_afs_sections_are_clauses_as_in_a_statute() -> None:
    doc, clauses = _read("afs-2011-19.pdf")
    assert doc.structure == "regulation"
    by_id = {c.locator: c for c in clauses}
    sections = [c for c in clauses if c.kind == "section"]
    assert len(sections) == 60, "1–52 §, 20 a § and 37 a–g §: one clause each"
    assert by_id["5"].label == "5 §" and by_id["37a"].label == "37 a §" and "37f" in by_id and "52" in by_id
    assert by_id["5"].heading_path == ("När en undersökning och riskbedömning ska göras",)
    assert by_id["5"].text.startswith("Risken för att kemiska riskkällor"), "the section sign is the label's"
    assert by_id["bilaga-1"].label == "Bilaga 1"
    assert by_id["overgang:afs-2014-43"].label == "Övergångsbestämmelser (AFS 2014:43)"


def test_afs_furniture_is_gone_and_definitions_stay_whole() -> None:
    _, clauses = _read("afs-2011-19.pdf")
    for c in clauses:
        for line in c.text.split("\n"):
            assert line.strip() not in ("AFS 2011:19",) and not re.fullmatch(r"\d{1,3}", line.strip()), (
                f"{c.clause_id}: a running header or page number is no paragraph: {line!r}"
            )
            assert not line.startswith("ISSN"), f"{c.clause_id}: ISSN lines are removed"
    definitions = next(c for c in clauses if c.locator == "4")
    for term in ("Exponering", "Farlig kemisk produkt", "Hantering", "Kemisk riskkälla", "Kemiskt ämne"):
        assert f"\n{term} " in definitions.text, f"the definition of {term!r} stays in 4 §"


def test_afs_amendment_notes_and_general_advice() -> None:
    _, clauses = _read("afs-2011-19.pdf")
    by_id = {c.locator: c for c in clauses}
    assert by_id["4"].amended_by == "AFS 2014:43", "the closing note is metadata"
    assert not by_id["4"].text.rstrip().endswith("(AFS 2014:43)")
    first = by_id["1"]
    advice = [first.text[u.start : u.end] for u in first.units if u.kind == ADVICE]
    assert advice and advice[0].startswith("Till 1 § Med arbete i arbetsgivarens hushåll"), (
        "the general advice 'Till 1 §', printed after all provisions, is kept with 1 §"
    )
    binding = [u for u in first.units if u.kind == "stycke"]
    assert all(u.end <= first.text.index(advice[0]) for u in binding), "advice follows the binding text"
    assert sum(1 for c in clauses if any(u.kind == ADVICE for u in c.units)) >= 40


# --- Prop. 1999/2000:17: a font without a usable Unicode map ------------------------------------------------


def test_a_font_in_glyph_order_is_repaired_and_said_so() -> None:
    doc, _ = _read("prop-1999-2000-17.pdf")
    text = "\n".join(b.text for b in doc.blocks)
    assert "Göran Persson" in text, "the italic signature reads right"
    assert "*|UDQ" not in text and "3HUVVRQ" not in text
    assert "Avtal mellan Konungariket Sveriges regering" in text, "and so does the bold heading of the treaty"
    repaired = doc.meta.get("fonts_repaired")
    assert isinstance(repaired, list) and any("Macintosh glyph order" in r for r in repaired), (
        "the repair is reported"
    )


# --- a scan: refused, naming the operator's file ------------------------------------------------------------


def test_a_scan_is_refused_naming_the_file(settings: Settings) -> None:
    path = real_pdf("scanned.pdf")
    with pytest.raises(SourceError) as info:
        add_source(settings, str(path), doc_id="skannad", title="Skannad", kind="guideline", binding="guidance")
    message = str(info.value)
    assert str(path) in message and "OCR" in message, f"the operator's file and what to do: {message}"
    assert ".incoming" not in message, "not the temporary copy"
