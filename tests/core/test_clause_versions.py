"""The relatives of a clause in the index, found by id: other wordings, earlier versions, neighbours and
the same clause in the parallel language version (core.versions; the clause page and API use them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.records import Clause
from core.sources import Source
from core.versions import (
    current_clause_id,
    neighbours,
    other_wordings,
    parallel_clause_id,
    previous_clause_ids,
    previous_locator,
)


@dataclass
class _Document:
    source: Source


@dataclass
class _Index:
    """The parts of core.store.IndexData the functions read."""

    clauses: list[Clause]
    documents: dict[str, Any] = field(default_factory=dict)
    by_id: dict[str, int] = field(default_factory=dict)
    by_doc: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for i, c in enumerate(self.clauses):
            self.by_id[c.clause_id] = i
            self.by_doc.setdefault(c.doc_id, []).append(i)


def _clause(doc_id: str, locator: str, ordinal: int) -> Clause:
    return Clause(f"{doc_id}#{locator}", doc_id, locator, locator, (), f"Text {locator}.", "sv", ordinal)


def _source(doc_id: str, parallel: str = "") -> Source:
    return Source(doc_id, doc_id, "statute", "law", "sv", "text", parallel=parallel)


def _index() -> _Index:
    clauses = [_clause("a", loc, n) for n, loc in enumerate(
        ["1", "2", "2@2026-03-01", "3", "2@v2024-01-01", "3@v2024-01-01", "2@v2023-01-01"])]
    clauses += [_clause("b", "1", 0), _clause("b", "2", 1), _clause("c", "1", 0)]
    documents = {"a": _Document(_source("a", parallel="b")), "b": _Document(_source("b")),
                 "c": _Document(_source("c"))}
    return _Index(clauses, documents)


def test_previous_locator_and_current_id_are_inverse() -> None:
    locator = previous_locator("s:4.2", "2024-05-15")
    assert locator == "s:4.2@v2024-05-15"
    assert current_clause_id(f"vr#{locator}") == "vr#s:4.2", "the @v suffix names an earlier version"
    assert current_clause_id("sfs-2018-585#3:19@2026-03-01") == "sfs-2018-585#3:19@2026-03-01", \
        "a dated wording is not an earlier version of the file"


def test_other_wordings_are_every_clause_with_the_same_locator_before_the_at_sign_in_reading_order() -> None:
    index = _index()
    two = index.clauses[1]
    assert [c.locator for c in other_wordings(index, two)] == ["2@2026-03-01", "2@v2024-01-01", "2@v2023-01-01"]
    dated = index.clauses[2]
    assert [c.locator for c in other_wordings(index, dated)] == ["2", "2@v2024-01-01", "2@v2023-01-01"], \
        "from another wording, the one in force is listed too"
    assert other_wordings(index, index.clauses[0]) == [], "a clause with one wording has no others"


def test_previous_clause_ids_newest_first() -> None:
    assert previous_clause_ids(_index(), "a#2") == ["a#2@v2024-01-01", "a#2@v2023-01-01"]


def test_neighbours_in_reading_order() -> None:
    index = _index()
    first, second, last = index.clauses[0], index.clauses[1], index.clauses[6]
    assert neighbours(index, first) == (None, second), "the first clause has no predecessor"
    assert neighbours(index, second)[0] == first
    assert neighbours(index, last) == (index.clauses[5], None), "the last clause has no successor"


def test_parallel_clause_in_either_direction() -> None:
    index = _index()
    assert parallel_clause_id(index, "a#2") == "b#2", "a names b as its parallel version"
    assert parallel_clause_id(index, "b#1") == "a#1", "the link is read backwards too"
    assert parallel_clause_id(index, "a#3") is None, "no counterpart, no link"
    assert parallel_clause_id(index, "c#1") is None and parallel_clause_id(index, "x#1") is None
