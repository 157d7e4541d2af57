"""Compose an answer from template phrases and verbatim quotes — nothing else.

An answer is a list of :class:`Part`: fixed phrases rendered from
``data/phrases.yaml`` and quotes cut from clause texts at sentence boundaries.
The plain text is the parts joined; the HTML is rendered from the same blocks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote as url_quote

import numpy as np
from jinja2 import Environment, FileSystemLoader, select_autoescape

from core.messages import Messages
from core.records import Clause
from core.sources import Source
from core.store import IndexData

TEMPLATES = Path(__file__).parent / "templates"
PHRASES_FILE = Path(__file__).parent / "data" / "phrases.yaml"
ELLIPSIS = " […] "
MAX_QUOTE_CHARS = 900
# A provision up to this long (two or three sentences; the median clause has 358 characters) is quoted whole:
# cutting it saves the reader little and can leave out the half that answers ("Vem tar emot en FDI-anmälan?"
# quoted 2023:624 4 §'s sentence on what a notification must hold, not the one naming the authority).
WHOLE_CLAUSE_CHARS = 400


def _capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["capitalize_first"] = _capitalize_first
    return env


@lru_cache(maxsize=1)
def phrases() -> Messages:
    """Every fixed phrase an answer can contain (``data/phrases.yaml``)."""
    return Messages.load(PHRASES_FILE, filters={"capitalize_first": _capitalize_first})


def phrase(key: str, lang: str, *args: object, **named: object) -> str:
    """The phrase ``key`` in ``lang``; positional arguments fill its args in the order the file names them."""
    catalogue = phrases()
    declared = catalogue.args(key)
    if len(args) > len(declared):
        raise TypeError(f"phrase {key!r} takes {len(declared)} arguments ({', '.join(declared)}), not {len(args)}")
    return catalogue.text(key, lang, **dict(zip(declared, args, strict=False)), **named).strip()


def lead_phrase(qtype: str, lang: str, name: str, binding: str, label: str) -> str:
    """The lead of an answer's first quote, by question type (``lead_general`` for any other type)."""
    key = f"lead_{qtype}" if f"lead_{qtype}" in phrases() else "lead_general"
    return phrase(key, lang, name, binding, label)


# ------------------------------------------------------------------------- labels
def binding_label(source: Source, lang: str) -> str:
    if source.binding == "law":
        sv, en = {"statute": ("lag", "statute"), "ordinance": ("förordning", "ordinance")}.get(
            source.kind, ("lag", "law"))
    elif source.kind == "decision":
        sv, en = "regeringsbeslut", "government decision"
    else:
        sv, en = {"recommendation": ("rekommendation", "recommendation"), "guidance": ("vägledning", "guidance"),
                  "information": ("information", "information")}[source.binding]
    return en if lang == "en" else sv


def label_en(label: str) -> str:
    """English form of a clause label: "3 kap. 4 a §" → "chapter 3 section 4 a"."""
    m = re.match(r"^(\d+(?: [a-z])?) kap\. (\d+(?: [a-z])?) §(.*)$", label)
    if m:
        return f"chapter {m.group(1)} section {m.group(2)}{_rest_en(m.group(3))}"
    m = re.match(r"^(\d+(?: [a-z])?) §(.*)$", label)
    if m:
        return f"section {m.group(1)}{_rest_en(m.group(2))}"
    m = re.match(r"^Övergångsbestämmelser(?: \((.+)\))?$", label)
    if m:
        return f"transitional provisions ({m.group(1)})" if m.group(1) else "transitional provisions"
    m = re.match(r"^Bilaga ?(\d*)$", label)
    if m:
        return f"appendix {m.group(1)}".strip()
    m = re.match(r"^(.*), st\. (\d+)$|^st\. (\d+)$", label)
    if m:
        return f"{m.group(1)}, paragraph {m.group(2)}" if m.group(1) else f"paragraph {m.group(3)}"
    m = re.match(r"^avsnitt (.+)$", label)
    if m:
        return f"section {m.group(1)}"
    m = re.match(r"^punkt (\d+)(?: ([a-z]))?$", label)
    if m:
        return f"point {m.group(1)}" + (f"({m.group(2)})" if m.group(2) else "")
    m = re.match(r"^skäl (\d+)$", label)
    if m:
        return f"recital {m.group(1)}"
    return label


def _rest_en(rest: str) -> str:
    m = re.match(r"^ \(lydelse (fr\.o\.m\.|t\.o\.m\.|före) (.+)\)$", rest)
    if not m:
        return rest
    word = {"fr.o.m.": "from", "t.o.m.": "until", "före": "before"}[m.group(1)]
    return f" (wording {word} {m.group(2)})"


def clause_label(clause: Clause, lang: str) -> str:
    label = label_en(clause.label) if lang == "en" else clause.label
    if clause.page:
        pages = f"{clause.page}" if not clause.page_end or clause.page_end == clause.page \
            else f"{clause.page}–{clause.page_end}"
        label += f", {'p.' if lang == 'en' else 's.'} {pages}"
    return label


