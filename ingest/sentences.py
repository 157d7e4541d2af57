"""Sentence spans inside a clause, for quoting and highlighting.

A sentence never crosses a line of the clause text (a stycke or punkt). Abbreviations
common in Swedish statutes ("m.m.", "t.ex.", "kap.") do not end a sentence.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    """m.m bl.a t.ex dvs d.v.s s.k jfr kap st p nr resp prop bet rskr ang ca f.d m.fl o.d osv etc e.g i.e
    art kungl fr.o.m t.o.m p.g.a enl mom jfr. u.s no inkl exkl tel sek milj mdkr mkr""".split()
)
# a sentence ends after [.!?] and any closing quotes or brackets (which belong to it)
_END = re.compile(r"(?<=[.!?])(?P<close>[\"”’)]*)\s+(?=[\"“(]?[A-ZÅÄÖ0-9–-])")
_LIST_NUMBER = re.compile(r"^\s*(?:\d+\s?[a-z]?|[a-zåäö])\.$")  # "1." or "2 a." opening a punkt


def _ends_with_abbreviation(text: str) -> bool:
    last = text.rstrip().rsplit(" ", 1)[-1].lower().rstrip("\"”’)").rstrip(".").lstrip("(")
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of ``text``; together they cover all non-space text."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        start = 0
        for m in _END.finditer(line):
            end = m.start() + len(m.group("close"))
            candidate = line[start:end]
            if _ends_with_abbreviation(candidate) or _LIST_NUMBER.match(candidate):
                continue
            if candidate.strip():
                spans.append((offset + start, offset + end))
            start = m.end()
        if line[start:].strip():
            spans.append((offset + start, offset + len(line.rstrip())))
        offset += len(line) + 1
    return spans


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
