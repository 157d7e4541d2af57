"""Explicit references in a question: "2 kap. 1 § säkerhetsskyddslagen", "SSL 3:11",
"OSL 24 kap. 8 §", "40 a § upphovsrättslagen", "chapter 1 section 6 of the Higher Education Act",
"2018:585", "punkt 5 i rådsrekommendationen" — resolved to clause ids using the names in the manifest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.sources import Source

_CH_SEC = re.compile(
    r"(?P<ch>\d{1,3})\s?(?P<chl>[a-z])?\s*kap(?:\.|itlet|itel)?\s*(?P<sec>\d{1,3})\s?(?P<secl>[a-z])?\s*§", re.I)
_SEC = re.compile(r"(?<![\d:])(?P<sec>\d{1,3})\s?(?P<secl>[a-z])?\s*§")
_COLON = re.compile(
    r"\b(?P<short>[A-ZÅÄÖ][\wÅÄÖåäö-]{1,24})\s+(?P<ch>\d{1,3})\s?:\s?(?P<sec>\d{1,3})\s?(?P<secl>[a-z])?\b")
_EN_CH_SEC = re.compile(
    r"\bchapter\s+(?P<ch>\d{1,3})\s?(?P<chl>[a-z])?\s*[,:]?\s*(?:section|sec\.|§)\s*(?P<sec>\d{1,3})\s?(?P<secl>[a-z])?\b",
    re.I)
_EN_SEC_OF_CH = re.compile(
    r"\bsection\s+(?P<sec>\d{1,3})\s?(?P<secl>[a-z])?\s+(?:of|in)\s+chapter\s+(?P<ch>\d{1,3})\s?(?P<chl>[a-z])?\b",
    re.I)
_EN_SEC = re.compile(r"\bsection\s+(?P<sec>\d{1,3})\s?(?P<secl>[a-z])?\b(?!\.\d)", re.I)
_DESIGNATION = re.compile(r"\b(?P<year>(?:1[89]|20)\d{2}):(?P<num>\d{1,4})\b")
# "punkt 5 b", "point 5(b)"; in "punkt 5 i rådsrekommendationen" the "i" is the preposition
_POINT = re.compile(
    r"\b(?:punkt(?:en)?|point)\s+(?P<n>\d{1,3})(?:\s?\(?(?P<l>(?!i\s+[a-zåäö])[a-z])\)?)?(?![\w.])", re.I)
_RECITAL = re.compile(r"\b(?:skäl|recital)\s+\(?(?P<n>\d{1,3})\)?", re.I)
_NUMBERED = re.compile(r"\b(?:avsnitt|section)\s+(?P<n>\d{1,2}(?:\.\d{1,2}){1,3})\b", re.I)
_APPENDIX = re.compile(r"\b(?:bilaga|appendix|annex)\s*(?P<n>\d{1,2})?\b", re.I)
_TRANSITIONAL = re.compile(r"\b(?:övergångsbestämmelse\w*|transitional provisions?)\b", re.I)


def _variants(name: str) -> set[str]:
    """A Swedish name and its inflections: säkerhetsskyddslagen, -lag, -lagens."""
    name = name.lower().strip().strip('"').removeprefix("the ")
    out = {name}
    if not name:
        return set()
    if name.endswith("en") or name.endswith("et"):
        out |= {name[:-2], name + "s"}
    else:
        out.add(name + "s")
        if name.endswith(("lag", "förordning", "instruktion")):
            out |= {name + "en", name + "ens"}
    return out


@dataclass
class DocumentNames:
    """Every way a question may name a document, longest first."""

    names: list[tuple[str, str]] = field(default_factory=list)  # (lower-case name, doc_id)
    shorts: dict[str, str] = field(default_factory=dict)  # exact-case short name -> doc_id
    designations: dict[str, str] = field(default_factory=dict)  # "2018:585" -> doc_id

    @classmethod
    def from_sources(cls, sources: Iterable[Source]) -> DocumentNames:
        names: dict[str, str] = {}
        shorts: dict[str, str] = {}
        designations: dict[str, str] = {}
        for s in sources:
            for n in (s.name, s.name_en, s.title, *s.aliases):
                for v in _variants(n):
                    if len(v) >= 4:
                        names.setdefault(v, s.doc_id)
            if s.short and len(s.short) <= 24:
                shorts[s.short] = s.doc_id
            m = _DESIGNATION.search(s.title)
            if m and s.doc_id.startswith("sfs-"):
                designations.setdefault(m.group(0), s.doc_id)
        ordered = sorted(names.items(), key=lambda kv: -len(kv[0]))
        return cls(ordered, shorts, designations)

    def mentions(self, question: str) -> list[tuple[int, str]]:
        """(position, doc_id) of every document named in the question."""
        found: list[tuple[int, str]] = []
        low = question.lower()
        taken = [False] * len(low)
        for name, doc_id in self.names:
            if name not in low:  # most names are not there: no pattern to build and run (~270 of them)
                continue
            for m in re.finditer(rf"(?<![\wåäö]){re.escape(name)}(?![\wåäö])", low):
                if not any(taken[m.start():m.end()]):
                    found.append((m.start(), doc_id))
                    for i in range(m.start(), m.end()):
                        taken[i] = True
        for short, doc_id in self.shorts.items():
            if short not in question:
                continue
            for m in re.finditer(rf"(?<![\wÅÄÖåäö]){re.escape(short)}(?![\wÅÄÖåäö])", question):
                if not any(taken[m.start():m.end()]):
                    found.append((m.start(), doc_id))
        for m in _DESIGNATION.finditer(question):
            if m.group(0) in self.designations and not any(taken[m.start():m.end()]):
                found.append((m.start(), self.designations[m.group(0)]))
        return sorted(found)


@dataclass
class Resolved:
    clause_ids: list[str]  # resolved clauses, in the order the question names them
    candidates: list[str]  # clause ids that match a reference whose document is not named
    documents: list[str]  # documents the question names (without a provision)


def _locator(ch: str | None, chl: str | None, sec: str, secl: str | None) -> str:
    section = f"{int(sec)}{(secl or '').lower()}"
    return f"{int(ch)}{(chl or '').lower()}:{section}" if ch else section


def resolve(question: str, names: DocumentNames, exists: set[str]) -> Resolved:
    """Clause ids the question cites explicitly. ``exists`` holds the ids of in-force clauses."""
    mentions = names.mentions(question)
    refs: list[tuple[int, str]] = []  # (position, locator)
    spans: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return not any(a < m.end() and m.start() < b for a, b in spans)

    for pattern in (_EN_CH_SEC, _EN_SEC_OF_CH, _CH_SEC):
        for m in pattern.finditer(question):
            if free(m):
                g = m.groupdict()
                refs.append((m.start(), _locator(g["ch"], g.get("chl"), g["sec"], g.get("secl"))))
                spans.append((m.start(), m.end()))
    for m in _COLON.finditer(question):
        if m.group("short") in names.shorts and free(m):
            doc_id = names.shorts[m.group("short")]
            refs.append((m.start(), f"{doc_id}#" + _locator(m.group("ch"), None, m.group("sec"), m.group("secl"))))
            spans.append((m.start(), m.end()))
    for m in _NUMBERED.finditer(question):
        if free(m):
            refs.append((m.start(), f"s:{m.group('n')}"))
            spans.append((m.start(), m.end()))
    for pattern in (_SEC, _EN_SEC):
        for m in pattern.finditer(question):
            if free(m):
                refs.append((m.start(), _locator(None, None, m.group("sec"), m.group("secl"))))
                spans.append((m.start(), m.end()))
    for m in _POINT.finditer(question):
        refs.append((m.start(), f"point:{int(m.group('n'))}{(m.group('l') or '').lower()}"))
    for m in _RECITAL.finditer(question):
        refs.append((m.start(), f"recital:{int(m.group('n'))}"))
    for m in _APPENDIX.finditer(question):
        refs.append((m.start(), f"bilaga-{m.group('n')}" if m.group("n") else "bilaga"))

    mentioned_docs = list(dict.fromkeys(d for _, d in mentions))
    clause_ids: list[str] = []
    candidates: list[str] = []
    for pos, loc in sorted(refs):
        if "#" in loc:
            if loc in exists:
                clause_ids.append(loc)
            continue
        # the nearest named document, preferring one named after the reference ("3 kap. 2 § OSL")
        doc = None
        if mentions:
            after = [d for p, d in mentions if p > pos]
            doc = after[0] if after else mentions[-1][1]
            options = [f"{doc}#{loc}"]
            if loc.startswith("bilaga") and loc == "bilaga":
                options.append(f"{doc}#bilaga-1")
            hit = next((o for o in options if o in exists), None)
            if hit:
                clause_ids.append(hit)
                continue
            # the reference may belong to another named document
            for d in mentioned_docs:
                if f"{d}#{loc}" in exists:
                    clause_ids.append(f"{d}#{loc}")
                    break
            continue
        if loc.startswith(("point:", "recital:", "s:")) or ":" in loc or "§" in question:
            candidates.extend(cid for cid in exists if cid.endswith(f"#{loc}"))
    cited_docs = {cid.split("#", 1)[0] for cid in clause_ids}
    documents = [d for d in mentioned_docs if d not in cited_docs]
    return Resolved(list(dict.fromkeys(clause_ids)), sorted(set(candidates)), documents)
