"""Paragraphs of a PDF: lines grouped by the gaps between them and by first-line indents, joined over
page breaks."""

from __future__ import annotations

import re

from ingest.normalize import clean_line
from ingest.pdf_extract import Line, Paragraph
from ingest.pdf_headings import NAMED, NUMBERED, SENTENCE_END, Layout, styled_heading

LIST_START = re.compile(r"^(?:[•·▪◦●■–—-]\s|\(?[a-zåäö]\)\s|\d{1,2}\)\s)")
# "1. …" starts a list item (a punkt in a statute-like text) after a line that ends one, introduces a list
# or stops short of the margin
_NUMBERED_ITEM = re.compile(r"^\d{1,2}\.\s+\S")
# a section of a statute-like text ("5 §", "37 a §") starts on a line of its own
_SECTION_START = re.compile(r"^\d{1,3}\s?[a-z]?\s?§\s")
# the designation of an act on a line of its own ("AFS 2014:43", "2021:952") heads its transitional provisions
_DESIGNATION_LINE = re.compile(r"^(?:[A-ZÅÄÖ][A-ZÅÄÖ-]{0,9}FS\s+)?\d{4}:\d{1,4}$")
_LEADERS = re.compile(r"[.·…_]{5,}\s*\S")  # a row of a table with dot leaders ("Benzidin ...... 92-87-5")
_ITEM_BEFORE = re.compile(r"(?:[.:;,]|\b(?:och|eller|samt))$")


def find_paragraphs(pages: list[list[Line]], layout: Layout) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    for lines in pages:
        current: Paragraph | None = None
        previous: Line | None = None
        for line in lines:
            heading = styled_heading(line, layout)
            new = current is None or heading != current.heading
            if not new and previous is not None:
                if previous.y is not None and line.y is not None and layout.leading:
                    gap = previous.y - line.y
                    # 6 pt between paragraphs on a 12–14 pt leading is common: 1.3 leadings is a paragraph break
                    limit = 1.45 * max(previous.size, line.size) * 1.45 if heading else 1.3 * layout.leading
                    new = gap > limit or gap < -layout.leading
                if not heading and (_starts_paragraph(previous, line, layout) or _indented(previous, line, layout)):
                    new = True
                if heading and (NUMBERED.match(clean_line(line.text)) or NAMED.match(clean_line(line.text))):
                    new = True
                if heading and abs(line.size - previous.size) > 0.5:
                    new = True
            if new:
                current = Paragraph([line], heading)
                paragraphs.append(current)
            else:
                assert current is not None
                current.lines.append(line)
            previous = line
    return _join_across_pages(paragraphs, layout)


def _starts_paragraph(previous: Line, line: Line, layout: Layout) -> bool:
    """What the words of a line say about it starting a paragraph, whatever the space above it."""
    text, before = clean_line(line.text), clean_line(previous.text)
    return bool(
        LIST_START.match(text)
        or (_NUMBERED_ITEM.match(text) and (_ITEM_BEFORE.search(before) or _short(previous, line, layout)))
        or (_SECTION_START.match(text) and SENTENCE_END.search(before))
        or _DESIGNATION_LINE.match(text)
        or _DESIGNATION_LINE.match(before)
        or _LEADERS.search(line.text)
        or _LEADERS.search(previous.text)
    )


def _indented(previous: Line, line: Line, layout: Layout) -> bool:
    """A first-line indent: the line starts well right of the one before, which ended its paragraph.

    Word processors often mark a new paragraph only so, with no extra space above it. The line
    before must end a sentence or stop short of the right margin: the lines after a list item's
    first (full) line are indented too, and go on with the item.
    """
    if previous.x is None or line.x is None or line.x - previous.x < 0.8 * max(line.size, 1.0):
        return False
    return bool(SENTENCE_END.search(clean_line(previous.text))) or _short(previous, line, layout)


def _short(previous: Line, line: Line, layout: Layout) -> bool:
    """The line before stopped well short of the right margin: it ended its paragraph."""
    return layout.right is not None and previous.end is not None and previous.end < layout.right - 2 * line.size


def _join_across_pages(paragraphs: list[Paragraph], layout: Layout) -> list[Paragraph]:
    """A paragraph cut by a page break goes on at the top of the next page."""
    out: list[Paragraph] = []
    for paragraph in paragraphs:
        if out and not paragraph.heading and not out[-1].heading and paragraph.page == out[-1].page_end + 1:
            last = clean_line(out[-1].lines[-1].text)
            first = clean_line(paragraph.lines[0].text)
            unfinished = not SENTENCE_END.search(last) or len(last) >= 0.85 * layout.full_line
            indented = (
                layout.margin is not None
                and paragraph.lines[0].x is not None
                and paragraph.lines[0].x - layout.margin > 0.8 * max(paragraph.lines[0].size, 1.0)
            )
            starts = _starts_paragraph(out[-1].lines[-1], paragraph.lines[0], layout)
            if unfinished and not indented and not starts and not NUMBERED.match(first):
                out[-1].lines.extend(paragraph.lines)
                continue
        out.append(paragraph)
    return out
