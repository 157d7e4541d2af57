"""Segment a report or guideline with numbered sections: one clause per section.

Clause ids follow the README's table
("Where the texts come from"): ``s:4.2`` for section 4.2, ``bilaga-2`` for "Bilaga 2",
``riktlinje-3`` for "Riktlinje 3", and a numbered heading inside an appendix is
``bilaga-2:1``. A section longer than :data:`MAX_CHARS` is cut between paragraphs;
its first part keeps the plain id and the others are ``s:4.2-2``, ``s:4.2-3``.
Sections under an unnumbered heading ("Sammanfattning", "Förord") are named by the
heading's slug, and text before the first heading by the slug of the title.

Labels are in the document's language: "avsnitt 4.2" / "section 4.2"; each clause
keeps the page its text starts and ends on, so an answer can cite "avsnitt 4.2, s. 12".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from core.records import Block, Clause, ReadDocument
from ingest.normalize import slugify
from ingest.pdf_headings import NAMED, heading_number
from ingest.units import REPORT_LISTS, number_units

MAX_CHARS = 1800
T = TypeVar("T")
_WORDS = {
    "sv": {
        "section": "avsnitt",
        "bilaga": "Bilaga",
        "appendix": "Bilaga",
        "annex": "Bilaga",
        "riktlinje": "Riktlinje",
        "guideline": "Riktlinje",
        "paragraph": "st.",
    },
    "en": {
        "section": "section",
        "bilaga": "Appendix",
        "appendix": "Appendix",
        "annex": "Annex",
        "riktlinje": "Guideline",
        "guideline": "Guideline",
        "paragraph": "para.",
    },
}


@dataclass
class _Section:
    locator: str
    label: str
    runs: list[tuple[tuple[str, ...], list[Block]]] = field(default_factory=list)  # heading path, paragraphs


_SUB = 9  # level of an unnumbered sub-heading: inside its section, only in the heading path
_GUIDELINE = 8  # "Riktlinje 3" stands under the numbered section it appears in


class _Segmenter:
    def __init__(self, doc: ReadDocument) -> None:
        self.doc = doc
        self.words = _WORDS.get(doc.lang, _WORDS["sv"])
        opening = "inledande text" if doc.lang == "sv" else "opening text"
        self.current = _Section(slugify(doc.title), opening)
        self.sections = [self.current]
        self.path: list[tuple[int, str]] = []  # (level, heading) of the headings the text stands under
        self.appendix: tuple[str, str] | None = None  # (locator, label) of the appendix we are in

    def _open(self, locator: str, label: str) -> None:
        self.current = _Section(locator, label)
        self.sections.append(self.current)

    def _under(self, level: int, text: str) -> None:
        self.path = [(lv, h) for lv, h in self.path if lv < level] + [(level, text)]

    def heading(self, block: Block) -> None:
        text = block.text
        number = heading_number(text)
        named = NAMED.match(text)
        if named and (block.heading_level or 1) <= 1:
            kind, num = named.group("kind").lower(), named.group("num")
            if kind in ("riktlinje", "guideline"):
                self._under(_GUIDELINE, text)
                self._open(f"riktlinje-{num.lower()}", f"{self.words[kind]} {num}")
                return
            self.path = [(1, text)]
            self.appendix = (f"bilaga-{num.lower()}", f"{self.words[kind]} {num}")
            self._open(*self.appendix)
        elif number is not None:
            depth = number.count(".") + 1
            if self.appendix:
                self._under(depth + 1, text)
                self._open(
                    f"{self.appendix[0]}:{number}", f"{self.appendix[1]} {self.words['section']} {number}"
                )
            else:
                self._under(depth, text)
                self._open(f"s:{number}", f"{self.words['section']} {number}")
        elif (block.heading_level or 1) <= 1:
            self.appendix = None
            self.path = [(1, text)]
            self._open(slugify(text), text)
        else:
            self._under(_SUB, text)

    def run(self) -> list[_Section]:
        for block in self.doc.blocks:
            if block.heading_level is not None:
                self.heading(block)
            elif block.text.strip():
                path = tuple(h for _, h in self.path)
                if not self.current.runs or self.current.runs[-1][0] != path:
                    self.current.runs.append((path, []))
                self.current.runs[-1][1].append(block)
        return [s for s in self.sections if s.runs]


def split_long(blocks: list[T], text: Callable[[T], str], *, keep_list_items: bool) -> list[list[T]]:
    """Cut a long run between paragraphs into parts of at most MAX_CHARS (a longer paragraph
    stays whole); with ``keep_list_items``, a list item is never the first of a part."""
    parts: list[list[T]] = [[]]
    size = 0
    for block in blocks:
        length = len(text(block))
        if parts[-1] and size + length > MAX_CHARS and not (keep_list_items and REPORT_LISTS.item.match(text(block))):
            parts.append([])
            size = 0
        parts[-1].append(block)
        size += length + 1
    return parts


def _kind(locator: str) -> str:
    if locator.startswith("bilaga"):
        return "appendix"
    return "section" if locator.startswith(("s:", "riktlinje")) else "paragraph"


def segment_numbered(doc: ReadDocument, today: dt.date) -> tuple[list[Clause], dict[str, object]]:
    """Clauses of a document with numbered sections, and a report for the build."""
    del today  # a report's sections carry no dates that decide what is in force
    page_ends = doc.meta.get("page_ends") or {}
    end_of = (
        {id(b): page_ends.get(str(i)) for i, b in enumerate(doc.blocks)}
        if isinstance(page_ends, dict)
        else {}
    )
    clauses: list[Clause] = []
    parts_of: dict[str, int] = {}
    duplicates: list[str] = []
    for section in _Segmenter(doc).run():
        if section.locator in parts_of:
            duplicates.append(section.label)
        for path, blocks in section.runs:
            for part in split_long(blocks, lambda b: b.text, keep_list_items=True):
                n = parts_of[section.locator] = parts_of.get(section.locator, 0) + 1
                locator = section.locator if n == 1 else f"{section.locator}-{n}"
                text, units = number_units([b.text for b in part], REPORT_LISTS)
                pages = [b.page for b in part if b.page is not None]
                ends = [e for b in part if isinstance(e := end_of.get(id(b)), int)]
                clauses.append(
                    Clause(
                        clause_id=f"{doc.doc_id}#{locator}",
                        doc_id=doc.doc_id,
                        locator=locator,
                        label=section.label,
                        heading_path=path,
                        text=text,
                        lang=doc.lang,
                        ordinal=len(clauses),
                        kind=_kind(locator),
                        page=min(pages) if pages else None,
                        page_end=max(pages + ends) if pages else None,
                        units=units,
                    )
                )
    report: dict[str, object] = {"sections": len(parts_of)}
    if duplicates:
        report["duplicate_headings"] = duplicates
    return clauses, report
