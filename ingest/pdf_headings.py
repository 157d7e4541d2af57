"""Headings of a PDF: numbered ("4.2 Riskbedömning", "Bilaga 2", "Riktlinje 3") or set apart by type.

A heading is found from its numbering, from the table of contents, or from its
typography: the layout of the document (:func:`measure_layout`) tells the body font
size, and a line larger than that, or bold, stands out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.normalize import clean_line
from ingest.pdf_extract import SOFT_SPACE, Line, Paragraph
from ingest.pdf_words import Words

NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,5})\.?\s+(?P<title>[^\W\d_].*)$", re.S)
NAMED = re.compile(
    r"^(?P<kind>Bilaga|Appendix|Annex|Riktlinje|Guideline)\s+(?P<num>\d{1,3}|[A-Z])\b\.?\s*[:–—-]?\s*(?P<title>.*)$",
    re.S | re.I,
)
_ABBREVIATION_END = re.compile(r"(?:^|\s)(?:\w{1,4}\.){2,}$")  # "m.m.", "bl.a.", "t.ex." end no sentence
SENTENCE_END = re.compile(r"[.!?:;…]['’”»)]*$")


@dataclass
class Layout:
    """The typography of a document's body text, measured over all its pages."""

    body_size: float
    has_cues: bool  # some text is larger or bold: headings can be told by their type
    full_line: int  # characters in a full line of body text
    leading: float
    margin: float | None = None  # where body lines most often start
    right: float | None = None  # where full body lines end


def heading_key(title: str) -> str:
    return re.sub(r"[^\w]+", " ", title.lower()).strip()[:60]