def permalink(clause: Clause, spans: list[tuple[int, int]] | tuple[tuple[int, int], ...] = (),
              base_url: str = "") -> str:
    link = f"{base_url.rstrip('/')}/c/{url_quote(clause.doc_id)}/{url_quote(clause.locator, safe=':@')}"
    if spans:
        link += "?hl=" + ",".join(f"{a}-{b}" for a, b in spans)
    return link


# ------------------------------------------------------------------------- choosing sentences
@dataclass
class Chosen:
    """A cited clause and the spans of it to quote."""

    clause_idx: int
    spans: list[tuple[int, int]]  # contiguous runs of sentences, in clause order
    score: float
    sentence_spans: list[tuple[int, int]] = field(default_factory=list)  # each quoted sentence


_SENTENCE_END = re.compile(r"[.!?][\"”’)]*$")


def _extend_list(spans: list[tuple[int, int]], chosen: list[int], text: str) -> list[int]:
    """A sentence that introduces a list ("Informationssäkerhet ska") takes its items along."""
    out = set(chosen)
    for i in chosen:
        j = i
        while j + 1 < len(spans) and j - i < 8 and not _SENTENCE_END.search(text[spans[j][0]:spans[j][1]]):
            j += 1
            out.add(j)
    return sorted(out)


def choose_sentences(index: IndexData, clause_idx: int, query_vector: np.ndarray | None,
                     query_tokens: AbstractSet[str],
                     *, whole: bool = False, max_sentences: int = 2) -> Chosen:
    clause = index.clauses[clause_idx]
    rows = index.sentences_of.get(clause_idx, [])
    spans = [(index.sentences[r].start, index.sentences[r].end) for r in rows]
    if not spans:
        return Chosen(clause_idx, [(0, len(clause.text))], 0.0, [(0, len(clause.text))])
    if whole or len(clause.text) <= WHOLE_CLAUSE_CHARS:
        picked = list(range(len(spans)))
        total = 0
        for k, (a, b) in enumerate(spans):
            total += b - a
            if total > MAX_QUOTE_CHARS and k > 0:
                picked = list(range(k))
                break
        best = 1.0
    else:
        if query_vector is not None:
            similarity = index.sentence_vectors[rows] @ query_vector
        else:
            similarity = np.zeros(len(rows), dtype=np.float32)
        lexical = np.array([len(query_tokens & set(index.analyzer.tokens(clause.text[a:b], clause.lang)))
                            for a, b in spans], dtype=np.float32)
        score = similarity + 0.015 * np.minimum(lexical, 6)
        order = np.argsort(-score)
        best = float(score[order[0]])
        picked = [int(order[0])]
        for j in order[1:max_sentences]:
            if score[j] >= best - 0.02:
                picked.append(int(j))
        picked = _extend_list(spans, sorted(picked), clause.text)
    runs: list[tuple[int, int]] = []
    for k in sorted(picked):
        a, b = spans[k]
        if runs and k - 1 in picked and runs[-1][1] == spans[k - 1][1]:
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((a, b))
    return Chosen(clause_idx, runs, best, [spans[k] for k in sorted(picked)])


# ------------------------------------------------------------------------- definitions
# The three ways Swedish statutes define a term: a parenthesis after what it names ("… (säkerhetskänslig
# verksamhet)"), "Med X avses …", and a numbered or dashed list under "I denna lag avses med" / "betyder"
# ("1. incident: en händelse …").
_PAREN_TERM = re.compile(r"\(([a-zåäö][a-zåäö-]+(?: [a-zåäö-]+){0,3})\)")
_MED_AVSES = re.compile(r"\bMed ([a-zåäö][a-zåäö-]+(?: [a-zåäö-]+){0,4}) avses\b")
_LIST_HEAD = re.compile(r"\b(?:avses med|betyder)\s*\n")
_LIST_TERM = re.compile(r"(?m)^\s*(?:\d+\.|[-–])\s*([a-zåäö][a-zåäö-]+(?: [a-zåäö-]+){0,4}):\s")


DefinedTerm = tuple[re.Pattern[str], str, int]  # (pattern, term, index of the defining clause)


def find_defined_terms(index: IndexData) -> list[DefinedTerm]:
    """(pattern, term, defining clause) for the terms the statutes define, every defining clause of
    each (built once per index, :class:`assistant.state.SearchState`)."""
    seen: dict[tuple[str, int], None] = {}
    for i, c in enumerate(index.clauses):
        if c.kind != "section" or c.status != "in_force":
            continue
        found = [*_PAREN_TERM.finditer(c.text), *_MED_AVSES.finditer(c.text)]
        if _LIST_HEAD.search(c.text):
            found += _LIST_TERM.finditer(c.text)
        for m in found:
            if len(m.group(1)) >= 6:
                seen.setdefault((m.group(1), i), None)
    terms = []
    for term, i in seen:
        stems = [re.escape(w[: max(4, len(w) - 2)]) + r"\w*" for w in term.split()]
        terms.append((re.compile(r"\b" + r"\s+".join(stems) + r"\b", re.I), term, i))
    return terms


