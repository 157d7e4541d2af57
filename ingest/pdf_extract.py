"""The text layer of a PDF, line by line: opening it, refusing what cannot be read, placing the lines.

A PDF that cannot give its text (no text layer, a password, a damaged or truncated file)
is refused with a :class:`SourceError` naming the operator's file, never read as empty.
Every line keeps its page (1-based, as a PDF viewer counts), its position, font size and
whether it is set in bold: the cues the later stages find headings and furniture by.
"""

from __future__ import annotations

import io
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
from ingest.sources import Source

MAX_BYTES = 200 * 1024 * 1024
MAX_PAGES = 3000
TIME_LIMIT = 300.0  # seconds for one document; pypdf is slow on some damaged files
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
    """The text layer of a PDF: lines per page, what was taken away, and the page labels."""

    pages: list[list[Line]]
    boxes: dict[int, tuple[float, float]] = field(default_factory=dict)  # page → (bottom, top) of its media box
    page_labels: dict[int, str] = field(default_factory=dict)
    removed: Counter[str] = field(default_factory=Counter)


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
        if not (x is not None and y is not None and math.isfinite(x) and math.isfinite(y)) or not math.isfinite(
            effective
        ):
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
            glue = " " if gap > 0.1 * size and not last.text.endswith(" ") and not frag.text.startswith(" ") else ""
            main = last if len(last.text.strip()) >= len(frag.text.strip()) else frag
            lines[-1] = Line(
                last.text + glue + frag.text, last.page, last.y, last.x, main.size, last.bold and frag.bold
            )
            continue
        lines.append(frag)
    return lines


def extract(data: bytes, path: Path, source: Source) -> PdfText:
    """The text layer of every page; refuse a PDF that has none."""
    reader = open_pdf(data, path, source)
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
    with_text = sum(1 for lines in pages if sum(len(ln.text.strip()) for ln in lines) >= 40)
    total = sum(len(ln.text.strip()) for lines in pages for ln in lines)
    if total == 0 or with_text < max(1, len(pages) // 2):
        raise fail(
            source,
            path,
            f"has no text layer on {len(pages) - with_text} of {len(pages)} pages: it looks scanned.",
            "Run OCR on it first (for example `ocrmypdf in.pdf out.pdf`) and add the OCR'd file.",
        )
    if labels and all(label == str(i) for i, label in labels.items()):
        labels = {}
    return PdfText(pages, boxes, labels)
