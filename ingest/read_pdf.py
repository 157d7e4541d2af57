"""Read a PDF report or guideline (pypdf): its paragraphs and numbered headings, page by page.

What a published report adds to its text is taken away again: running headers and
footers (lines repeated at the top or bottom of many pages), page numbers, the table
of contents, words hyphenated at a line end. Headings are found from their numbering
("4.2 Riskbedömning", "Bilaga 2", "Riktlinje 3") together with the layout cues pypdf
exposes (a larger or bold font) and the table of contents when there is one.

Every block keeps the page it starts on (1-based, as a PDF viewer counts); a
paragraph that runs over a page break is joined, and the page it ends on is kept in
``meta["page_ends"]``. A PDF that cannot give its text (no text layer, a password,
a damaged or truncated file) is refused with a :class:`SourceError`, never read as empty.
"""

from __future__ import annotations

import io
import logging
import math
import re
import time
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import SourceError
from ingest.normalize import Vocabulary, clean_line, join_lines
from ingest.read_sfs import read_bytes
from ingest.records import Block, ReadDocument
from ingest.sources import Source

log = logging.getLogger(__name__)

MAX_BYTES = 200 * 1024 * 1024
MAX_PAGES = 3000
TIME_LIMIT = 300.0  # seconds for one document; pypdf is slow on some damaged files

NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,5})\.?\s+(?P<title>[^\W\d_].*)$", re.S)
NAMED = re.compile(
    r"^(?P<kind>Bilaga|Appendix|Annex|Riktlinje|Guideline)\s+(?P<num>\d{1,3}|[A-Z])\b\.?\s*[:–—-]?\s*(?P<title>.*)$",
    re.S | re.I,
)
_TOC_TITLE = re.compile(r"^(innehåll|innehållsförteckning|contents|table of contents)$", re.I)
_TOC_LINE = re.compile(r"^(?P<title>.*?\S)(?:\s*[.·…_]{2,}\s*|\s+)(?P<page>\d{1,4}|[ivxlc]{1,6})$", re.I)
_PAGE_NUMBER = re.compile(
    r"^(?:(?:sida|sid\.|s\.|page|p\.)\s*)?[-–—]?\s*(?P<n>\d{1,4}|[ivxlc]{1,7})\s*[-–—]?"
    r"(?:\s*(?:\(|av|of|/)\s*\d{1,4}\)?)?$",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?:;…]['’”»)]*$")
_LIST_START = re.compile(r"^(?:[•·▪◦●■–—-]\s|\(?[a-zåäö]\)\s|\d{1,2}\)\s)")
_BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demi")


@dataclass
class Line:
    text: str
    page: int
    y: float | None = None
    x: float | None = None
    size: float = 0.0
    bold: bool = False


@dataclass
class _Paragraph:
    lines: list[Line]
    heading: bool = False

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def page_end(self) -> int:
        return self.lines[-1].page


@dataclass
class _Layout:
    body_size: float
    has_cues: bool
    full_line: int  # characters in a full line of body text
    leading: float


@dataclass
class PdfText:
    """The text layer of a PDF: lines per page, what was taken away, and the page labels."""

    pages: list[list[Line]]
    boxes: dict[int, tuple[float, float]] = field(
        default_factory=dict
    )  # page → (bottom, top) of its media box
    page_labels: dict[int, str] = field(default_factory=dict)
    removed: Counter[str] = field(default_factory=Counter)


def _fail(source: Source, path: Path, problem: str, hint: str | None = None) -> SourceError:
    return SourceError(f"{source.doc_id}: {path} {problem}", hint=hint)


# --- opening -------------------------------------------------------------------------------


def _open(data: bytes, path: Path, source: Source) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    if len(data) > MAX_BYTES:
        raise _fail(
            source,
            path,
            f"is {len(data) / 1e6:.0f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB.",
            "Split the document or check that this is the right file.",
        )
    if b"%PDF-" not in data[:1024]:
        kind = "an HTML page" if b"<html" in data[:2048].lower() else "something else"
        raise _fail(
            source,
            path,
            f"is not a PDF (no %PDF- header; it looks like {kind}).",
            "Download the PDF itself, or set `format` in the manifest to what the file is.",
        )
    if b"%%EOF" not in data.rstrip(b"\x00\r\n\t ")[-2048:]:
        raise _fail(
            source,
            path,
            "ends without %%EOF: the PDF is truncated (an interrupted download?).",
            "Download or copy the file again.",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except DependencyError:
                    raise _fail(
                        source,
                        path,
                        "is encrypted with AES, which needs the `cryptography` package.",
                        "Install it (`pip install cryptography`) or supply an unencrypted copy.",
                    ) from None
                if not opened:
                    raise _fail(
                        source,
                        path,
                        "is encrypted with a password; its text cannot be read.",
                        "Ask the publisher for an unprotected copy, or save one without the password.",
                    )
            count = len(reader.pages)
    except SourceError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged input; all mean the same here
        raise _fail(
            source,
            path,
            f"is damaged and cannot be opened ({type(exc).__name__}: {str(exc)[:120]}).",
            "Download or copy the file again, or open and re-save it in a PDF program.",
        ) from None
    if count == 0:
        raise _fail(source, path, "has no pages.", "Check that this is the right file.")
    if count > MAX_PAGES:
        raise _fail(source, path, f"has {count} pages; the limit is {MAX_PAGES}.", "Split the document.")
    return reader


def _is_bold(font: Any) -> bool:
    try:
        name = str(font.get("/BaseFont", "")).lower() if font is not None else ""
        if any(mark in name for mark in _BOLD_NAMES):
            return True
        descriptor = font.get("/FontDescriptor") if font is not None else None
        if descriptor is not None:
            descriptor = descriptor.get_object()
            weight = descriptor.get("/FontWeight")
            if weight is not None and float(weight) >= 600:
                return True
            return bool(int(descriptor.get("/Flags", 0)) & (1 << 18))
    except Exception:  # a broken font dictionary only loses the cue
        return False
    return False


def _clean_text(text: str) -> str:
    text = "".join(unicodedata.normalize("NFKC", ch) if "\ufb00" <= ch <= "\ufb06" else ch for ch in text)
    text = re.sub(r"[\uf0b7\uf0a7\uf076\uf0d8\u2022\u25aa\u25cf]", "•", text)
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)


def _page_lines(page: Any, number: int) -> list[Line]:
    """Lines of one page in content order, each with position, font size and boldness."""
    lines: list[Line] = []
    parts: list[str] = []
    state: dict[str, Any] = {"y": None, "x": None, "sizes": Counter(), "bold": 0, "chars": 0}

    def close() -> None:
        text = "".join(parts)
        parts.clear()
        if text.strip():
            sizes: Counter[float] = state["sizes"]
            size = sizes.most_common(1)[0][0] if sizes else 0.0
            lines.append(
                Line(
                    text,
                    number,
                    state["y"],
                    state["x"],
                    size,
                    state["chars"] > 0 and state["bold"] >= 0.6 * state["chars"],
                )
            )
        state.update(y=None, x=None, sizes=Counter(), bold=0, chars=0)

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text:
            return
        x: float | None
        y: float | None
        try:
            _, _, c, d, e, f = (float(v) for v in tm)
            ca, cb, cc, cd, ce, cf = (float(v) for v in cm)
            x, y = e * ca + f * cc + ce, e * cb + f * cd + cf
            scale = math.hypot(c * ca + d * cc, c * cb + d * cd) or 1.0
            effective = round(float(size) * scale, 1)
        except (TypeError, ValueError):  # a damaged matrix: the text is kept, its position is not
            x = y = None
            effective = 0.0
        if not (
            x is not None and y is not None and math.isfinite(x) and math.isfinite(y)
        ) or not math.isfinite(effective):
            x = y = None
            effective = 0.0 if not math.isfinite(effective) else effective
        bold = _is_bold(font)
        pieces = _clean_text(text).split("\n")
        for i, piece in enumerate(pieces):
            visible = len(piece.strip())
            if visible:
                if state["y"] is None:
                    state["y"], state["x"] = (y, x) if i == 0 else (None, None)
                state["sizes"][effective] += visible
                state["chars"] += visible
                state["bold"] += visible if bold else 0
            parts.append(piece)
            if i < len(pieces) - 1:
                close()

    page.extract_text(visitor_text=visit)
    close()
    return _merge_fragments(lines)


def _merge_fragments(fragments: list[Line]) -> list[Line]:
    """Pieces drawn one after another on the same baseline are one line ("4.2 Titel ....... 12")."""
    lines: list[Line] = []
    for frag in fragments:
        last = lines[-1] if lines else None
        if (
            last is not None
            and last.y is not None
            and frag.y is not None
            and last.x is not None
            and frag.x is not None
            and abs(last.y - frag.y) < 0.3 * max(last.size, frag.size, 1.0)
            and frag.x > last.x
        ):
            size = max(last.size, 1.0)
            gap = frag.x - (last.x + len(last.text) * 0.45 * size)  # about 0.45 em per character
            glue = (
                " "
                if gap > 0.1 * size and not last.text.endswith(" ") and not frag.text.startswith(" ")
                else ""
            )
            main = last if len(last.text.strip()) >= len(frag.text.strip()) else frag
            lines[-1] = Line(
                last.text + glue + frag.text, last.page, last.y, last.x, main.size, last.bold and frag.bold
            )
            continue
        lines.append(frag)
    return lines


def extract(data: bytes, path: Path, source: Source) -> PdfText:
    """The text layer of every page; refuse a PDF that has none."""
    reader = _open(data, path, source)
    started = time.monotonic()
    pages: list[list[Line]] = []
    boxes: dict[int, tuple[float, float]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for number, page in enumerate(reader.pages, start=1):
            try:
                box = page.mediabox
                if float(box.top) - float(box.bottom) > 0:
                    boxes[number] = (float(box.bottom), float(box.top))
            except Exception:  # a page without a usable media box: furniture is found by order instead
                pass
            try:
                pages.append(_page_lines(page, number))
            except RecursionError:
                raise _fail(source, path, f"page {number} is nested too deeply to read.") from None
            except Exception as exc:  # damaged content streams: same reasoning as in _open
                raise _fail(
                    source,
                    path,
                    f"page {number} cannot be read ({type(exc).__name__}: {str(exc)[:120]}).",
                    "Open and re-save the file in a PDF program, or supply another copy.",
                ) from None
            if time.monotonic() - started > TIME_LIMIT:
                raise _fail(
                    source,
                    path,
                    f"took more than {TIME_LIMIT:.0f} s to read (at page {number}).",
                    "The file may be damaged; open and re-save it in a PDF program.",
                )
        try:
            labels = {i + 1: str(label) for i, label in enumerate(reader.page_labels)}
        except Exception:  # page labels are optional and often malformed
            labels = {}
    with_text = sum(1 for lines in pages if sum(len(ln.text.strip()) for ln in lines) >= 40)
    total = sum(len(ln.text.strip()) for lines in pages for ln in lines)
    if total == 0 or with_text < max(1, len(pages) // 2):
        raise _fail(
            source,
            path,
            f"has no text layer on {len(pages) - with_text} of {len(pages)} pages: it looks scanned.",
            "Run OCR on it first (for example `ocrmypdf in.pdf out.pdf`) and add the OCR'd file.",
        )
    if labels and all(label == str(i) for i, label in labels.items()):
        labels = {}
    return PdfText(pages, boxes, labels)


# --- page furniture and the table of contents ----------------------------------------------


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
    return sorted(
        i for i in ends if (lines[i].y or 0.0) >= top - margin or (lines[i].y or 0.0) <= bottom + margin
    )


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", clean_line(text).lower())


def remove_furniture(text: PdfText) -> None:
    """Drop running headers, footers and page numbers; learn printed page numbers on the way."""
    pages = text.pages
    bands = [_band(lines, text.boxes.get(number)) for number, lines in enumerate(pages, start=1)]
    counts: Counter[str] = Counter()
    for lines, band in zip(pages, bands, strict=True):
        counts.update({_furniture_key(lines[i].text) for i in band})
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
            elif _furniture_key(line) in repeated:
                drop.add(i)
                text.removed["running header or footer"] += 1
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
        is_toc = (
            (titled and len(found) >= 2)
            or (dotted >= 3 and share >= 0.5)
            or (previous_was_toc and share >= 0.6)
        )
        if is_toc:
            for title, _page in found:
                m = NUMBERED.match(title) or NAMED.match(title)
                if m:
                    entries[_heading_key(title)] = title
            text.removed["table of contents page"] += 1
            text.pages[number - 1] = []
        previous_was_toc = is_toc
    return entries


def _heading_key(title: str) -> str:
    return re.sub(r"[^\w]+", " ", title.lower()).strip()[:60]


# --- paragraphs and headings ---------------------------------------------------------------


def _layout(pages: list[list[Line]]) -> _Layout:
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
        len(clean_line(ln.text))
        for lines in pages
        for ln in lines
        if abs(ln.size - body_size) < 0.5 and not ln.bold
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
    return _Layout(body_size, has_cues, full_line, leading)


def _styled_heading(line: Line, layout: _Layout) -> bool:
    text = clean_line(line.text)
    if not text or len(text) > 200 or not layout.has_cues:
        return False
    return line.size >= layout.body_size + 0.9 or (line.bold and not text.endswith((".", ",")))


def _paragraphs(pages: list[list[Line]], layout: _Layout) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    for lines in pages:
        current: _Paragraph | None = None
        previous: Line | None = None
        for line in lines:
            heading = _styled_heading(line, layout)
            new = current is None or heading != current.heading
            if not new and previous is not None:
                if previous.y is not None and line.y is not None and layout.leading:
                    gap = previous.y - line.y
                    limit = 1.45 * (max(previous.size, line.size) * 1.45 if heading else layout.leading)
                    new = gap > limit or gap < -layout.leading
                if not heading and _LIST_START.match(clean_line(line.text)):
                    new = True
                if heading and (NUMBERED.match(clean_line(line.text)) or NAMED.match(clean_line(line.text))):
                    new = True
                if heading and abs(line.size - previous.size) > 0.5:
                    new = True
            if new:
                current = _Paragraph([line], heading)
                paragraphs.append(current)
            else:
                assert current is not None
                current.lines.append(line)
            previous = line
    return _join_across_pages(paragraphs, layout)


def _join_across_pages(paragraphs: list[_Paragraph], layout: _Layout) -> list[_Paragraph]:
    """A paragraph cut by a page break goes on at the top of the next page."""
    out: list[_Paragraph] = []
    for paragraph in paragraphs:
        if out and not paragraph.heading and not out[-1].heading and paragraph.page == out[-1].page_end + 1:
            last = clean_line(out[-1].lines[-1].text)
            first = clean_line(paragraph.lines[0].text)
            unfinished = not _SENTENCE_END.search(last) or len(last) >= 0.85 * layout.full_line
            if unfinished and not _LIST_START.match(first) and not NUMBERED.match(first):
                out[-1].lines.extend(paragraph.lines)
                continue
        out.append(paragraph)
    return out


def _vocabulary(pages: list[list[Line]]) -> Vocabulary:
    return Vocabulary.of(ln.text for lines in pages for ln in lines)


def _join(lines: list[Line], vocabulary: Vocabulary) -> str:
    """A paragraph's lines as one line; typeset text: break hyphens are decided with the vocabulary."""
    return join_lines(
        [ln.text for ln in lines], vocabulary=vocabulary, hyphen_joins="letters-and-digits", space_before_break=False
    )


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
class _Heading:
    text: str
    size: float
    page: int
    number: str = ""  # "4.2" for numbered headings
    named: bool = False


def _unstyled_heading(first: str, layout: _Layout, toc: dict[str, str], previous: str | None) -> bool:
    """A heading line in the same font as the text: confirmed by the contents, or by its numbering."""
    number = heading_number(first)
    if number is None and not NAMED.match(first):
        return False
    if _heading_key(first) in toc:
        return True
    if (
        layout.has_cues
        or len(first) > 100
        or _SENTENCE_END.search(first)
        or len(first) >= 0.8 * layout.full_line
    ):
        return False
    return number is None or _plausible_next(number, previous)


def _classify(
    paragraphs: list[_Paragraph], layout: _Layout, toc: dict[str, str], vocabulary: Vocabulary
) -> list[_Heading | _Paragraph]:
    """Decide which paragraphs are headings; split a heading glued to its first paragraph."""
    items: list[_Heading | _Paragraph] = []
    previous: str | None = None
    for paragraph in paragraphs:
        if paragraph.heading and len(paragraph.lines) <= 4:
            text = _join(paragraph.lines, vocabulary)
            number = heading_number(text)
            previous = number or previous
            items.append(
                _Heading(
                    text,
                    max(ln.size for ln in paragraph.lines),
                    paragraph.page,
                    number or "",
                    bool(NAMED.match(text)),
                )
            )
            continue
        first = clean_line(paragraph.lines[0].text)
        if _unstyled_heading(first, layout, toc, previous):
            number = heading_number(first)
            previous = number or previous
            items.append(
                _Heading(
                    first, paragraph.lines[0].size, paragraph.page, number or "", bool(NAMED.match(first))
                )
            )
            if len(paragraph.lines) > 1:
                items.append(_Paragraph(paragraph.lines[1:]))
            continue
        items.append(paragraph)
    return items


def _levels(items: list[_Heading | _Paragraph]) -> dict[int, int]:
    """Heading level per item: numbered by depth, named 1, others by size against the numbered ones."""
    headings = [h for h in items if isinstance(h, _Heading)]
    numbered_top = [h.size for h in headings if h.number and "." not in h.number]
    top_size = min(numbered_top) if numbered_top else (max((h.size for h in headings), default=0.0))
    levels = {}
    for i, item in enumerate(items):
        if not isinstance(item, _Heading):
            continue
        if item.number:
            levels[i] = item.number.count(".") + 1
        elif item.named:
            levels[i] = 1
        else:
            levels[i] = 1 if item.size >= top_size - 0.5 else 6
    return levels


def read_pdf(source: Source, path: Path) -> ReadDocument:
    data = read_bytes(path, source)
    text = extract(data, path, source)
    remove_furniture(text)
    toc = remove_contents(text)

    layout = _layout(text.pages)
    vocabulary = _vocabulary(text.pages)
    paragraphs = _paragraphs(text.pages, layout)
    items = _classify(paragraphs, layout, toc, vocabulary)
    levels = _levels(items)
    has_numbers = any(isinstance(h, _Heading) and (h.number or h.named) for h in items)

    cover_page = len(text.pages) > 2 and sum(len(ln.text.strip()) for ln in text.pages[0]) < 400
    cover: list[str] = []
    blocks: list[Block] = []
    page_ends: dict[str, int] = {}
    for i, item in enumerate(items):
        if cover_page and item.page == 1:
            cover.append(
                item.text
                if isinstance(item, _Heading)
                else _join(item.lines, vocabulary)
            )
            continue
        if isinstance(item, _Heading):
            level = levels[i] if has_numbers else (2 if levels[i] == 1 else 3)
            blocks.append(Block(item.text, heading_level=level, page=item.page, explicit=True))
            continue
        body = _join(item.lines, vocabulary)
        if not body:
            continue
        if item.page_end != item.page:
            page_ends[str(len(blocks))] = item.page_end
        blocks.append(Block(body, page=item.page, explicit=True))
    if not any(b.heading_level is None for b in blocks):
        raise _fail(
            source,
            path,
            "has text only on its cover page, or only headings.",
            "Check that this is the document itself and not a cover or a form.",
        )

    meta: dict[str, object] = {
        "as_of": source.as_of,
        "pages": len(text.pages),
        "removed": dict(text.removed),
        "cover": cover,
        "page_ends": page_ends,
    }
    if text.page_labels:
        meta["page_labels"] = {str(k): v for k, v in sorted(text.page_labels.items())}
    log.debug(
        "%s: %d blocks from %d pages (%s)", source.doc_id, len(blocks), len(text.pages), dict(text.removed)
    )
    return ReadDocument(
        source.doc_id, source.title, source.lang, "numbered" if has_numbers else "text", blocks, meta
    )
