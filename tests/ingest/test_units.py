"""Stycken and punkter: one numbering, two list styles (statutes; reports, guidelines and EU acts)."""

from __future__ import annotations

from ingest.units import REPORT_LISTS, STATUTE_LISTS, number_units


def _numbers(blocks: list[str], style: object) -> list[tuple[str, str, str]]:
    text, units = number_units(blocks, style)  # type: ignore[arg-type]
    return [(u.kind, u.number, text[u.start : u.end]) for u in units]


def test_statute_punkter_carry_their_number_and_letter() -> None:
    blocks = ["Med X avses", "1. det första,", "2 a. det andra,", "a) ett led under 2 a,", "– ett streck.",
              "Andra stycket."]
    got = _numbers(blocks, STATUTE_LISTS)
    assert [(k, n) for k, n, _ in got] == [
        ("stycke", "1"), ("punkt", "1:1"), ("punkt", "1:2a"), ("punkt", "1:2aa"), ("punkt", "1:-"), ("stycke", "2"),
    ], "statutes: '2 a.' is punkt 2a, a letter under it joins its number, a dash item is '-'"
    assert got[0][2] == "\n".join(blocks[:5]), "a stycke's span runs over the list it introduces"


def test_a_statute_list_on_the_first_line_opens_stycke_1() -> None:
    got = _numbers(["1. Denna lag träder i kraft den 1 juli.", "2. Äldre föreskrifter gäller."], STATUTE_LISTS)
    assert [(k, n) for k, n, _ in got] == [("stycke", "1"), ("punkt", "1:1"), ("punkt", "1:2")], (
        "transitional provisions are one numbered list: it is stycke 1"
    )


def test_report_bullets_are_numbered_by_their_place() -> None:
    got = _numbers(["Myndigheten ska", "• analysera,", "• föreslå,", "b) utreda.", "Sista stycket."], REPORT_LISTS)
    assert [(k, n) for k, n, _ in got] == [
        ("stycke", "1"), ("punkt", "1:1"), ("punkt", "1:2"), ("punkt", "1:b"), ("stycke", "2"),
    ], "reports: bullets count from 1 in the clause, a letter item keeps its letter"


def test_a_report_list_before_any_stycke_starts_with_a_stycke() -> None:
    got = _numbers(["• första,", "• andra."], REPORT_LISTS)
    assert [(k, n) for k, n, _ in got] == [("stycke", "1"), ("punkt", "1:1")], (
        "without an introducing paragraph the first item is the stycke the others belong to"
    )
