"""The scope map: neighbouring areas the sources do not cover, and questions with nothing to search."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.scope import SCOPE_FILE, areas, has_content, load_areas, off_map
from core.errors import ConfigError


def test_every_area_says_why_it_is_out_of_scope() -> None:
    loaded = load_areas(SCOPE_FILE)
    assert {a.name for a in loaded} >= {"data_protection", "export_control", "ethics_review", "migration",
                                         "employment", "tax", "named_countries"}
    assert all(len(a.why) > 40 for a in loaded), "each area explains itself"


def test_an_area_counts_only_when_no_best_clause_touches_it() -> None:
    question = "Måste vi anmäla en personuppgiftsincident till IMY inom 72 timmar?"
    assert off_map(question, ["Verksamhetsutövaren ska rapportera incidenten till tillsynsmyndigheten."]) \
        == ["data_protection"]
    # the research-databases act names the GDPR: a question about how they relate is in scope
    assert off_map("How does the act relate to the GDPR?", ["kompletterar EU:s dataskyddsförordning"]) == []


def test_short_terms_match_whole_words_only() -> None:
    assert not any(a.used_in("Vad visar registerkontrollen?") for a in areas()), "'visa' is not 'visar'"
    assert [a.name for a in areas() if a.used_in("Do I need a visa for the conference?")] == ["migration"]


def test_a_question_needs_a_word_the_sources_could_know() -> None:
    known = {"säkerhetsprövning", "vetting"}.__contains__
    assert has_content("Vad gäller för säkerhetsprövning?", known)
    for nonsense in ("???", "🙂🙂", "asdf qwerty", ""):
        assert not has_content(nonsense, known), nonsense


def test_a_malformed_map_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "scope.yaml"
    path.write_text("tax:\n  why: Taxes are not in the corpus, nor are customs duties or VAT rules.\n"
                    "  terms: [skatt, Moms]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 3: area 'tax': 'Moms' is not a lower-case term"):
        load_areas(path)
    path.write_text("tax:\n  terms: [skatt]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="needs `why`"):
        load_areas(path)
