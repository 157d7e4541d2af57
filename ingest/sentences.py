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
_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“(]?[A-ZÅÄÖ0-9–-])")


def _ends_with_abbreviation(text: str) -> bool:
    last = text.rstrip().rsplit(" ", 1)[-1].lower().rstrip(".").lstrip("(")
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of ``text``; together they cover all non-space text."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        start = 0
        for m in _END.finditer(line):
            candidate = line[start:m.start()]
            if _ends_with_abbreviation(candidate):
                continue
            if candidate.strip():
                spans.append((offset + start, offset + m.start()))
            start = m.end()
        if line[start:].strip():
            spans.append((offset + start, offset + len(line.rstrip())))
        offset += len(line) + 1
    return spans


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
