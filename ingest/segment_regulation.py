"""Segment an agency's regulations (myndighetsföreskrifter) and guidelines numbered like statutes.

Arbetsmiljöverket's AFS, and the föreskrifter of other agencies, are written as statutes
are: sections "1 §", "37 a §", sometimes chapters "2 kap.", transitional provisions and
appendices. They are cut as statutes are (:mod:`ingest.segment_sfs`), so ids and labels
follow DESIGN.md: ``afs-2011-19#5`` "5 §", ``#37a`` "37 a §", ``#2:3`` "2 kap. 3 §",
``#bilaga-1``, ``#overgang:afs-2014-43``. What agencies add to that form:

- **Allmänna råd** (general advice) explain a provision but do not bind. They are printed
  after the section they explain, under the heading "Allmänna råd", or collected after
  the provisions under a heading such as "Arbetsmiljöverkets allmänna råd om tillämpningen
  av föreskrifterna ...", each starting "Till 5 §". Either way they are kept with their
  section, after its binding text, and marked with units of kind ``allmanna_rad`` so that
  they are shown apart from it (see :data:`ADVICE`).
- **Amendment notes**: "(AFS 2014:43)" after a paragraph says which regulation last changed
  it; the one closing a section becomes the clause's ``amended_by`` (as "Lag (2020:1007)."
  does in a statute), notes inside the section are listed there too and stay in the text.
- **Transitional provisions** printed without the heading "Övergångsbestämmelser": after the
  last section, each amending regulation's designation ("AFS 2014:5") on a line of its own,
  followed by "Denna författning träder i kraft ...".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from core.records import Block, Clause, ReadDocument, Unit
from ingest.pdf_headings import NAMED
from ingest.segment_sfs import CHAPTER, SECTION, TRANSITIONAL, segment_statute
from ingest.units import STATUTE_LISTS, number_units

ADVICE = "allmanna_rad"  # Unit.kind of general advice inside a clause
_ADVICE_HEADING = re.compile(r"^Allmänna råd\b[^.]{0,80}$", re.I)  # "Allmänna råd", "Allmänna råd till 5 §"
_COLLECTED_ADVICE = re.compile(r"\ballmänna råd\b", re.I)
_ADVICE_TO = re.compile(  # "Till 5 §", "Till 2 kap. 3 §", "Till 20, 45 och 47 §§": the first section named
    r"^Till\s+(?:(?P<chapter>\d+)\s?(?P<cl>[a-z])?\s+kap\.\s+)?(?P<number>\d+)\s?(?P<letter>[a-z])?\b"
)
_SERIES = r"[A-ZÅÄÖ][A-ZÅÄÖ-]{0,9}FS"  # AFS, KIFS, MSBFS, ELSÄK-FS: an agency's series of regulations
_DESIGNATION = re.compile(rf"^{_SERIES}\s+\d{{4}}:\d+$")
_IN_FORCE = re.compile(r"^(?:\d+\.\s+)?(?:Denna|Dessa)\s+(?:författning|föreskrift|föreskrifter|allmänna råd)\b")
_NOTE = re.compile(rf"\s*\(({_SERIES}\s+\d{{4}}:\d+)\)\s*$")  # "… ökad risk. (AFS 2014:43)"
_SECTION_START = re.compile(r"^\d{1,3}\s?[a-z]?\s?§\s")


def looks_like_regulation(blocks: list[Block]) -> bool:
    """True when a document is cut into sections numbered like a statute's ("1 §" … "37 f §").

    At least three paragraphs open with a section number, mostly in rising order: a report
    that quotes one provision of a law has one or two, and not in a run.
    """
    numbers = [int(m.group(1)) for b in blocks if b.heading_level is None and (m := SECTION.match(b.text))]
    if len(numbers) < 3:
        return False
    rising = sum(1 for a, b in zip(numbers, numbers[1:], strict=False) if b >= a)
    return rising >= 0.8 * (len(numbers) - 1)


@dataclass
class _Advice:
    anchor: str  # locator of the clause it belongs to ("5", "2:3", "bilaga-1"); "" for none in particular
    blocks: list[str] = field(default_factory=list)


@dataclass
class _Split:
    binding: list[Block] = field(default_factory=list)
    advice: list[_Advice] = field(default_factory=list)


def _locator(chapter: str, number: str) -> str:
    return f"{chapter}:{number}" if chapter else number


def _next_text(blocks: list[Block], i: int) -> str:
    """The first paragraph after block ``i`` that is not a heading."""
    return next((b.text for b in blocks[i + 1 :] if b.heading_level is None), "")


def _split(blocks: list[Block]) -> _Split:
    """Binding text (as a plain statute text) apart from the general advice, each advice with its anchor."""
    out = _Split()
    chapter = section = ""
    collected = False  # inside the advice collected after the provisions
    current: _Advice | None = None
    for i, block in enumerate(blocks):
        text = block.text
        heading = block.heading_level is not None
        nxt = blocks[i + 1].text if i + 1 < len(blocks) else ""
        appendix = NAMED.match(text) if heading else None
        if appendix and appendix.group("kind").lower() in ("bilaga", "appendix", "annex"):
            collected, current = False, None
            chapter, section = "", f"bilaga-{appendix.group('num').lower()}"
            out.binding.append(Block(f"Bilaga {appendix.group('num')}", page=block.page))
            title = re.sub(rf"\s*Bilaga\s+{re.escape(appendix.group('num'))}$", "", appendix.group("title")).strip()
            if title:
                out.binding.append(Block(title, page=block.page))
            continue
        if collected:
            to = _ADVICE_TO.match(text)
            if to:
                number = f"{int(to.group('number'))}{to.group('letter') or ''}"
                chap = f"{int(to.group('chapter'))}{to.group('cl') or ''}" if to.group("chapter") else ""
                current = _Advice(_locator(chap, number))
                out.advice.append(current)
            elif heading and _ADVICE_TO.match(_next_text(blocks, i)):
                continue  # the provisions' headings, repeated above their advice
            if current is None:  # an introduction before the first "Till": advice to the whole regulation
                current = _Advice("")
                out.advice.append(current)
            current.blocks.append(text)
            continue
        if heading and section and _COLLECTED_ADVICE.search(text) and not _ADVICE_HEADING.match(text):
            collected, current = True, None
            continue
        if _ADVICE_HEADING.match(text) and section:
            current = _Advice(section if section.startswith("bilaga") else _locator(chapter, section), [text])
            out.advice.append(current)
            continue
        ends_advice = heading or SECTION.match(text) or CHAPTER.match(text) or _DESIGNATION.match(text)
        if current is not None and not ends_advice:
            current.blocks.append(text)
            continue
        current = None
        if m := CHAPTER.match(text):
            chapter, section = f"{int(m.group(1))}{m.group(2) or ''}", ""
        elif m := SECTION.match(text):
            section = f"{int(m.group(1))}{m.group(2) or ''}"
        elif _DESIGNATION.match(text) and section and _IN_FORCE.match(nxt) and not any(
            b.text == TRANSITIONAL for b in out.binding
        ):
            out.binding.append(Block(TRANSITIONAL, page=block.page))  # the heading the consolidation left out
        note = _NOTE.search(text)
        if note and note.start() > 0:
            # the note on a block of its own: "… ökad risk. (AFS 2014:43)" is no heading for the next section
            out.binding += [Block(text[: note.start()].rstrip(), page=block.page), Block(note.group(0).strip())]
        else:
            out.binding.append(Block(text, page=block.page))
    return out


def _amendment_notes(clause: Clause) -> Clause:
    """"(AFS 2014:43)" closing the clause goes to amended_by; notes inside it are listed there too
    and stay where they were, at the end of their paragraph."""
    notes: list[str] = []
    blocks: list[str] = []
    for block in clause.text.split("\n"):
        note = _NOTE.fullmatch(block)
        if note:
            notes.append(note.group(1))
            if blocks:
                blocks[-1] += " " + block
            continue
        blocks.append(block)
    if not notes or not blocks:
        return clause
    last = _NOTE.search(blocks[-1])
    if last:
        blocks[-1] = blocks[-1][: last.start()].rstrip()
    text, units = number_units(blocks, STATUTE_LISTS)
    return replace(clause, text=text, units=units, amended_by=", ".join(dict.fromkeys(notes)))


def _with_advice(clause: Clause, advice: list[list[str]]) -> Clause:
    """The clause with general advice after its binding text, each paragraph a unit of kind ADVICE."""
    text = clause.text
    units = list(clause.units)
    k = 0
    for paragraphs in advice:
        for paragraph in paragraphs:
            k += 1
            start = len(text) + 1
            text += "\n" + paragraph
            units.append(Unit(ADVICE, str(k), start, len(text)))
    return replace(clause, text=text, units=tuple(units))


def segment_regulation(doc: ReadDocument, today: dt.date) -> tuple[list[Clause], dict[str, object]]:
    """Clauses of a document numbered like a statute, with its general advice; a report for the build."""
    split = _split(doc.blocks)
    statute = ReadDocument(doc.doc_id, doc.title, doc.lang, "statute", split.binding, dict(doc.meta))
    clauses, report = segment_statute(statute, today)
    clauses = [_amendment_notes(c) for c in clauses]
    by_locator = {c.locator: i for i, c in enumerate(clauses)}
    attached: dict[int, list[list[str]]] = {}
    unplaced = 0
    for advice in split.advice:
        index = by_locator.get(advice.anchor)
        if index is None and ":" in advice.anchor:
            index = by_locator.get(advice.anchor.split(":", 1)[1])  # sections numbered through the act
        if index is None:  # advice to no section in particular: kept with the first
            unplaced += 1
            index = min((i for i, c in enumerate(clauses) if c.kind == "section"), default=None)
        if index is not None:
            attached.setdefault(index, []).append(advice.blocks)
    clauses = [_with_advice(c, attached[i]) if i in attached else c for i, c in enumerate(clauses)]
    report = {**report, "general_advice": sum(len(a.blocks) for a in split.advice)}
    if unplaced:
        report["general_advice_unplaced"] = unplaced
    return clauses, report