def defining_clauses(terms: Sequence[DefinedTerm], question: str) -> list[int]:
    """The clauses that define the most specific term the question names ("säkerhetskänslig verksamhet"
    rather than "verksamhet"): for "what does X mean?" they answer first."""
    named = [(len(term.split()), i) for pattern, term, i in terms if pattern.search(question)]
    longest = max((n for n, _ in named), default=0)
    return list(dict.fromkeys(i for n, i in named if n == longest))


def definitions_used(index: IndexData, terms: Sequence[DefinedTerm], quotes: list[tuple[int, str]],
                     cited: set[int]) -> list[tuple[str, int]]:
    """Defined terms a quote uses whose defining clause (same document) is not cited already."""
    out: list[tuple[str, int]] = []
    for clause_idx, text in quotes:
        doc_id = index.clauses[clause_idx].doc_id
        for pattern, term, defining in terms:
            if defining in cited or defining == clause_idx or index.clauses[defining].doc_id != doc_id:
                continue
            if pattern.search(text) and all(d != defining for _, d in out):
                out.append((term, defining))
    return out[:3]


# ------------------------------------------------------------------------- parts and rendering
@dataclass(frozen=True)
class Part:
    kind: str  # "phrase" (data/phrases.yaml) | "quote" (verbatim) | "marker" | "space" | "support" (setting)
    text: str
    clause_id: str = ""


@dataclass
class CitedBlock:
    n: int
    clause: Clause
    source: Source
    lead: str
    segments: list[str]
    spans: list[tuple[int, int]]
    link: str
    note: str = ""


@dataclass
class Composition:
    parts: list[Part]
    blocks: list[CitedBlock]
    text: str
    html: str


def source_name(source: Source, lang: str) -> str:
    return source.display_name(lang)


def build_block(n: int, index: IndexData, chosen: Chosen, qtype: str, lang: str, first: bool,
                base_url: str) -> CitedBlock:
    clause = index.clauses[chosen.clause_idx]
    source = index.documents[clause.doc_id].source
    name, binding, label = source_name(source, lang), binding_label(source, lang), clause_label(clause, lang)
    lead = lead_phrase(qtype, lang, name, binding, label) if first else phrase("also", lang, name, binding, label)
    note = ""
    if clause.status != "in_force":
        note = phrase(f"not_in_force_{clause.status}", lang, clause.valid_to or clause.valid_from)
    segments = [clause.text[a:b] for a, b in chosen.spans]
    return CitedBlock(n, clause, source, lead, segments, chosen.sentence_spans,
                      permalink(clause, chosen.sentence_spans, base_url), note)


def render(blocks: list[CitedBlock], related: list[dict[str, str]], lang: str, *, abstained: bool,
           possibly_related: list[dict[str, str]], support: str, masked: bool, base_url: str = "",
           missing: Sequence[str] = ()) -> Composition:
    parts: list[Part] = []

    def add(kind: str, text: str, clause_id: str = "") -> None:
        parts.append(Part(kind, text, clause_id))

    if abstained:
        add("phrase", phrase("abstain", lang))
        if missing:
            add("space", " ")
            add("phrase", phrase("not_in_sources", lang, list(missing)))
        if possibly_related:
            add("space", "\n\n")
            add("phrase", phrase("possibly_related", lang))
            for r in possibly_related:
                add("space", "\n- ")
                add("phrase", phrase("item", lang, r["title"], r["label"], r["link"]))
        add("space", "\n\n")
        add("support", support)
    else:
        for i, b in enumerate(blocks):
            if i:
                add("space", "\n\n")
            add("phrase", b.lead)
            add("space", " ")
            add("marker", "”")
            for k, seg in enumerate(b.segments):
                if k:
                    add("marker", ELLIPSIS)
                add("quote", seg, b.clause.clause_id)
            add("marker", "”")
            add("marker", f" [{b.n}]")
            if b.note:
                add("space", " ")
                add("phrase", b.note)
        if lang == "en" and any(b.clause.lang == "sv" for b in blocks):
            add("space", "\n\n")
            add("phrase", phrase("in_swedish", lang))
        if related:
            add("space", "\n\n")
            add("phrase", phrase("related_heading", lang))
            for r in related:
                add("space", "\n- ")
                add("phrase", phrase("related_item", lang, r["title"], r["label"], r.get("why", ""), r["link"]))
        add("space", "\n\n")
        add("phrase", phrase("sources_heading", lang))
        for b in blocks:
            add("space", "\n")
            add("phrase", phrase("source_line", lang, b.n, b.source.title, clause_label(b.clause, lang), b.link))
    add("space", "\n\n")
    add("phrase", phrase("masked", lang) if masked else phrase("privacy", lang))
    text = "".join(p.text for p in parts)
    html = environment().get_template("answer.html.j2").render(
        blocks=blocks, related=related, possibly_related=possibly_related, abstained=abstained, lang=lang,
        missing=list(missing),
        support=support, masked=masked, phrase=phrase, clause_label=clause_label, ellipsis=ELLIPSIS,
        in_swedish=lang == "en" and any(b.clause.lang == "sv" for b in blocks))
    return Composition(parts, blocks, text, html)
