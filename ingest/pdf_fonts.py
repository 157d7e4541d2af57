"""Fonts whose codes give no usable text: found by the words they make, repaired or refused.

A PDF may embed a font without a usable Unicode map. Its text then extracts as codes read
in the wrong table: "*|UDQ 3HUVVRQ" for "Göran Persson" in a Government bill set with a
TrueType font converted to Type 1 with glyph names "G42", "G124", .... The codes are glyph
indices, and a TrueType font orders its first 258 glyphs in the standard Macintosh order:
glyph 3 is the space, glyphs 3–97 are ASCII from space to "~" (so every ASCII character
is shifted by 29), glyphs 98–225 follow the upper half of Mac Roman ("Ä" at 98, "ä" at
108, "§" at 134). Other generators shift Unicode by another constant.

Each font is judged by the words set in it, over the whole document:

- a word is *malformed* when no writing system makes it: punctuation inside it
  ("*|UDQ"), a lower-case letter followed by a capital ("IlUMRU"), digits run into
  letters ("3HUVVRQ"). This holds in any language;
- a font with at least :data:`MALFORMED_SHARE` malformed words is broken, and so is one
  whose words the lexicon (the corpus's words, :mod:`ingest.lexicon`) hardly knows in a
  document whose other text it knows well. It is repaired when reading its codes in the
  Macintosh glyph order, or shifted by a constant, makes at least :data:`REPAIRED_SHARE`
  of its words known (to the lexicon and the rest of the document), and the repair is
  reported;
- a broken font that no such reading repairs refuses the document, naming the pages it
  is used on, if its words are malformed (a tenth of them will do for a font the lexicon
  does not know; a font set in another language is let through): OCR gives those pages a
  text layer again.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from core.sources import Source
from ingest.lexicon import Lexicon
from ingest.pdf_extract import PdfText, fail
from ingest.pdf_glyphs import Glyph

MALFORMED_SHARE = 0.3  # malformed words a healthy font never has this many of
REPAIRED_SHARE = 0.5  # words known to the lexicon after a repair (names and terms it lacks are many)
UNKNOWN_SHARE = 0.2  # a font whose words are this rarely known, where the rest of the text is known well
MIN_WORDS = 3  # fewer words tell nothing about a font
_SAMPLE = 400  # words a reading is scored on
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_PUNCTUATION = re.compile(r"^[.,;:!?()\[\]\"'«»“”’‘–—-]+|[.,;:!?()\[\]\"'«»“”’‘–—-]+$")
_LETTER = re.compile(r"[^\W\d_]")


def malformed(word: str) -> bool:
    """A word no language writes: punctuation inside, a capital after a small letter, digits in letters."""
    core = _EDGES.sub("", word)
    if len(core) < 2 or not _LETTER.search(core):
        return False
    return bool(
        re.search(r"[^\w\-'’.,/:()%&+]", core)
        or (core.isalpha() and re.search(r"[^\W\d_A-ZÅÄÖÆØÉÜ][A-ZÅÄÖÆØÉÜ]", core))  # not "SkU29", "2023/24:FPM43"
        or re.search(r"\d[^\W\d_]{2,}|[^\W\d_]{2,}\d[^\W\d_]", core)
    )


def _glyph_order(code: int) -> str | None:
    """The character of a glyph index in the standard Macintosh glyph order (TrueType 'post' table)."""
    if 3 <= code <= 97:
        return chr(code + 29)
    if 98 <= code <= 225:
        return bytes([code - 98 + 0x80]).decode("mac_roman")
    return None


def _shifted(shift: int):  # type: ignore[no-untyped-def]
    def read(code: int) -> str | None:
        value = code + shift
        return chr(value) if 32 <= value < 0x2000 else None

    return read


@dataclass
class FontRepair:
    """A font whose text was read again, and how."""

    font: str
    reading: str  # "Macintosh glyph order" or "codes shifted by +3"
    pages: list[int]
    before: str  # an example of the text as it came out
    after: str  # the same text repaired

    def describe(self) -> str:
        pages = ", ".join(str(p) for p in self.pages[:12]) + (" …" if len(self.pages) > 12 else "")
        return (
            f"font {self.font} has no usable Unicode map; its text was read as {self.reading} "
            f"('{self.before}' → '{self.after}'), pages {pages}"
        )


@dataclass
class _Font:
    words: list[list[Glyph]] = field(default_factory=list)
    pages: set[int] = field(default_factory=set)


def _words_by_font(text: PdfText) -> dict[str, _Font]:
    fonts: dict[str, _Font] = defaultdict(_Font)
    for number, glyphs in enumerate(text.glyphs, start=1):
        word: list[Glyph] = []
        for glyph in [*glyphs, None]:
            ends = (
                glyph is None
                or not glyph.text.strip()
                or not glyph.text.isprintable()
                or (word and (glyph.font != word[-1].font or abs(glyph.y - word[-1].y) > 0.5 * glyph.size))
                or (word and glyph.x - word[-1].end > 0.45 * max(glyph.space, 0.05 * glyph.size))
            )
            if ends and word:
                fonts[word[0].font].words.append(word)
                fonts[word[0].font].pages.add(number)
                word = []
            if glyph is not None and glyph.text.strip() and glyph.text.isprintable():
                word.append(glyph)
    return fonts


def _known_share(words: list[str], lexicon: Lexicon) -> float:
    """Share of the words (of two or more characters) that are words the lexicon knows.

    Only ordinary punctuation is taken off a word's ends: a reading that makes control or
    private-use characters must not have them stripped into a word ("sÅ\x9e" is no "så").
    """
    cores = [c for c in (_PUNCTUATION.sub("", w) for w in words) if len(c) >= 2]
    return sum(1 for c in cores if c.isalpha() and lexicon.knows(c)) / len(cores) if cores else 0.0


def repair_fonts(text: PdfText, lexicon: Lexicon, source: Source, path: Path) -> list[FontRepair]:
    """Read broken fonts again where a reading makes words; refuse the document where none does."""
    repairs: list[FontRepair] = []
    refused: dict[str, tuple[set[int], str]] = {}
    fonts = _words_by_font(text)
    texts = {name: ["".join(g.text for g in word) for word in font.words] for name, font in fonts.items()}
    malformed_fonts = {
        name
        for name, words in texts.items()
        if len(words) >= MIN_WORDS and sum(map(malformed, words)) >= MALFORMED_SHARE * len(words)
    }
    shares = {name: _known_share(words, lexicon) for name, words in texts.items() if len(words) >= MIN_WORDS}
    # a font whose words the lexicon hardly knows, where another font's text it knows well (so the
    # document is in the lexicon's language)
    unknown_fonts = {
        name
        for name, share in shares.items()
        if share < UNKNOWN_SHARE and any(s >= REPAIRED_SHARE for other, s in shares.items() if other != name)
    }
    broken = malformed_fonts | unknown_fonts
    # the document's other text counts as known words too (names, terms the corpus lacks)
    lexicon = lexicon.with_words(w for name, words in texts.items() if name not in broken for w in words)
    for name in sorted(broken):
        font, words = fonts[name], texts[name]
        sample = font.words[:: max(1, len(font.words) // _SAMPLE)][:_SAMPLE]
        readings = [("Macintosh glyph order", _glyph_order)] + [
            (f"codes shifted by {k:+d}", _shifted(k)) for k in range(-128, 129) if k
        ]
        baseline = best_share = _known_share(["".join(g.text for g in word) for word in sample], lexicon)
        best = None
        for label, read in readings:
            candidate = ["".join(read(g.code) or g.text for g in word) for word in sample]
            share = _known_share(candidate, lexicon)
            if share > best_share:
                best_share, best = share, (label, read)
        example = min(words, key=lambda w: (not malformed(w), -len(w)))
        if best is None or best_share < REPAIRED_SHARE or best_share < baseline + 0.3:
            # a font the lexicon does not know may be set in another language: it is refused only if
            # some of its words are malformed too, which no language makes
            share = sum(map(malformed, words)) / len(words)
            if name in malformed_fonts or share >= MALFORMED_SHARE / 3:
                refused[name] = (font.pages, example)
            continue
        label, read = best
        for word in font.words:
            for glyph in word:
                glyph.text = read(glyph.code) or glyph.text
        for glyphs in text.glyphs:  # its spaces too: the space is a glyph of the same font
            for glyph in glyphs:
                if glyph.font == name and (not glyph.text.strip() or not glyph.text.isprintable()):
                    glyph.text = read(glyph.code) or glyph.text
        repaired = "".join(read(g.code) or g.text for g in font.words[words.index(example)])
        repairs.append(FontRepair(name, label, sorted(font.pages), example, repaired))
    if refused:
        pages = sorted({p for pages, _ in refused.values() for p in pages})
        examples = ", ".join(f"'{example}'" for _, example in list(refused.values())[:3])
        raise fail(
            source,
            path,
            f"uses a font without a usable Unicode map on page{'s' if len(pages) > 1 else ''} "
            f"{', '.join(map(str, pages))}: its text comes out as {examples}, and no reading of its codes "
            "gives words.",
            "Run OCR on those pages (for example `ocrmypdf --force-ocr in.pdf out.pdf`) and add the OCR'd file.",
        )
    return repairs