def measure_layout(pages: list[list[Line]]) -> Layout:
    sizes: Counter[float] = Counter()
    bold_chars = 0
    chars = 0
    for lines in pages:
        for ln in lines:
            n = len(ln.text.strip())
            sizes[ln.size] += n
            chars += n
            bold_chars += n if ln.bold else 0
    body_size = sizes.most_common(1)[0][0] if sizes else 0.0
    has_cues = any(size >= body_size + 0.9 for size in sizes) or 0 < bold_chars < 0.5 * chars
    body_lengths = sorted(
        len(clean_line(ln.text)) for lines in pages for ln in lines if abs(ln.size - body_size) < 0.5 and not ln.bold
    )
    full_line = body_lengths[int(0.9 * (len(body_lengths) - 1))] if body_lengths else 80
    gaps = []
    for lines in pages:
        for a, b in zip(lines, lines[1:], strict=False):
            if (
                a.y is not None
                and b.y is not None
                and abs(a.size - body_size) < 0.5
                and abs(b.size - body_size) < 0.5
                and 0 < a.y - b.y < 4 * max(body_size, 1)
            ):
                gaps.append(a.y - b.y)
    gaps.sort()
    leading = gaps[len(gaps) // 2] if gaps else 0.0
    body = [ln for lines in pages for ln in lines if abs(ln.size - body_size) < 0.5 and ln.x is not None]
    starts = Counter(round(ln.x or 0.0) for ln in body)
    ends = sorted(ln.end for ln in body if ln.end is not None)
    margin = float(starts.most_common(1)[0][0]) if starts else None
    right = ends[int(0.9 * (len(ends) - 1))] if ends else None
    return Layout(body_size, has_cues, full_line, leading, margin, right)


def styled_heading(line: Line, layout: Layout) -> bool:
    """A line set apart by its type: larger than the body or bold, and not the end of a sentence.

    A heading names what follows; it does not end in a full stop or a comma (an abbreviation
    such as "m.m." at its end is no full stop). Bold or large text that does is emphasis.
    """
    text = clean_line(line.text)
    if not text or len(text) > 200 or not layout.has_cues:
        return False
    if text.endswith(",") or (text.endswith(".") and not _ABBREVIATION_END.search(text)):
        return False
    return line.size >= layout.body_size + 0.9 or line.bold


def _plausible_next(number: str, previous: str | None) -> bool:
    parts = [int(p) for p in number.split(".")]
    if previous is None:
        return parts[-1] in (0, 1) or len(parts) == 1
    prev = [int(p) for p in previous.split(".")]
    if parts == [*prev, 1]:
        return True
    return any(parts == [*prev[:k], prev[k] + 1] for k in range(len(prev)))


def heading_number(text: str) -> str | None:
    """ "4.2" for a numbered heading ("4.2 Riskbedömning"); None for anything else."""
    m = NUMBERED.match(text)
    if not m or not m.group("title")[:1].isupper():
        return None
    return m.group("num")


@dataclass
class Heading:
    text: str
    size: float
    page: int
    number: str = ""  # "4.2" for numbered headings
    named: bool = False


def _unstyled_heading(first: str, layout: Layout, toc: dict[str, str], previous: str | None) -> bool:
    """A heading line in the same font as the text: confirmed by the contents, or by its numbering."""
    number = heading_number(first)
    if number is None and not NAMED.match(first):
        return False
    if heading_key(first) in toc:
        return True
    if layout.has_cues or len(first) > 100 or SENTENCE_END.search(first) or len(first) >= 0.8 * layout.full_line:
        return False
    return number is None or _plausible_next(number, previous)


def classify(
    paragraphs: list[Paragraph], layout: Layout, toc: dict[str, str], words: Words
) -> list[Heading | Paragraph]:
    """Decide which paragraphs are headings; split a heading glued to its first paragraph."""
    items: list[Heading | Paragraph] = []
    previous: str | None = None
    for paragraph in paragraphs:
        if paragraph.heading and len(paragraph.lines) <= 4:
            text = words.text(paragraph.lines)
            number = heading_number(text)
            previous = number or previous
            items.append(
                Heading(
                    text,
                    max(ln.size for ln in paragraph.lines),
                    paragraph.page,
                    number or "",
                    bool(NAMED.match(text)),
                )
            )
            continue
        first = clean_line(paragraph.lines[0].text.replace(SOFT_SPACE, " "))
        if _unstyled_heading(first, layout, toc, previous):
            first = words.text(paragraph.lines[:1])  # its words mended as any paragraph's
            number = heading_number(first)
            previous = number or previous
            items.append(
                Heading(first, paragraph.lines[0].size, paragraph.page, number or "", bool(NAMED.match(first)))
            )
            if len(paragraph.lines) > 1:
                items.append(Paragraph(paragraph.lines[1:]))
            continue
        items.append(paragraph)
    return items


def _section_size(items: list[Heading | Paragraph]) -> float:
    """Font size of the top headings of an unnumbered text: its largest heading style used twice.

    The document's own title block (the headings before its first paragraph, "Kommittédirektiv")
    and a heading style used once (a reference number in the margin) are set larger than the
    section headings; measured against them, every section heading would be a sub-heading.
    """
    first_body = next((i for i, item in enumerate(items) if not isinstance(item, Heading)), len(items))
    sizes = [round(h.size * 2) / 2 for h in items[first_body:] if isinstance(h, Heading)]
    if not sizes:
        return max((h.size for h in items if isinstance(h, Heading)), default=0.0)
    repeated = [size for size in set(sizes) if sizes.count(size) >= 2]
    return max(repeated or sizes)


def heading_levels(items: list[Heading | Paragraph]) -> dict[int, int]:
    """Heading level per item: numbered by depth, named 1, others by size against the numbered ones."""
    headings = [h for h in items if isinstance(h, Heading)]
    numbered_top = [h.size for h in headings if h.number and "." not in h.number]
    top_size = min(numbered_top) if numbered_top else _section_size(items)
    levels = {}
    for i, item in enumerate(items):
        if not isinstance(item, Heading):
            continue
        if item.number:
            levels[i] = item.number.count(".") + 1
        elif item.named:
            levels[i] = 1
        else:
            levels[i] = 1 if item.size >= top_size - 0.5 else 6
    return levels
