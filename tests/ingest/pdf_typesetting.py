"""More PDFs made for the tests, the way other producers typeset them.

- :func:`render_positional`: every word placed by moving the pen, no space glyphs at all (as
  LaTeX and many layout programs write PDFs), and some words drawn in two pieces with a gap
  inside (as a word processor justifying a line does): what the word mender must join, and
  what it must leave apart.
- :func:`render_regulation`: an agency's regulation in a statute's form: a cover with an ISSN,
  bold headings, sections "1 §", general advice under "Allmänna råd", amendment notes, a
  running header with the regulation's designation, page numbers, transitional provisions.
- :func:`render_glyph_indexed`: a page whose second font has no Unicode map and shows glyph
  indices in the Macintosh order (or scrambled codes), as in Government bills of the 1990s.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from pdf_fixtures import BODY_FONT, BODY_SIZE, BOTTOM, HEIGHT, LEADING, LEFT, RIGHT, TOP, WIDTH
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, ContentStream, DecodedStreamObject, DictionaryObject, NameObject, NumberObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from core.sources import load_sources
from ingest.lexicon import Lexicon
from ingest.pipeline import read_source, segment

SPACE = stringWidth(" ", BODY_FONT, BODY_SIZE)


# --- words placed without space glyphs --------------------------------------------------------------------


def _split_point(word: str, lexicon: Lexicon) -> int | None:
    """Where a word processor's gap could fall so that the pieces are not both words."""
    if len(word) < 8 or not word.isalpha() or not lexicon.knows(word):
        return None
    for cut in range(len(word) // 2, len(word) - 2):
        if not (lexicon.knows(word[:cut]) and lexicon.knows(word[cut:])):
            return cut
    return None


def render_positional(path: Path, paragraphs: list[str], lexicon: Lexicon, every: int = 6) -> list[str]:
    """Paragraphs set word by word without space glyphs; every ``every``-th long word in two pieces.

    Returns the words drawn in pieces. Word gaps are 0.9 to 1.4 spaces, the same along a line, as in
    justified text; a word's pieces stand 0.6 spaces apart.
    """
    rng = random.Random(7)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(BODY_FONT, BODY_SIZE)
    y = TOP
    split: list[str] = []
    count = 0
    for paragraph in paragraphs:
        x = LEFT
        stretch = rng.uniform(0.9, 1.4)  # a justified line stretches its word spaces alike
        for word in paragraph.split(" "):
            width = stringWidth(word, BODY_FONT, BODY_SIZE)
            if x > LEFT and x + width > RIGHT:
                x, y = LEFT, y - LEADING
                stretch = rng.uniform(0.9, 1.4)
            if y < BOTTOM:
                c.showPage()
                c.setFont(BODY_FONT, BODY_SIZE)
                y = TOP
            count += 1
            cut = _split_point(word, lexicon) if count % every == 0 else None
            if cut is None:
                c.drawString(x, y, word)
            else:
                head = word[:cut]
                c.drawString(x, y, head)
                c.drawString(x + stringWidth(head, BODY_FONT, BODY_SIZE) + 0.6 * SPACE, y, word[cut:])
                width += 0.6 * SPACE
                split.append(word)
            x += width + SPACE * stretch
        y -= LEADING + 8
    c.showPage()
    c.save()
    return split


# --- an agency regulation in a statute's form ---------------------------------------------------------------


@dataclass
class Regulation:
    """What went into the regulation: its sections, where advice and notes are, its designation."""

    designation: str
    sections: dict[str, list[str]] = field(default_factory=dict)  # number → paragraphs (binding)
    headings: dict[str, str] = field(default_factory=dict)  # number → heading above it
    advice: dict[str, list[str]] = field(default_factory=dict)  # number → advice paragraphs after it
    notes: dict[str, str] = field(default_factory=dict)  # number → amendment note closing it
    issn: str = "ISSN 2000-1234"


class _Writer:
    def __init__(self, path: Path, header: str) -> None:
        self.c = canvas.Canvas(str(path), pagesize=A4)
        self.header = header
        self.page = 0
        self.y = TOP

    def new_page(self, furniture: bool = True) -> None:
        if self.page:
            self.c.showPage()
        self.page += 1
        self.y = TOP
        if furniture:
            self.c.setFont(BODY_FONT, 9)
            self.c.drawRightString(RIGHT, HEIGHT - 50, self.header)
            self.c.drawCentredString(WIDTH / 2, 40, str(self.page))

    def lines(self, text: str, font: str = BODY_FONT, size: float = BODY_SIZE, gap: float = 6.0) -> None:
        words, line = text.split(" "), ""
        out = []
        for word in words:
            candidate = f"{line} {word}" if line else word
            if stringWidth(candidate, font, size) <= RIGHT - LEFT:
                line = candidate
            else:
                out.append(line)
                line = word
        out.append(line)
        if font != BODY_FONT and self.y - 3 * LEADING < BOTTOM:
            self.new_page()  # a heading is not left alone at the foot of a page
        for row in out:
            if self.y < BOTTOM:
                self.new_page()  # a paragraph goes on at the top of the next page
            self.c.setFont(font, size)
            self.c.drawString(LEFT, self.y, row)
            self.y -= LEADING
        self.y -= gap


def regulation_from_corpus(corpus_dir: Path, manifest: Path, advice_from: list[str]) -> Regulation:
    """Förordning (2024:664) retold as an agency's regulation "VRFS 2026:1", with general advice.

    The advice paragraphs (real text from ``advice_from``) follow every third section; sections
    last amended by an act get an agency's amendment note instead, "(VRFS 2026:7)".
    """
    source = {s.doc_id: s for s in load_sources(manifest)}["sfs-2024-664"]
    clauses, _ = segment(read_source(source, corpus_dir), dt.date(2026, 11, 28))
    regulation = Regulation("VRFS 2026:1")
    advice = iter(advice_from)
    for i, clause in enumerate(c for c in clauses if c.kind == "section"):
        number = clause.locator
        regulation.sections[number] = clause.text.split("\n")
        regulation.headings[number] = clause.heading_path[-1]
        if clause.amended_by:
            regulation.notes[number] = "VRFS 2026:7"
        if i % 3 == 1:
            regulation.advice[number] = [next(advice)]
    return regulation


def render_regulation(path: Path, regulation: Regulation) -> None:
    w = _Writer(path, regulation.designation)
    w.new_page(furniture=False)
    w.c.setFont("Helvetica-Bold", 20)
    w.c.drawString(LEFT, HEIGHT / 2 + 40, regulation.designation)
    w.c.setFont(BODY_FONT, 12)
    w.c.drawString(LEFT, HEIGHT / 2, "Vetenskapsrådets föreskrifter om stöd till cybersäkerhet")
    w.c.drawString(LEFT, 120, regulation.issn)
    w.new_page()
    w.lines("Vetenskapsrådets föreskrifter om stöd till åtgärder för cybersäkerhet", "Helvetica-Bold", 14)
    w.lines("beslutade den 2 februari 2026.")
    heading = ""
    for number, paragraphs in regulation.sections.items():
        if regulation.headings[number] != heading:
            heading = regulation.headings[number]
            w.y -= 6
            w.lines(heading, "Helvetica-Bold", BODY_SIZE, gap=2)
        for k, paragraph in enumerate(paragraphs):
            text = f"{number.replace('a', ' a')} § {paragraph}" if k == 0 else paragraph
            if k == len(paragraphs) - 1 and number in regulation.notes:
                text += f" ({regulation.notes[number]})"
            w.lines(text)
        if number in regulation.advice:
            w.lines("Allmänna råd", "Helvetica-Bold", BODY_SIZE, gap=2)
            for paragraph in regulation.advice[number]:
                w.lines(paragraph, "Helvetica-Oblique")
    w.y -= 12
    w.lines(regulation.designation, gap=2)
    w.lines("Denna författning träder i kraft den 1 juli 2026.")
    w.lines("VRFS 2026:7", gap=2)
    w.lines("Denna författning träder i kraft den 1 oktober 2026.")
    w.c.showPage()
    w.c.save()


# --- a font that shows glyph indices ------------------------------------------------------------------------


def glyph_index(ch: str) -> int:
    """The glyph of a character in the standard Macintosh order of a TrueType font."""
    if " " <= ch <= "~":
        return ord(ch) - 29
    return ch.encode("mac_roman")[0] - 0x80 + 98


def _pdf_string(codes: list[int]) -> str:
    return "(" + "".join(f"\\{code:03o}" for code in codes) + ")"


def render_glyph_indexed(path: Path, normal: list[str], indexed: list[str], *, scramble: bool = False) -> None:
    """A page of body text in Helvetica, then paragraphs in a font whose codes are glyph indices.

    The second font has no /ToUnicode and no /Differences for its codes, so a reader decodes
    them in the standard encoding: "Göran" comes out "*|UDQ". With ``scramble`` the codes are
    a random permutation instead, which no constant shift or glyph order undoes.
    """
    table = list(range(3, 226))
    random.Random(3).shuffle(table)
    ops = ["BT"]
    y = TOP
    for paragraph in normal:
        ops.append(f"/F1 {BODY_SIZE} Tf 1 0 0 1 {LEFT} {y} Tm")
        ops.append(_pdf_string([ord(ch) for ch in paragraph.encode("cp1252").decode("latin-1")]) + " Tj")
        y -= LEADING
    for paragraph in indexed:
        codes = [glyph_index(ch) for ch in paragraph]
        if scramble:
            codes = [table[code - 3] for code in codes]
        ops.append(f"/F2 {BODY_SIZE} Tf 1 0 0 1 {LEFT} {y} Tm {_pdf_string(codes)} Tj")
        y -= LEADING
    ops.append("ET")
    writer = PdfWriter()
    page = writer.add_blank_page(WIDTH, HEIGHT)
    helvetica = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    indexed_font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/ABCDEF+Times.New.Roman.Kursiv0104"),
            NameObject("/Encoding"): DictionaryObject(
                {NameObject("/Differences"): ArrayObject([NumberObject(0), NameObject("/G0")])}
            ),
        }
    )
    fonts = DictionaryObject({NameObject("/F1"): helvetica, NameObject("/F2"): indexed_font})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("latin-1"))
    page.replace_contents(ContentStream(stream, writer))
    with path.open("wb") as fh:
        writer.write(fh)
