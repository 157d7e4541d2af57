"""PDFs made for the tests: a typeset report, a scanned one, an encrypted one.

No PDF of the real guidelines can be had on these machines, so the tests render
real text from the default corpus the way a report is published: a cover page, a
table of contents, numbered chapter and section headings in a larger bold font,
running headers, page numbers in the footer and words hyphenated at line ends.
:func:`render_report` returns what a reader must recover: the sections, their
paragraphs and the page each heading was printed on.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

WIDTH, HEIGHT = A4
LEFT, RIGHT = 72.0, WIDTH - 72.0
TOP, BOTTOM = HEIGHT - 90.0, 80.0
BODY_FONT, BODY_SIZE, LEADING = "Helvetica", 10.5, 14.0
PARAGRAPH_GAP = 8.0


@dataclass
class Section:
    number: str  # "2.1", "Bilaga 1"
    title: str
    paragraphs: list[str]

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}"


@dataclass
class Rendered:
    """What went into the PDF: per section the page of its heading, and the hyphenated words."""

    pages: int = 0
    heading_page: dict[str, int] = field(default_factory=dict)
    last_page: dict[str, int] = field(default_factory=dict)
    hyphenated: list[str] = field(default_factory=list)  # words broken at a line end, as whole words


HEADER = "Ansvarsfull internationalisering – regeringsbeslut 2025"  # the running header of the test report


@dataclass
class Report:
    """A rendered test report: its file, title, sections and what went into it."""

    path: Path
    title: str
    sections: list[Section]
    rendered: Rendered


def _wrap(text: str, font: str, size: float, width: float, hyphenated: list[str]) -> list[str]:
    """Greedy line breaking; a long word that does not fit is hyphenated as a typesetter would."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line and len(word) >= 12 and word.isalpha() and word.islower():
            # break the word inside: keep at least 5 letters on each side
            for cut in range(len(word) - 5, 4, -1):
                head = f"{line} {word[:cut]}-"
                if stringWidth(head, font, size) <= width:
                    lines.append(head)
                    hyphenated.append(word)
                    line = word[cut:]
                    break
            else:
                lines.append(line)
                line = word
            continue
        if line:
            lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines


class _Pages:
    def __init__(self, c: canvas.Canvas, header: str) -> None:
        self.c = c
        self.header = header
        self.number = 0
        self.y = TOP

    def new(self, *, furniture: bool = True) -> None:
        if self.number:
            self.c.showPage()
        self.number += 1
        self.y = TOP
        if furniture:
            self.c.setFont("Helvetica", 8.5)
            self.c.drawString(LEFT, HEIGHT - 50, self.header)
            self.c.drawRightString(RIGHT, HEIGHT - 50, "Vägvisare testrapport")
            self.c.drawCentredString(WIDTH / 2, 40, str(self.number))

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new()


def render_report(
    path: Path,
    title: str,
    sections: list[Section],
    *,
    header: str,
    toc: bool = True,
    plain_headings: bool = False,
) -> Rendered:
    """A report as agencies publish them: cover, contents, numbered sections, page furniture.

    With ``plain_headings`` the headings are set in the body font, so only their numbers
    and the contents list tell them apart (as in PDFs whose fonts pypdf cannot tell apart).
    """
    info = Rendered()
    c = canvas.Canvas(str(path), pagesize=A4, pageCompression=1)
    c.setTitle(title)
    pages = _Pages(c, header)

    pages.new(furniture=False)  # the cover: no header, no page number
    c.setFont("Helvetica-Bold", 22)
    y = HEIGHT / 2 + 60
    for line in _wrap(title, "Helvetica-Bold", 22, RIGHT - LEFT, []):
        c.drawString(LEFT, y, line)
        y -= 28
    c.setFont("Helvetica", 12)
    c.drawString(LEFT, y - 20, "Rapport 2026:1")

    if toc:
        pages.new()
        c.setFont("Helvetica-Bold", 16)
        c.drawString(LEFT, pages.y, "Innehåll")
        pages.y -= 30

    # lay the body out once to learn the page of each heading, then draw it for real
    body = _layout(sections, plain_headings)
    first_body_page = pages.number + 1
    if toc:
        c.setFont("Helvetica", 10.5)
        for section in sections:
            page = body.heading_page[section.number] + first_body_page - 1
            indent = 12 * section.number.count(".")
            text = section.heading
            c.drawString(LEFT + indent, pages.y, text)
            dots_from = LEFT + indent + stringWidth(text, "Helvetica", 10.5) + 4
            dots = "." * int((RIGHT - 24 - dots_from) / stringWidth(".", "Helvetica", 10.5))
            c.drawString(dots_from, pages.y, dots)
            c.drawRightString(RIGHT, pages.y, str(page))
            pages.y -= 16

    info.hyphenated.clear()
    _draw(pages, sections, info, plain_headings)
    c.showPage()
    c.save()
    info.pages = pages.number
    return info


def _heading_font(number: str, plain: bool) -> tuple[str, float]:
    if plain:
        return BODY_FONT, BODY_SIZE
    depth = number.count(".") + 1 if number[:1].isdigit() else 1
    return "Helvetica-Bold", {1: 16.0, 2: 13.0}.get(depth, 11.5)


