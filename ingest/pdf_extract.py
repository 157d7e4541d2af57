"""The text layer of a PDF, line by line: opening it, refusing what cannot be read, placing the lines.

A PDF that cannot give its text (no text layer, a password, a damaged or truncated file)
is refused with a :class:`SourceError` naming the operator's file, never read as empty.
Every line keeps its page (1-based, as a PDF viewer counts), its position, font size and
whether it is set in bold: the cues the later stages find headings and furniture by.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf._codecs import _symbol_encoding as _SYMBOL  # the Symbol font's code table

from core.errors import SourceError
from core.sources import Source
from ingest.pdf_glyphs import Glyph, page_glyphs

MAX_BYTES = 200 * 1024 * 1024
MAX_PAGES = 3000
TIME_LIMIT = 300.0  # seconds for one document; pypdf is slow on some damaged files
_LETTER_GAP = 0.45  # in spaces: narrower gaps are inside a word
_NARROW = 0.75  # of a line's usual word gap: a narrower gap may be inside a word
SOFT_SPACE = "\u200a"  # a space the PDF drew only by moving the pen: the word mender may remove it


@dataclass
class Line:
    """A line of text as the page draws it; gaps drawn only by moving the pen are :data:`SOFT_SPACE`."""

    text: str
    page: int
    y: float | None = None  # baseline
    x: float | None = None
    size: float = 0.0  # the most common font size in the line
    bold: bool = False
    end: float | None = None  # where the line's last glyph ends


@dataclass
class Paragraph:
    lines: list[Line]
    heading: bool = False

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def page_end(self) -> int:
        return self.lines[-1].page


@dataclass
class PdfText:
    """The text layer of a PDF: glyphs and lines per page, what was taken away, and the page labels."""

    pages: list[list[Line]]  # filled from `glyphs` by :func:`place_lines`
    boxes: dict[int, tuple[float, float]] = field(default_factory=dict)  # page → (bottom, top) of its media box
    page_labels: dict[int, str] = field(default_factory=dict)
    removed: Counter[str] = field(default_factory=Counter)
    glyphs: list[list[Glyph]] = field(default_factory=list)
    empty_pages: list[int] = field(default_factory=list)  # pages that show no text at all (pictures)

    def place_lines(self) -> None:
        """The lines of every page, from its glyphs."""
        self.pages = [page_lines(glyphs, number) for number, glyphs in enumerate(self.glyphs, start=1)]


def fail(source: Source, path: Path, problem: str, hint: str | None = None) -> SourceError:
    return SourceError(f"{source.doc_id}: {path} {problem}", hint=hint)


def open_pdf(data: bytes, path: Path, source: Source) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    if len(data) > MAX_BYTES:
        raise fail(
            source,
            path,
            f"is {len(data) / 1e6:.0f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB.",
            "Split the document or check that this is the right file.",
        )
    if b"%PDF-" not in data[:1024]:
        kind = "an HTML page" if b"<html" in data[:2048].lower() else "something else"
        raise fail(
            source,
            path,
            f"is not a PDF (no %PDF- header; it looks like {kind}).",
            "Download the PDF itself, or set `format` in the manifest to what the file is.",
        )
    if b"%%EOF" not in data.rstrip(b"\x00\r\n\t ")[-2048:]:
        raise fail(
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
                    raise fail(
                        source,
                        path,
                        "is encrypted with AES, which needs the `cryptography` package.",
                        "Install it (`pip install cryptography`) or supply an unencrypted copy.",
                    ) from None
                if not opened:
                    raise fail(
                        source,
                        path,
                        "is encrypted with a password; its text cannot be read.",
                        "Ask the publisher for an unprotected copy, or save one without the password.",
                    )
            count = len(reader.pages)
    except SourceError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged input; all mean the same here
        raise fail(
            source,
            path,
            f"is damaged and cannot be opened ({type(exc).__name__}: {str(exc)[:120]}).",
            "Download or copy the file again, or open and re-save it in a PDF program.",
        ) from None
    if count == 0:
        raise fail(source, path, "has no pages.", "Check that this is the right file.")
    if count > MAX_PAGES:
        raise fail(source, path, f"has {count} pages; the limit is {MAX_PAGES}.", "Split the document.")
    return reader


def _clean_text(text: str) -> str:
    text = "".join(unicodedata.normalize("NFKC", ch) if "\ufb00" <= ch <= "\ufb06" else ch for ch in text)
    text = re.sub(r"[\uf0b7\uf0a7\uf076\uf0d8\u2022\u25aa\u25cf]", "•", text)  # Symbol/Wingdings bullets
    # the rest of the Symbol font as Word writes it: in the private use area at U+F000 + its code
    text = re.sub(r"[\uf020-\uf0ff]", lambda m: _SYMBOL[ord(m.group(0)) - 0xF000] or m.group(0), text)
    text = text.replace(SOFT_SPACE, " ")  # the mark is ours: a hair space in the text is a space
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)


def _separator(gap: float, size: float, space: float, word_gap: float | None = None) -> str:
    """What stands between two glyphs that are not spaces, from the distance between them.

    Glyphs closer than about half a space are letters of one word, however a word
    processor spaced them to justify the line. A wider gap without a space glyph is a
    space the PDF draws by moving the pen. Where the line's words are all spaced so
    (``word_gap``, the line's usual such gap, is given), a gap as wide as the others is a
    word space, and a clearly narrower one a soft space: a gap a word processor opened
    inside a word, or a word space, which the word mender decides from the words on
    either side (:mod:`ingest.pdf_words`). A gap over twice a space and 0.4 em is never
    inside a word: a plain space.
    """
    space = space if space > 0.05 * size else 0.25 * size  # a font that gives no space width
    if gap < _LETTER_GAP * space:
        return ""
    if gap > 2 * space and gap > 0.4 * size:
        return " "
    if word_gap is not None and gap >= _NARROW * word_gap:
        return " "  # a justified line stretches its word spaces alike
    return SOFT_SPACE


def _fragment(glyphs: list[Glyph], number: int) -> Line | None:
    chars = [_clean_text(g.text) for g in glyphs]
    blank = [not c.strip() for c in chars]
    if all(blank):
        return None
    gaps: list[float] = []  # the gaps drawn by moving the pen, where the line draws no space glyph
    for i in range(1, len(glyphs)):
        if not blank[i] and not blank[i - 1]:
            previous, glyph = glyphs[i - 1], glyphs[i]
            space = max(previous.space, glyph.space, 0.05 * glyph.size)
            gaps.append(glyph.x - previous.end if glyph.x - previous.end >= _LETTER_GAP * space else 0.0)
    word_gaps = sorted(g for g in gaps if g > 0)
    word_gap = word_gaps[len(word_gaps) // 2] if len(word_gaps) >= 3 and not any(blank) else None
    text = ""
    sizes: Counter[float] = Counter()
    bold = 0
    for i, (glyph, char) in enumerate(zip(glyphs, chars, strict=True)):
        if i and not blank[i] and not blank[i - 1]:
            previous = glyphs[i - 1]
            gap = glyph.x - previous.end
            text += _separator(gap, max(glyph.size, 1.0), max(previous.space, glyph.space), word_gap)
        text += char
        if not blank[i]:
            sizes[glyph.size] += 1
            bold += glyph.bold
    visible = len(blank) - sum(blank)
    first = glyphs[blank.index(False)]
    return Line(text, number, first.y, first.x, sizes.most_common(1)[0][0], bold >= 0.6 * visible, glyphs[-1].end)


def page_lines(glyphs: list[Glyph], number: int) -> list[Line]:
    """Lines of one page in content order, each with position, font size and boldness.

    A new line starts where the baseline moves by more than half the font size, or where
    the pen jumps back along the line; pieces drawn one after another on one baseline
    are joined again afterwards (:func:`_merge_fragments`).
    """
    fragments: list[Line] = []
    current: list[Glyph] = []
    for glyph in glyphs:
        if current:
            last = current[-1]
            size = max(glyph.size, last.size, 1.0)
            if abs(glyph.y - last.y) > 0.5 * size or glyph.x < last.end - 0.5 * size:
                line = _fragment(current, number)
                if line is not None:
                    fragments.append(line)
                current = []
        current.append(glyph)
    line = _fragment(current, number) if current else None
    if line is not None:
        fragments.append(line)
    return _merge_fragments(fragments)


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
            size = max(last.size, frag.size, 1.0)
            end = last.end if last.end is not None else last.x + len(last.text) * 0.45 * size
            glue = "" if last.text.endswith(" ") or frag.text.startswith(" ") else _separator(frag.x - end, size, 0.0)
            main = last if len(last.text.strip()) >= len(frag.text.strip()) else frag
            lines[-1] = Line(
                last.text + glue + frag.text, last.page, last.y, last.x, main.size, last.bold and frag.bold, frag.end
            )
            continue
        lines.append(frag)
    return lines


def extract(data: bytes, path: Path, source: Source) -> PdfText:
    """The text layer of every page; refuse a PDF that has none."""
    reader = open_pdf(data, path, source)
    started = time.monotonic()
    glyphs: list[list[Glyph]] = []
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
                glyphs.append(page_glyphs(page))
            except RecursionError:
                raise fail(source, path, f"page {number} is nested too deeply to read.") from None
            except Exception as exc:  # damaged content streams: same reasoning as in _open
                raise fail(
                    source,
                    path,
                    f"page {number} cannot be read ({type(exc).__name__}: {str(exc)[:120]}).",
                    "Open and re-save the file in a PDF program, or supply another copy.",
                ) from None
            if time.monotonic() - started > TIME_LIMIT:
                raise fail(
                    source,
                    path,
                    f"took more than {TIME_LIMIT:.0f} s to read (at page {number}).",
                    "The file may be damaged; open and re-save it in a PDF program.",
                )
        try:
            labels = {i + 1: str(label) for i, label in enumerate(reader.page_labels)}
        except Exception:  # page labels are optional and often malformed
            labels = {}
    shown = [sum(1 for g in page if not g.is_space) for page in glyphs]
    with_text = sum(1 for n in shown if n >= 40)
    if sum(shown) == 0 or with_text < max(1, len(glyphs) // 2):
        raise fail(
            source,
            path,
            f"has no text layer on {len(glyphs) - with_text} of {len(glyphs)} pages: it looks scanned.",
            "Run OCR on it first (for example `ocrmypdf in.pdf out.pdf`) and add the OCR'd file.",
        )
    if labels and all(label == str(i) for i, label in labels.items()):
        labels = {}
    empty = [number for number, n in enumerate(shown, start=1) if n == 0]
    return PdfText([], boxes, labels, glyphs=glyphs, empty_pages=empty)
