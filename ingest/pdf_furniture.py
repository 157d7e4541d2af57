"""Page furniture and the table of contents: what a published PDF adds to its text, taken away.

Running headers and footers (lines repeated at the top or bottom of many pages), page
numbers and table-of-contents pages are removed; the contents' entries are kept to
confirm headings, and printed page numbers that differ from the PDF's are learnt.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from ingest.normalize import clean_line
from ingest.pdf_extract import SOFT_SPACE, Line, PdfText
from ingest.pdf_headings import NAMED, NUMBERED, heading_key

_TOC_TITLE = re.compile(r"^(innehåll|innehållsförteckning|contents|table of contents)$", re.I)
_TOC_LINE = re.compile(r"^(?P<title>.*?\S)(?:\s*[.·…_]{2,}\s*|\s+)(?P<page>\d{1,4}|[ivxlc]{1,6})$", re.I)
_PAGE_NUMBER = re.compile(
    r"^(?:(?:sida|sid\.|s\.|page|p\.)\s*)?[-–—]?\s*(?P<n>\d{1,4}|[ivxlc]{1,7})\s*[-–—]?"
    r"(?:\s*(?:\(|av|of|/)\s*\d{1,4}\)?)?$",
    re.I,
)


def _band(lines: list[Line], box: tuple[float, float] | None) -> list[int]:
    """Indices of the lines that may be furniture: the top and bottom few, near the page's edges."""
    if not lines:
        return []
    placed = [i for i, ln in enumerate(lines) if ln.y is not None]
    if box is None or len(placed) < len(lines):
        return sorted(set(range(min(3, len(lines)))) | set(range(max(0, len(lines) - 3), len(lines))))
    bottom, top = box
    margin = 0.12 * (top - bottom)
    by_y = sorted(placed, key=lambda i: lines[i].y or 0.0)
    ends = set(by_y[:3]) | set(by_y[-3:])
    return sorted(i for i in ends if (lines[i].y or 0.0) >= top - margin or (lines[i].y or 0.0) <= bottom + margin)


_IDENTIFIER = re.compile(r"^(?:ISSN|ISBN)(?:[- ]?1[03])?:?\s*[\dXx][\d\s-]{6,20}[\dXx](?:\s*\([^)]{0,30}\))?$", re.I)


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", clean_line(text.replace(SOFT_SPACE, " ")).lower())


def _in_place(line: Line, usual: float | None) -> bool:
    return line.y is None or usual is None or abs(line.y - usual) <= max(3.0, 0.5 * line.size)


def remove_furniture(text: PdfText) -> None:
    """Drop running headers, footers and page numbers; learn printed page numbers on the way."""
    pages = text.pages
    bands = [_band(lines, text.boxes.get(number)) for number, lines in enumerate(pages, start=1)]
    counts: Counter[str] = Counter()
    heights: dict[str, list[float]] = {}
    for lines, band in zip(pages, bands, strict=True):
        counts.update({_furniture_key(lines[i].text) for i in band})
        for i in band:
            if lines[i].y is not None:
                heights.setdefault(_furniture_key(lines[i].text), []).append(lines[i].y or 0.0)
    # a running header stands where it stands on every page; the same words lower down are text
    # ("AFS 2011:19" heading its transitional provisions at the top of a page)
    usual = {key: sorted(ys)[len(ys) // 2] for key, ys in heights.items()}
    with_text = sum(1 for lines in pages if lines)
    threshold = max(2, math.ceil(0.4 * with_text))
    repeated = {key for key, n in counts.items() if n >= threshold and with_text >= 2}
    for number, (lines, band) in enumerate(zip(pages, bands, strict=True), start=1):
        drop: set[int] = set()
        for i in band:
            line = clean_line(lines[i].text)
            m = _PAGE_NUMBER.match(line)
            if m:
                drop.add(i)
                text.removed["page number"] += 1
                if m.group("n") != str(number):
                    text.page_labels.setdefault(number, m.group("n"))
            elif _furniture_key(line) in repeated and _in_place(lines[i], usual.get(_furniture_key(line))):
                drop.add(i)
                text.removed["running header or footer"] += 1
        for i, ln in enumerate(lines):
            if i not in drop and _IDENTIFIER.match(clean_line(ln.text.replace(SOFT_SPACE, " "))):
                drop.add(i)  # the publication's ISSN or ISBN, printed on a cover or the last page
                text.removed["ISSN or ISBN line"] += 1
        pages[number - 1] = [ln for i, ln in enumerate(lines) if i not in drop]


def _toc_entries(lines: list[Line]) -> list[tuple[str, str]]:
    entries = []
    for line in lines:
        m = _TOC_LINE.match(clean_line(line.text))
        if m:
            entries.append((clean_line(m.group("title")).rstrip(" ."), m.group("page")))
    return entries


def remove_contents(text: PdfText) -> dict[str, str]:
    """Skip table-of-contents pages; return their entries (number → title) to confirm headings."""
    entries: dict[str, str] = {}
    previous_was_toc = False
    for number, lines in enumerate(text.pages, start=1):
        if not lines:
            continue
        found = _toc_entries(lines)
        titled = any(_TOC_TITLE.match(clean_line(ln.text)) for ln in lines[:4])
        dotted = sum(1 for ln in lines if re.search(r"[.·…_]{4,}\s*\S+$", ln.text))
        share = len(found) / len(lines)
        is_toc = (titled and len(found) >= 2) or (dotted >= 3 and share >= 0.5) or (previous_was_toc and share >= 0.6)
        if is_toc:
            for title, _page in found:
                m = NUMBERED.match(title) or NAMED.match(title)
                if m:
                    entries[heading_key(title)] = title
            text.removed["table of contents page"] += 1
            text.pages[number - 1] = []
        previous_was_toc = is_toc
    return entries
