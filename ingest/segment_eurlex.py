"""Segment an EU act as EUR-Lex publishes it: preamble, recitals, points, annexes.

Clause ids follow the README (the clause-id table): ``recital:12``, ``point:5``, ``point:5b`` (a lettered
sub-point is a clause of its own), ``preamble`` for the citations before the recitals,
``annex`` / ``annex-ii`` for annexes (a long one cut between paragraphs: ``annex-2``).
A point's sub-sub-points ("(i)", "(ii)") stay inside their sub-point as punkter.

Labels are in the act's language: "skäl 12", "punkt 5", "punkt 5 b", "bilaga II" in
Swedish; "recital 12", "point 5", "point 5(b)", "Annex II" in English. The Swedish and
English versions number alike, so parallel versions match clause by clause.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from core.records import Clause, ReadDocument
from ingest.segment_numbered import split_long
from ingest.units import REPORT_LISTS, number_units

_RECITAL = re.compile(r"^\((\d{1,3})\)\s+(.*)$", re.S)
_POINT = re.compile(r"^(\d{1,3})\.\s+(.*)$", re.S)
_SUBPOINT = re.compile(r"^\(?([a-z])\)\s+(.*)$", re.S)
_ROMAN = re.compile(r"^\(?([ivx]{1,5})\)\s+(.*)$", re.S)
_WHEREAS = re.compile(r"^(whereas|av följande skäl|med beaktande av följande)\s*:?$", re.I)
_FORMULA = re.compile(
    r"(RECOMMEND|REKOMMEND|ADOPTED|ANTAGIT|HAS DECIDED|HAR BESLUTAT|BESLUTAT FÖLJANDE)", re.I
)
_FINAL = re.compile(r"^(Done at|Utfärdad i|Utfärdat i)\b", re.I)
_ANNEX = re.compile(r"^(ANNEX|BILAGA)(?:\s+([IVXLC]+|\d+))?\s*$", re.I)
_WORDS = {
    "sv": {"recital": "skäl", "point": "punkt", "annex": "bilaga", "preamble": "ingress", "text": "text"},
    "en": {"recital": "recital", "point": "point", "annex": "Annex", "preamble": "preamble", "text": "text"},
}


@dataclass
class _Draft:
    locator: str
    label: str
    kind: str
    heading_path: tuple[str, ...]
    blocks: list[str] = field(default_factory=list)


def _upper_formula(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return (
        bool(letters)
        and sum(c.isupper() for c in letters) >= 0.7 * len(letters)
        and text.rstrip().endswith(":")
    )


class _EurlexSegmenter:
    def __init__(self, doc: ReadDocument) -> None:
        self.doc = doc
        self.words = _WORDS.get(doc.lang, _WORDS["en"])
        self.drafts: list[_Draft] = []
        self.mode = "preamble"
        self.formula = ""
        self.headings: list[str] = []
        self.point = ""
        self.subpoint = ""
        self.left_out: list[str] = []

    def _add(self, locator: str, label: str, kind: str, path: tuple[str, ...], text: str) -> None:
        self.drafts.append(_Draft(locator, label, kind, path, [text]))

    def _continue(self, text: str) -> None:
        if self.drafts:
            self.drafts[-1].blocks.append(text)

    def _point_label(self, number: str, letter: str = "") -> str:
        if not letter:
            return f"{self.words['point']} {number}"
        return (
            f"{self.words['point']} {number} {letter}"
            if self.doc.lang == "sv"
            else f"{self.words['point']} {number}({letter})"
        )

    def _enacting_path(self) -> tuple[str, ...]:
        return tuple(x for x in (self.formula, *self.headings) if x)

    def run(self) -> list[_Draft]:
        for block in self.doc.blocks:
            text = block.text.strip()
            if not text:
                continue
            annex = _ANNEX.match(text)
            if annex and block.heading_level is not None:
                self.mode = "annex"
                number = annex.group(2) or ""
                slug = f"annex-{number.lower()}" if number else "annex"
                label = f"{self.words['annex']} {number}".strip()
                self.drafts.append(_Draft(slug, label, "annex", (text,)))
                continue
            if self.mode == "annex":
                if block.heading_level is not None and self.drafts and not self.drafts[-1].blocks:
                    self.drafts[-1].heading_path = (
                        *self.drafts[-1].heading_path[:1],
                        text,
                    )  # the annex's title
                elif self.drafts:
                    self.drafts[-1].blocks.append(text)
                continue
            if self.mode == "final" or _FINAL.match(text):
                self.mode = "final"
                self.left_out.append(text)
                continue
            if self.mode == "recitals" and (block.heading_level is not None or _POINT.match(text)):
                self.mode = "enacting"  # the Swedish text may go straight from the recitals to the points
            if self.mode in ("preamble", "recitals"):
                self._preamble(text)
            else:
                self._enacting(text, block.heading_level)
        return self.drafts

    def _preamble(self, text: str) -> None:
        recital = _RECITAL.match(text)
        if recital:
            self.mode = "recitals"
            n = str(int(recital.group(1)))
            self._add(f"recital:{n}", f"{self.words['recital']} {n}", "recital", (), text)
            return
        if self.mode == "recitals" and (_upper_formula(text) or _FORMULA.search(text) and text.endswith(":")):
            self.mode = "enacting"
            self.formula = text
            return
        if self.mode == "recitals":
            self._continue(text)  # a recital of several paragraphs
            return
        if self.drafts and self.drafts[-1].locator == "preamble":
            self.drafts[-1].blocks.append(text)
        else:
            self._add("preamble", self.words["preamble"], "paragraph", (), text)
        if _WHEREAS.match(text):
            self.mode = "recitals"

    def _enacting(self, text: str, heading_level: int | None) -> None:
        if heading_level is not None:
            self.headings = [text] if heading_level <= 2 else [*self.headings[:1], text]
            self.point = self.subpoint = ""
            return
        point = _POINT.match(text)
        sub = _SUBPOINT.match(text)
        roman = _ROMAN.match(text)
        path = self._enacting_path()
        if point:
            self.point, self.subpoint = str(int(point.group(1))), ""
            self._add(f"point:{self.point}", self._point_label(self.point), "point", path, text)
        elif roman and self.subpoint and not (sub and ord(sub.group(1)) == ord(self.subpoint) + 1):
            self._continue(text)  # "(i)" inside "(h)" would be the letter i; elsewhere a sub-sub-point
        elif sub and self.point:
            self.subpoint = sub.group(1)
            self._add(
                f"point:{self.point}{self.subpoint}",
                self._point_label(self.point, self.subpoint),
                "point",
                path,
                text,
            )
        elif self.drafts and self.drafts[-1].kind == "point":
            self._continue(text)
        else:
            n = sum(1 for d in self.drafts if d.locator.startswith("text")) + 1
            self._add(f"text-{n}" if n > 1 else "text", self.words["text"], "paragraph", path, text)


def segment_eurlex(doc: ReadDocument, today: dt.date) -> tuple[list[Clause], dict[str, object]]:
    del today  # a recommendation's points carry no dates of their own
    seg = _EurlexSegmenter(doc)
    clauses: list[Clause] = []
    seen: dict[str, int] = {}
    for draft in seg.run():
        blocks = [b for b in draft.blocks if b]
        if not blocks:
            continue
        parts = split_long(blocks, str, keep_list_items=False) if draft.kind in ("annex", "paragraph") else [blocks]
        for k, part in enumerate(parts, start=1):
            locator = draft.locator if k == 1 else f"{draft.locator}-{k}"
            if locator in seen:  # numbering that restarts: keep both, the later one marked
                seen[locator] += 1
                locator = f"{locator}-{seen[locator]}"
            seen.setdefault(locator, 1)
            text, units = number_units(part, REPORT_LISTS)
            path = tuple(h for h in draft.heading_path if h)
            clauses.append(
                Clause(
                    clause_id=f"{doc.doc_id}#{locator}",
                    doc_id=doc.doc_id,
                    locator=locator,
                    label=draft.label,
                    heading_path=path,
                    text=text,
                    lang=doc.lang,
                    ordinal=len(clauses),
                    kind=draft.kind,
                    units=units,
                )
            )
    report: dict[str, object] = {
        "recitals": sum(1 for c in clauses if c.kind == "recital"),
        "points": sum(1 for c in clauses if c.kind == "point"),
        "final_text_left_out": seg.left_out,
    }
    return clauses, report
