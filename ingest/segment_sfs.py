"""Segment a Swedish statute into clauses: one per section (§), transitional block and appendix.

Clause ids follow the README's table
("Where the texts come from"): ``2:1`` (2 kap. 1 §), ``3:4a``, ``5`` (no chapters),
``overgang:2021-952``, ``bilaga`` / ``bilaga-2``; a section with two wordings gives
two clauses, the one in force keeping the plain id and the other ``@<date>``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from core.records import Block, Clause, ReadDocument
from ingest.units import STATUTE_LISTS, number_units

log = logging.getLogger(__name__)

_MARKER = re.compile(
    r"\s*/\s*(?P<what>Upphör att gälla|Träder i kraft|Rubriken upphör att gälla|Rubriken träder i kraft"
    r"|Ny beteckning[^/]*?)\s+(?P<ui>[UI]):(?P<date>\d{4}-\d\d-\d\d)"
    # "/Upphör att gälla U:2026-07-01 genom lag (2021:443)./" names the repealing act too
    r"(?:\s+genom\s+(?:lag|förordning)\s+\(\d{4}:\d+\)\.?)?\s*/\s*"
)
CHAPTER = re.compile(r"^(\d+)\s?([a-z])?\s+[Kk]ap\.(?:\s+(?P<rest>\D.*))?$", re.S)
SECTION = re.compile(r"^(\d+)\s?([a-z])?\s?§(?!§)\s*(?P<rest>.*)$", re.S)
# the act whose transitional provisions follow: "2021:952" (SFS), "AFS 2014:43" (an agency's series)
_TRANS_ACT = re.compile(
    r"^(?:(?P<series>[A-ZÅÄÖ][A-ZÅÄÖ-]{0,9}FS)\s+)?(?P<year>\d{4}):(?P<number>\d+)(?:\s+(?P<rest>.*))?$", re.S)
_DESIGNATION = re.compile(r"^(\d{4}):(\d+)$")
APPENDIX = re.compile(r"^Bilaga(?:\s+(\d+))?$")
_PART = re.compile(r"^AVDELNING\s+[IVXLC]+\.")
# "Har upphävts genom lag (2021:952).", "Har betecknats 2 kap. 8 § genom ...", "Ny beteckning 42 e § genom ..."
_REPEALED = re.compile(
    r"^(?:Har (?:upphävts|betecknats\b.*?)|Ny beteckning\b.*?) genom (lag|förordning) \((\d{4}:\d+)\)\.?$",
    re.I | re.S)
_NOTE = re.compile(r"\s*\b((?:Lag|Förordning|Kungörelse)\s*\((\d{4}:\d+)\))\.\s*$")
TRANSITIONAL = "Övergångsbestämmelser"


@dataclass
class _Markers:
    valid_from: str = ""
    valid_to: str = ""
    heading_from: str = ""
    heading_to: str = ""
    note: str = ""

    @property
    def any(self) -> bool:
        return bool(self.valid_from or self.valid_to or self.heading_from or self.heading_to or self.note)


def _take_markers(text: str, markers: _Markers) -> str:
    """Remove validity markers anywhere at the start or after "N §"; record them."""

    def grab(m: re.Match[str]) -> str:
        what, date = m.group("what"), m.group("date")
        if what == "Upphör att gälla":
            markers.valid_to = date
        elif what == "Träder i kraft":
            markers.valid_from = date
        elif what == "Rubriken upphör att gälla":
            markers.heading_to = date
        elif what == "Rubriken träder i kraft":
            markers.heading_from = date
        else:
            markers.valid_to = date
            markers.note = f"{what.strip()} fr.o.m. {date}"
        return " "

    # markers sit at the start of a block or right after the section sign
    head, sep, tail = text.partition("§")
    if sep and SECTION.match(text) and len(head) < 8:
        tail = _MARKER.sub(grab, tail, count=2)
        head = _MARKER.sub(grab, head, count=2)
        return (head.strip() + " §" + (" " + tail.strip() if tail.strip() else "")).strip()
    while (m := _MARKER.match(text)) is not None:
        grab(m)
        text = text[m.end():]
    return text.strip()


def _status(valid_from: str, valid_to: str, today: dt.date) -> str:
    if valid_to and today >= dt.date.fromisoformat(valid_to):
        return "expired"
    if valid_from and today < dt.date.fromisoformat(valid_from):
        return "not_yet_in_force"
    return "in_force"


def _number(n: str, letter: str | None) -> str:
    return f"{int(n)}{letter or ''}"


def _human(number: str) -> str:
    m = re.match(r"(\d+)([a-z]?)$", number)
    return f"{m.group(1)} {m.group(2)}" if m and m.group(2) else number


def _key(number: str) -> tuple[int, str]:
    m = re.match(r"(\d+)([a-z]?)", number)
    return (int(m.group(1)), m.group(2)) if m else (0, "")


@dataclass
class _Draft:
    kind: str
    base: str  # locator without @date
    label: str
    heading_path: tuple[str, ...]
    blocks: list[str] = field(default_factory=list)
    valid_from: str = ""
    valid_to: str = ""
    note: str = ""
    amended_by: str = ""
    page: int | None = None
    superseded_by: str = ""  # amending act that replaced this wording (markers lost in conversion)


class _StatuteSegmenter:
    def __init__(self, doc: ReadDocument, today: dt.date) -> None:
        self.doc = doc
        self.today = today
        self.drafts: list[_Draft] = []
        self.current: _Draft | None = None
        self.mode = "body"
        self.part = ""
        self.chapter = ""
        self.chapter_heading = ""
        self.heading = ""
        self.last_section: tuple[int, str] | None = None
        self.last_had_marker = False
        self.doc_valid_from = ""
        self.preamble: list[str] = []
        self.explicit = any(b.explicit for b in doc.blocks)
        self.heading_flags = self._find_headings(doc.blocks)
        self.chapter_just_opened = False

    # --- classification -------------------------------------------------------------------
    def _plain(self, block: Block) -> str:
        return _take_markers(block.text, _Markers())

    def _is_structural(self, text: str, block: Block) -> bool:
        return bool(SECTION.match(text) or CHAPTER.match(text) and len(text) < 300) or text == TRANSITIONAL \
            or bool(APPENDIX.match(text))

    def _find_headings(self, blocks: list[Block]) -> list[bool]:
        """Which blocks are (non-structural) headings; decided back to front."""
        flags = [False] * len(blocks)
        for i in range(len(blocks) - 1, -1, -1):
            block = blocks[i]
            text = self._plain(block)
            if self._is_structural(text, block):
                continue
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            nxt_text = self._plain(nxt) if nxt else ""
            next_is_heading = nxt is not None and (
                (SECTION.match(nxt_text) is not None) or (CHAPTER.match(nxt_text) is not None and len(nxt_text) < 300)
                or flags[i + 1]
            )
            candidate = (
                not block.table
                and len(text) <= 250
                and (text[:1].isupper() or text[:1].isdigit())
                and not STATUTE_LISTS.item.match(text)
                and (not re.search(r"[.,:;]$", text) or text.endswith("m.m."))
            )
            if block.explicit:
                if block.heading_level is None:
                    # a heading the Markdown conversion left as a paragraph: statute text before a section
                    # number ends a sentence or a list item with punctuation; a heading does not
                    # ("Genomförandet av säkerhetsprövningen" before 5 kap. 2 § of sfs-2021-955)
                    flags[i] = candidate and nxt is not None and nxt.heading_level is not None \
                        and SECTION.match(nxt_text) is not None
                    continue
                prev_text = self._plain(blocks[i - 1]) if i else ""
                after_chapter = i > 0 and blocks[i - 1].heading_level is not None and bool(CHAPTER.match(prev_text))
                flags[i] = next_is_heading or after_chapter
            else:
                flags[i] = candidate and next_is_heading
        # cells of a table row that continue on lines of their own follow the row: table text, not headings
        # (the sector table of sfs-2025-1507 7 §)
        in_table = False
        for i, block in enumerate(blocks):
            if flags[i] and in_table:
                flags[i] = False
            else:
                in_table = block.table
        return flags

    # --- building -------------------------------------------------------------------------
    def _close(self) -> None:
        if self.current is not None:
            self.drafts.append(self.current)
            self.current = None

    def _path(self) -> tuple[str, ...]:
        return tuple(x for x in (self.part, self.chapter_heading, self.heading) if x)

    def _locator(self, number: str) -> str:
        return f"{self.chapter}:{number}" if self.chapter else number

    def _label(self, number: str) -> str:
        sec = f"{_human(number)} §"
        return f"{_human(self.chapter)} kap. {sec}" if self.chapter else sec

    def _open_section(self, number: str, markers: _Markers, first_text: str, page: int | None) -> None:
        self._close()
        self.current = _Draft("section", self._locator(number), self._label(number), self._path(),
                              valid_from=markers.valid_from, valid_to=markers.valid_to, note=markers.note, page=page)
        if first_text:
            self.current.blocks.append(first_text)
        self.last_section = _key(number)
        self.last_had_marker = markers.any
        self.chapter_just_opened = False

    def _heading_valid(self, markers: _Markers) -> bool:
        if markers.heading_to and self.today >= dt.date.fromisoformat(markers.heading_to):
            return False
        return not (markers.heading_from and self.today < dt.date.fromisoformat(markers.heading_from))

    def run(self) -> list[_Draft]:
        for i, block in enumerate(self.doc.blocks):
            markers = _Markers()
            text = _take_markers(block.text, markers)
            if not text:
                continue
            if i == 0 and markers.valid_from and not markers.heading_from:
                self.doc_valid_from, markers.valid_from = markers.valid_from, ""
            self._one(i, block, text, markers)
        self._close()
        return self.drafts

    def _one(self, i: int, block: Block, text: str, markers: _Markers) -> None:
        if text == TRANSITIONAL:
            self._close()
            self.mode = "transitional"
            return
        appendix = APPENDIX.match(text)
        if appendix and (block.heading_level is not None or not block.explicit):
            self._close()
            self.mode = "appendix"
            number = appendix.group(1)
            self.current = _Draft("appendix", f"bilaga-{number}" if number else "bilaga",
                                  f"Bilaga {number}" if number else "Bilaga", (), page=block.page)
            return
        if self.mode == "appendix":
            if self.current is not None:
                self.current.blocks.append(text)
            return
        if self.mode == "transitional":
            act = _TRANS_ACT.match(text)
            if act and (block.heading_level is not None or not block.explicit or len(text) < 20):
                self._close()
                year, number, series = act.group("year"), act.group("number"), act.group("series")
                designation = f"{series} {year}:{number}" if series else f"{year}:{number}"
                locator = f"overgang:{series.lower()}-{year}-{number}" if series else f"overgang:{year}-{number}"
                self.current = _Draft("transitional", locator,
                                      f"Övergångsbestämmelser ({designation})", (TRANSITIONAL,), page=block.page)
                if act.group("rest"):
                    self.current.blocks.append(act.group("rest").strip())
            elif self.current is not None:
                self.current.blocks.append(text)
            else:
                # the act's own provisions with no designation line (an act never amended): named by the act
                act = _DESIGNATION.match(str(self.doc.meta.get("designation", "")))
                locator = f"overgang:{act.group(1)}-{act.group(2)}" if act else "overgang"
                label = f"{TRANSITIONAL} ({act.group(0)})" if act else TRANSITIONAL
                self.current = _Draft("transitional", locator, label, (TRANSITIONAL,), [text], page=block.page)
            return

        if _PART.match(text) and len(text) < 200:
            self._close()
            self.part, self.chapter_heading, self.heading = text, "", ""
            return
        chapter = CHAPTER.match(text)
        if chapter and len(text) < 300 and (block.heading_level is not None or not block.explicit):
            number = _number(chapter.group(1), chapter.group(2))
            if number == self.chapter:
                if self._heading_valid(markers):
                    self.chapter_heading = text  # a newer wording of the chapter heading
                return
            if (markers.heading_from or markers.heading_to) and not self._heading_valid(markers):
                return
            self._close()
            self.chapter, self.chapter_heading, self.heading = number, text, ""
            self.last_section = None
            self.chapter_just_opened = True
            return
        section = SECTION.match(text)
        if section and (block.heading_level is not None or not block.explicit):
            number = _number(section.group(1), section.group(2))
            key = _key(number)
            in_order = self.last_section is None or key > self.last_section or (
                key == self.last_section and (markers.any or self.last_had_marker))
            if in_order or block.explicit:
                self._open_section(number, markers, section.group("rest").strip(), block.page)
                return
            log.debug("%s: %r out of order, kept as text", self.doc.doc_id, text[:40])
        if self.heading_flags[i]:
            if markers.heading_from or markers.heading_to:
                if self._heading_valid(markers):
                    self.heading = text
                return
            self._close()
            self.heading = text
            return
        # body text
        if self.current is None or (self.current.kind == "section" and self.chapter_just_opened):
            if self.explicit and (self.chapter or self.drafts):
                # a section whose "N §" heading the conversion lost (sfs-2021-955 8 kap. 1 §)
                nxt = (self.last_section[0] + 1) if self.last_section else 1
                log.info("%s: text without a section heading after %s; taken as %s §",
                         self.doc.doc_id, self.chapter_heading or "the start", nxt)
                self._open_section(str(nxt), markers, text, block.page)
                return
            self.preamble.append(text)
            return
        self.current.blocks.append(text)


def _split_dropped_wordings(draft: _Draft) -> list[_Draft]:
    """Markdown statutes lose the wording markers: a closing amendment note in the middle
    of a section means two wordings follow each other. The later act's wording is in force;
    the date of the change is not in the source, so the earlier wording is named by the act
    that replaced it (``8:1@2025-740``)."""
    cuts = [i for i, b in enumerate(draft.blocks[:-1]) if _NOTE.search(b)]
    if draft.kind != "section" or not cuts:
        return [draft]
    parts: list[_Draft] = []
    start = 0
    for cut in [*cuts, len(draft.blocks) - 1]:
        parts.append(_Draft(draft.kind, draft.base, draft.label, draft.heading_path,
                            draft.blocks[start:cut + 1], page=draft.page))
        start = cut + 1
    for older, newer in zip(parts, parts[1:], strict=False):
        m = _NOTE.search(newer.blocks[-1])
        if m:
            older.superseded_by = m.group(2).replace(":", "-")
            older.note = f"Ersatt genom {m.group(1)}"
    return parts


def _numbered_through(drafts: list[_Draft]) -> bool:
    """True when section numbers do not restart in each chapter."""
    chapters: dict[str, list[tuple[int, str]]] = {}
    for d in drafts:
        if d.kind == "section" and ":" in d.base:
            chapter, number = d.base.split(":", 1)
            chapters.setdefault(chapter, []).append(_key(number))
    if len(chapters) < 2:
        return False
    firsts = [min(keys) for keys in chapters.values()]
    return sum(1 for f in firsts if f[0] == 1) <= 1


def segment_statute(doc: ReadDocument, today: dt.date) -> tuple[list[Clause], dict[str, object]]:
    """Clauses of one statute and a report (preamble dropped, counts)."""
    seg = _StatuteSegmenter(doc, today)
    drafts = seg.run()
    if _numbered_through(drafts):
        # chapters only group sections numbered through the act (upphovsrättslagen 40 a §):
        # such sections are cited without their chapter
        for d in drafts:
            if d.kind == "section" and ":" in d.base:
                d.base = d.base.split(":", 1)[1]
                d.label = d.label.split(" kap. ", 1)[1]
    if doc.meta.get("markers_dropped"):
        drafts = [part for d in drafts for part in _split_dropped_wordings(d)]

    finished: list[tuple[_Draft, str, str, str]] = []  # draft, text, status, amended_by
    for d in drafts:
        blocks = [b for b in d.blocks if b]
        amended_by = ""
        if blocks:
            m = _NOTE.search(blocks[-1])
            if m:
                amended_by = m.group(1)
                blocks[-1] = blocks[-1][: m.start()].rstrip()
                if not blocks[-1]:
                    blocks.pop()
        if not blocks:
            log.warning("%s: %s has no text; left out", doc.doc_id, d.label)
            continue
        d.blocks = blocks
        valid_from = d.valid_from or seg.doc_valid_from
        status = _status(valid_from, d.valid_to, today)
        if d.superseded_by:
            status = "expired"
        repealed = _REPEALED.match(blocks[0]) if len(blocks) == 1 else None
        if repealed:
            status = "repealed"
            amended_by = amended_by or f"{repealed.group(1).capitalize()} ({repealed.group(2)})"
        d.valid_from = valid_from
        finished.append((d, " ".join(blocks), status, amended_by))

    # ids: wordings of one section share a base; the one in force keeps the plain id
    by_base: dict[str, list[int]] = {}
    for i, (d, _, _, _) in enumerate(finished):
        by_base.setdefault(d.base, []).append(i)
    locators: dict[int, str] = {}
    labels: dict[int, str] = {}
    for base, idxs in by_base.items():
        dated = [finished[i][0] for i in idxs if finished[i][0].valid_from or finished[i][0].valid_to]
        for i in idxs:
            d = finished[i][0]
            if d.kind == "section" and len(idxs) == 2 and not (d.valid_from or d.valid_to) and len(dated) == 1:
                # the unmarked wording is the other side of its twin's date
                d.valid_to, d.valid_from = dated[0].valid_from, dated[0].valid_to
                if finished[i][2] != "repealed":
                    finished[i] = (d, finished[i][1], _status(d.valid_from, d.valid_to, today), finished[i][3])
        if len(idxs) == 1:
            locators[idxs[0]], labels[idxs[0]] = base, finished[idxs[0]][0].label
            continue
        plain = next((i for i in idxs if finished[i][2] == "in_force"), None)
        if plain is None or finished[plain][0].kind != "section":
            plain = idxs[0]
        for i in idxs:
            d, _, status, _ = finished[i]
            if i == plain:
                locators[i], labels[i] = base, d.label
                continue
            superseded = d.superseded_by
            if d.kind != "section":
                suffix, extra = str(idxs.index(i) + 1), ""
                locators[i] = f"{base}-{suffix}"
            elif superseded:
                locators[i] = f"{base}@{superseded}"
                extra = f" (lydelse före {superseded.replace('-', ':')})"
            elif status == "not_yet_in_force" or (d.valid_from and not d.valid_to):
                locators[i] = f"{base}@{d.valid_from}"
                extra = f" (lydelse fr.o.m. {d.valid_from})"
            else:
                locators[i] = f"{base}@{d.valid_to or d.valid_from}"
                extra = f" (lydelse t.o.m. {d.valid_to})" if d.valid_to else ""
            labels[i] = d.label + extra
    seen: dict[str, int] = {}
    clauses: list[Clause] = []
    for i, (d, _, status, amended_by) in enumerate(finished):
        locator = locators[i]
        if locator in seen:
            seen[locator] += 1
            locator = f"{locator}-{seen[locator]}"
        else:
            seen[locator] = 1
        text, units = number_units(d.blocks, STATUTE_LISTS)
        clauses.append(Clause(
            clause_id=f"{doc.doc_id}#{locator}", doc_id=doc.doc_id, locator=locator, label=labels[i],
            heading_path=d.heading_path, text=text, lang=doc.lang, ordinal=len(clauses), kind=d.kind,
            status=status, valid_from=d.valid_from if d.kind == "section" else "",
            valid_to=d.valid_to, amended_by=amended_by, page=d.page, units=units, note=d.note,
        ))
    report: dict[str, object] = {"preamble": seg.preamble, "valid_from": seg.doc_valid_from,
                                 "missing": missing_sections(clauses)}
    return clauses, report


def missing_sections(clauses: list[Clause]) -> list[str]:
    """Sections the numbering says exist but the source text lacks: "18 §" between 17 § and 19 §
    (sfs-2025-327, whose Markdown conversion kept the heading before 18 § but not its text).
    A repealed section still stands in the text ("Har upphävts genom …"), so a gap is a loss."""
    numbers: dict[str, set[int]] = {}
    for c in clauses:
        if c.kind != "section":
            continue
        chapter, _, section = c.locator.split("@")[0].rpartition(":")
        m = re.match(r"\d+", section)
        if m:
            numbers.setdefault(chapter, set()).add(int(m.group(0)))
    missing = []
    for chapter, present in numbers.items():
        for n in range(min(present), max(present)):
            if n not in present:
                missing.append(f"{_human(chapter)} kap. {n} §" if chapter else f"{n} §")
    return missing
