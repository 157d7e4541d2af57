"""Related provisions clear an evidence bar of their own."""

from __future__ import annotations

from assistant.related import clears_bar
from assistant.retrieve import Scored

COMPANIONS = {"sfs-2018-585": ["sfs-2021-955"], "sfs-2021-955": ["sfs-2018-585"]}


def test_near_in_a_cited_document_or_its_companion() -> None:
    hit = Scored(1, 0.7, 0.8, 40, 1.0, 60)  # found by neither retriever near the top, but in a cited act
    assert clears_bar(hit, 1.0, "sfs-2018-585", {"sfs-2018-585"}, COMPANIONS)
    assert clears_bar(hit, 1.0, "sfs-2021-955", {"sfs-2018-585"}, COMPANIONS), "the companion ordinance"
    assert not clears_bar(Scored(1, 0.5, 0.8, 0, 1.0, 0), 1.0, "sfs-2018-585", {"sfs-2018-585"}, COMPANIONS), \
        "far below the first hit"


def test_another_document_needs_both_retrievers() -> None:
    both = Scored(1, 0.8, 0.8, 3, 5.0, 4)
    dense_only = Scored(2, 0.8, 0.9, 0, 0.0, None)  # a press release that reads like the question
    words_only = Scored(3, 0.8, 0.7, 80, 9.0, 0)  # a clause that shares one term
    assert clears_bar(both, 1.0, "sfs-1960-729", {"sfs-2018-585"}, COMPANIONS)
    assert not clears_bar(dense_only, 1.0, "pm-2025-05", {"sfs-2018-585"}, COMPANIONS)
    assert not clears_bar(words_only, 1.0, "sfs-1960-729", {"sfs-2018-585"}, COMPANIONS)
