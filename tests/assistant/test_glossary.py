"""The English–Swedish glossary and the agency acronyms that widen a search."""

from __future__ import annotations

from assistant.glossary import ACRONYMS, acronym_terms, swedish_terms


def test_english_terms_map_to_the_corpus_vocabulary() -> None:
    assert "säkerhetspolisen" in swedish_terms("Does the Security Service vet researchers?")


def test_acronyms_in_upper_case_only() -> None:
    assert acronym_terms("Vilka uppgifter har UHR och Säpo?") == ["universitets- och högskolerådet", "säkerhetspolisen"]
    assert acronym_terms("Who must report to the fra office?") == [], "running text is not an acronym"
    assert "myndigheten för samhällsskydd och beredskap" in swedish_terms("What does the MSB do?")


def test_every_acronym_is_upper_case_and_expands_to_a_name() -> None:
    assert all(a == a.upper() and len(a) >= 2 and name and name == name.lower() for a, name in ACRONYMS.items())
