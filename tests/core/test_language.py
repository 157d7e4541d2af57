"""Swedish or English: the answer follows the question's language."""

from __future__ import annotations

import pytest

from core.language import detect_language

VOCABULARY = frozenset({"säkerhetsprövning", "registerkontroll", "register", "sanktionsavgift"})


@pytest.mark.parametrize(("question", "expected"), [
    ("Måste vi säkerhetspröva externa konsulter?", "sv"),
    ("Vem ska säkerhetsprövas?", "sv"),
    ("Who must undergo security vetting?", "en"),
    ("What does the law say about classified information?", "en"),
    ("security vetting register check", "en"),
    ("sanktionsavgift säkerhetsskyddslagen", "sv"),
    ("Is a security protection agreement needed?", "en"),
])
def test_language(question: str, expected: str) -> None:
    assert detect_language(question, VOCABULARY) == expected


def test_undecided_falls_back_to_swedish() -> None:
    assert detect_language("2018:585") == "sv", "Swedish is the default language of the service"