def _layout(sections: list[Section], plain: bool) -> Rendered:
    """Dry run of :func:`_draw` on a throw-away canvas (page numbers relative to the body)."""
    scratch = Rendered()
    pages = _Pages(canvas.Canvas(io.BytesIO(), pagesize=A4), "")
    _draw(pages, sections, scratch, plain)
    return scratch


def _draw(pages: _Pages, sections: list[Section], info: Rendered, plain: bool) -> None:
    c = pages.c
    pages.new()
    for i, section in enumerate(sections):
        font, size = _heading_font(section.number, plain)
        depth = section.number.count(".") + 1 if section.number[:1].isdigit() else 1
        if depth == 1 and i:
            pages.new()  # chapters start on a new page
        heading_lines = _wrap(section.heading, font, size, RIGHT - LEFT, [])
        pages.need(len(heading_lines) * size * 1.3 + 3 * LEADING)
        pages.y -= 6
        info.heading_page[section.number] = pages.number
        for line in heading_lines:
            c.setFont(font, size)
            c.drawString(LEFT, pages.y, line)
            pages.y -= size * 1.35
        pages.y -= 4
        for paragraph in section.paragraphs:
            for line in _wrap(paragraph, BODY_FONT, BODY_SIZE, RIGHT - LEFT, info.hyphenated):
                pages.need(LEADING)
                c.setFont(BODY_FONT, BODY_SIZE)
                c.drawString(LEFT, pages.y, line)
                pages.y -= LEADING
            pages.y -= PARAGRAPH_GAP
        info.last_page[section.number] = pages.number


def render_scanned(path: Path, pages: int = 3) -> None:
    """Pages that carry only pictures of text: no text layer at all."""
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        for row in range(40):
            y = TOP - row * LEADING
            for col in range(12):
                c.rect(LEFT + col * 38, y, 30, 7, stroke=0, fill=1)  # blobs where words would be
        c.showPage()
    c.save()


def encrypt(source: Path, target: Path, password: str = "hemligt") -> None:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    with target.open("wb") as fh:
        writer.write(fh)


def minimal_text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a few lines in the body font, for fuzzing and small cases."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    y = TOP
    for line in lines:
        c.setFont(BODY_FONT, BODY_SIZE)
        c.drawString(LEFT, y, line)
        y -= LEADING
    c.showPage()
    c.save()
    return buffer.getvalue()


def corpus_report(corpus_dir: Path) -> tuple[str, list[Section]]:
    """Real text from the default corpus laid out as a numbered report.

    The government decision gives chapters 1-3 (its headings, numbered); the
    government's pages on the subject become sections 4.1-4.6 of a chapter 4, and
    the two referrals an appendix, "Bilaga 1".
    """
    from core.sources import Source
    from ingest.read_pages import read_markdown_page, read_plain_text

    def source(doc_id: str, path: str, fmt: str) -> Source:
        return Source(doc_id, doc_id, "page", "information", "sv", fmt, path=path)

    gov = corpus_dir / "government"
    decision = read_plain_text(
        source("beslut", "", "text"), gov / "regeringsbeslut-2025-05-22-ansvarsfull-internationalisering.txt"
    )
    sections: list[Section] = []
    chapter = sub = 0
    for block in decision.blocks:
        if block.heading_level == 2:
            if block.text == "Sändlista":
                break
            chapter, sub = chapter + 1, 0
            sections.append(Section(str(chapter), block.text, []))
        elif block.heading_level == 3:
            sub += 1
            sections.append(Section(f"{chapter}.{sub}", block.text, []))
        elif "\n" not in block.text and not block.text.startswith("På regeringens vägnar"):
            sections[-1].paragraphs.append(block.text)
    chapter += 1
    sections.append(Section(str(chapter), "Regeringens kommunikation", []))
    pages = [
        "pressmeddelanden_2023_07_myndigheter-ska-ta-fram-riktlinjer-for-ansvarsfull-internationalisering.md",
        "debattartiklar_2025_06_sa-oppet-som-mojligt--sa-sakert-som-nodvandigt.md",
        "faktapromemoria_2024_02_202324fpm43.md",
        "faktapromemoria_2024_02_202324fpm44.md",
        "pressmeddelanden_2025_05_starkt-stod-for-saker-forskning-i-en-orolig-omvarld.md",
        "pressmeddelanden_2025_10_sverige-och-storbritannien-starker-samarbetet-inom-forskningsomradet.md",
    ]
    for sub, name in enumerate(pages, start=1):
        page = read_markdown_page(source("page", "", "markdown"), gov / name)
        title = page.title.strip('"').strip("“”")
        paragraphs = [b.text for b in page.blocks if b.heading_level is None]
        sections.append(Section(f"{chapter}.{sub}", title, paragraphs))
    referrals = []
    for name in sorted(p.name for p in gov.glob("remisser_*.md")):
        page = read_markdown_page(source("remiss", "", "markdown"), gov / name)
        referrals += [b.text for b in page.blocks if b.heading_level is None]
    sections.append(Section("Bilaga 1", "Remisser", referrals))
    return decision.title, sections
