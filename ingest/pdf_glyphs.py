"""Positioned glyphs of a PDF page, read through pypdf's operator visitor.

pypdf's own text extraction decides where a word space goes by comparing where a run
of text starts with where it estimates the previous one ended. The estimate leaves
out the word spacing (``Tw``) and the small moves a word processor makes to justify
a line, so words come out split ("vilk a", "verk samhet") or glued. Here every glyph
is placed where the PDF draws it: the text and graphics matrices pypdf reports for
each operator, the font size, character and word spacing, horizontal scaling, the
offsets inside ``TJ`` arrays and the widths in the font. A glyph keeps its code and
font too, so that a font without a usable Unicode map can be repaired afterwards
(:mod:`ingest.pdf_fonts`).

This module uses ``pypdf.generic._font.Font`` to decode codes and read glyph widths;
it is not pypdf's public API, which is why pyproject.toml bounds pypdf's version.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from pypdf.generic import ArrayObject, DictionaryObject, NameObject
from pypdf.generic._font import Font

_BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demi", "fet")  # "Fet": Swedish font names
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(slots=True)
class Glyph:
    """One shown character (or ligature) where the page draws it, in user space."""

    text: str
    code: int  # the code in its font: what a broken encoding is repaired from
    font: str  # key of the font, the same for every page that uses it
    x: float
    y: float  # baseline, with the text rise
    end: float  # x where the next glyph would start without any offset
    size: float  # effective font size (the height of an em in user space)
    bold: bool
    space: float  # width of a space in this font at this size, in user space

    @property
    def is_space(self) -> bool:
        return self.text.isspace()


@dataclass
class _FontInfo:
    key: str
    font: Font
    bold: bool
    two_byte: bool

    def codes(self, raw: bytes) -> list[tuple[int, str, str]]:
        """(code, key in the width table, Unicode text) for each code in a shown string."""
        font = self.font
        out = []
        if self.two_byte:
            for i in range(0, len(raw) - 1, 2):
                code = raw[i] << 8 | raw[i + 1]
                try:
                    char = raw[i : i + 2].decode(str(font.encoding), "surrogatepass")
                except (UnicodeDecodeError, LookupError):
                    char = chr(code)
                out.append((code, char, str(font.character_map.get(char, char))))
            return out
        encoding = font.encoding if isinstance(font.encoding, dict) else {}
        for code in raw:
            decoded = encoding.get(code, chr(code))
            out.append((code, chr(code), "".join(str(font.character_map.get(c, c)) for c in decoded)))
        return out

    def width(self, char: str) -> float:
        widths = self.font.character_widths
        return float(widths.get(char, widths.get("default", 500)))


def _is_bold(name: str, descriptor: Any) -> bool:
    if any(mark in name.lower() for mark in _BOLD_NAMES):
        return True
    try:
        if descriptor is not None:
            descriptor = descriptor.get_object()
            weight = descriptor.get("/FontWeight")
            if weight is not None and float(weight) >= 600:
                return True
            return bool(int(descriptor.get("/Flags", 0)) & (1 << 18))  # the ForceBold flag
    except Exception:  # a broken font descriptor only loses the cue
        return False
    return False


def _font_info(cache: dict[int, _FontInfo | None], name: str, resource: Any) -> _FontInfo | None:
    try:
        obj = resource.get_object()
    except Exception:  # a dangling reference: the text in it cannot be placed
        return None
    if id(obj) in cache:
        return cache[id(obj)]
    info: _FontInfo | None
    try:
        font = Font.from_font_resource(obj)
        base = str(obj.get("/BaseFont", name)).lstrip("/")
        info = _FontInfo(
            base,  # the same font program wherever the document uses it
            font,
            _is_bold(base, obj.get("/FontDescriptor")),
            not isinstance(font.encoding, dict),
        )
    except Exception:  # pypdf raises many types on damaged fonts; the text in them is lost
        info = None
    cache[id(obj)] = info
    return info


def _mult(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    a, b, c, d, e, f = m
    g, h, i, j, k, l_ = n
    return (a * g + b * i, a * h + b * j, c * g + d * i, c * h + d * j, e * g + f * i + k, e * h + f * j + l_)


@dataclass
class _State:
    font: _FontInfo | None = None
    size: float = 0.0
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    scale: float = 1.0
    leading: float = 0.0
    rise: float = 0.0


@dataclass
class _Walker:
    """Receives pypdf's operator callbacks for one page and places every glyph it shows."""

    resources: list[Any]
    glyphs: list[Glyph] = field(default_factory=list)
    fonts: dict[int, _FontInfo | None] = field(default_factory=dict)
    state: _State = field(default_factory=_State)
    saved: list[_State] = field(default_factory=list)
    outer: list[tuple[float, ...]] = field(default_factory=lambda: [_IDENTITY])  # form matrices
    forms: list[bool] = field(default_factory=list)  # per Do being drawn: did it enter a form?
    pen: float = 0.0  # advance along the current line since the last positioning operator

    def before(self, op: bytes, args: list[Any], cm: list[float], tm: list[float]) -> None:
        state = self.state
        try:
            if op == b"q":
                self.saved.append(_State(**vars(state)))
            elif op == b"Q" and self.saved:
                self.state = self.saved.pop()
            elif op in (b"BT", b"Td", b"TD", b"Tm", b"T*"):
                self.pen = 0.0
            elif op == b"Tf" and len(args) >= 2:
                fonts = self._resource("/Font")
                state.font = _font_info(self.fonts, str(args[0]), fonts.get(args[0])) if fonts else None
                state.size = float(args[1])
            elif op == b"Tc" and args:
                state.char_spacing = float(args[0])
            elif op == b"Tw" and args:
                state.word_spacing = float(args[0])
            elif op == b"Tz" and args:
                state.scale = float(args[0]) / 100.0
            elif op == b"TL" and args:
                state.leading = float(args[0])
            elif op == b"Ts" and args:
                state.rise = float(args[0])
            elif op == b'"' and len(args) >= 3:
                state.word_spacing, state.char_spacing = float(args[0]), float(args[1])
            elif op == b"Do":
                self.forms.append(self._enter_form(args[0], cm) if args else False)
        except (TypeError, ValueError):  # a malformed operand: the operator is skipped, as by a viewer
            if op == b"Do":
                self.forms.append(False)

    def after(self, op: bytes, args: list[Any], cm: list[float], tm: list[float]) -> None:
        try:
            if op == b"Tj" and args:
                self._show([args[0]], cm, tm)
            elif op == b"TJ" and args and isinstance(args[0], ArrayObject):
                self._show(list(args[0]), cm, tm)
            elif op in (b"'", b'"') and args:
                self.pen = 0.0
                self._show([args[-1]], cm, tm)
            elif op == b"Do" and self.forms and self.forms.pop():
                self.outer.pop()
                self.resources.pop()
                self.state = self.saved.pop() if self.saved else self.state  # a form is drawn inside q … Q
        except (TypeError, ValueError, ArithmeticError):
            pass

    def _resource(self, kind: str) -> Any:
        try:
            found = self.resources[-1].get(kind)
            return found.get_object() if found is not None else None
        except Exception:  # malformed resources: nothing to find
            return None

    def _enter_form(self, name: Any, cm: list[float]) -> bool:
        """Follow pypdf into a form XObject: its own resources and matrix. False for an image."""
        xobjects = self._resource("/XObject")
        form = xobjects.get(name).get_object() if xobjects and xobjects.get(name) is not None else None
        if form is None or form.get("/Subtype") != NameObject("/Form"):
            return False
        self.saved.append(_State(**vars(self.state)))
        matrix = tuple(float(v) for v in form.get("/Matrix", _IDENTITY))
        # pypdf reads a form with a fresh graphics state: positions inside it are relative to it
        self.outer.append(_mult(_mult(matrix, tuple(float(v) for v in cm)), self.outer[-1]))
        resources = form.get("/Resources")
        self.resources.append(resources.get_object() if resources is not None else self.resources[-1])
        return True

    def _show(self, items: list[Any], cm: list[float], tm: list[float]) -> None:
        state = self.state
        info = state.font
        if info is None or not state.size:
            return
        trm = _mult(_mult(tuple(float(v) for v in tm), tuple(float(v) for v in cm)), self.outer[-1])
        a, b, c, d, e, f = trm
        if abs(b) > 1e-6 * max(abs(a), 1.0) or a <= 0:  # rotated or mirrored: margin notes, not body text
            return
        height = math.hypot(c, d) or 1.0
        size = round(state.size * height, 1)
        space = (info.width(info.font.space_char) or info.width("default") / 2) / 1000 * state.size
        for item in items:
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                self.pen -= float(item) / 1000 * state.size * state.scale
                continue
            raw = getattr(item, "original_bytes", None)
            if raw is None:
                raw = bytes(item) if isinstance(item, bytes) else str(item).encode("latin-1", "replace")
            for code, char, text in info.codes(raw):
                advance = info.width(char) / 1000 * state.size + state.char_spacing
                if code == 32 and not info.two_byte:
                    advance += state.word_spacing
                advance *= state.scale
                x = a * self.pen + e
                y = d * state.rise + f
                if math.isfinite(x) and math.isfinite(y):
                    self.glyphs.append(
                        Glyph(text, code, info.key, x, y, x + a * advance, size, info.bold, a * space * state.scale)
                    )
                self.pen += advance


def page_glyphs(page: Any) -> list[Glyph]:
    """Every glyph the page shows, in the order its content stream draws them."""
    try:
        resources = page.get_inherited("/Resources", None)
    except Exception:  # malformed page tree: the page's own resources only
        resources = page.get("/Resources")
    walker = _Walker([resources.get_object() if resources is not None else DictionaryObject()])
    page.extract_text(visitor_operand_before=walker.before, visitor_operand_after=walker.after)
    return walker.glyphs
