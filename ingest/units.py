"""Stycken and punkter inside a clause: the one numbering every segmenter uses.

A clause's paragraphs are joined with newlines; each paragraph is a stycke unless it is
a list item, which is a punkt of the stycke that introduces it (a stycke's span runs
over its list). How list items are written and numbered differs by kind of document,
and :class:`ListStyle` says how:

- statutes (:data:`STATUTE_LISTS`) number their punkter "1.", "2 a." and "a)"; a lettered
  item under "2." is punkt "2a"; a dash item is "-"; a list on the first line (as in
  transitional provisions) opens stycke 1;
- reports, guidelines and EU acts (:data:`REPORT_LISTS`) write "•", "–", "a)", "(b)",
  "1)" or "1."; an item without a number or letter is numbered by its place in the
  clause; a list before any stycke starts with a stycke (its first item) that the
  other items belong to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.records import Unit


@dataclass(frozen=True)
class ListStyle:
    """How list items look in a kind of document and how their punkter are numbered.

    ``item`` matches the start of a list item; its groups ``number`` (and ``dotted``) carry
    a number, ``sub`` a letter after that number ("2 a."), ``letter`` a letter item ("a)").
    """

    item: re.Pattern[str]
    letters_under_numbers: bool  # "a)" after "2." is punkt "2a" (statutes) or "a" (reports)
    unnumbered: Literal["dash", "count"]  # a bullet item is punkt "-" or numbered by its place
    list_opens_stycke: bool  # a list before any stycke belongs to stycke 1, or is read as stycken


STATUTE_LISTS = ListStyle(
    re.compile(r"^(?:(?P<number>\d+)\s?(?P<sub>[a-z])?\.|(?P<letter>[a-zåäö])\)|[-–•])\s"),
    letters_under_numbers=True,
    unnumbered="dash",
    list_opens_stycke=True,
)
REPORT_LISTS = ListStyle(
    re.compile(
        r"^(?:[•·▪◦●■–—-]\s|\(?(?P<letter>[a-zåäö])\)\s|\(?(?P<number>\d{1,2})\)\s|(?P<dotted>\d{1,2})\.\s)"
    ),
    letters_under_numbers=False,
    unnumbered="count",
    list_opens_stycke=False,
)


def number_units(blocks: list[str], style: ListStyle) -> tuple[str, tuple[Unit, ...]]:
    """The clause text (paragraphs joined with newlines) and its stycken and punkter."""
    text = ""
    units: list[Unit] = []
    stycke = 0
    stycke_at = -1  # index in `units` of the open stycke
    punkter = 0
    last_number = ""
    for i, block in enumerate(blocks):
        if i:
            text += "\n"
        start = len(text)
        text += block
        m = style.item.match(block)
        if m and not stycke and style.list_opens_stycke:
            stycke, stycke_at = 1, len(units)
            units.append(Unit("stycke", "1", start, len(text)))
        if m and stycke:
            groups = m.groupdict()
            number = groups.get("number") or groups.get("dotted")
            if number:
                last_number = number = f"{int(number)}{groups.get('sub') or ''}"
            elif groups.get("letter"):
                letter = groups["letter"]
                number = f"{last_number}{letter}" if style.letters_under_numbers and last_number else letter
            else:
                number = "-" if style.unnumbered == "dash" else str(punkter + 1)
            punkter += 1
            units.append(Unit("punkt", f"{stycke}:{number}", start, len(text)))
            opened = units[stycke_at]  # a list belongs to the stycke that introduces it
            units[stycke_at] = Unit("stycke", opened.number, opened.start, len(text))
        else:
            stycke += 1
            stycke_at = len(units)
            units.append(Unit("stycke", str(stycke), start, len(text)))
    units.sort(key=lambda u: (u.start, u.kind != "stycke"))
    return text, tuple(units)
