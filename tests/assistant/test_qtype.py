"""The question type (which template answers) is chosen by rules, one case each."""

from __future__ import annotations

import pytest

from assistant.qtype import TYPES, question_type


@pytest.mark.parametrize(("question", "expected"), [
    ("Vad menas med säkerhetskänslig verksamhet?", "definition"),
    ("What is meant by a security-sensitive activity?", "definition"),
    ("What does säkerhetsskyddsklass mean?", "definition"),
    ("Måste vi säkerhetspröva externa konsulter?", "obligation"),
    ("Do we have to sign a security protection agreement?", "obligation"),
    ("Vem ansvarar för säkerhetsskyddet?", "responsibility"),
    ("Which authority supervises universities?", "responsibility"),
    ("Hur länge gäller sekretessen?", "procedure"),
    ("When must the agreement be signed?", "procedure"),
    ("Vilket straff kan man få för spioneri?", "sanctions"),
    ("How large can the sanction fee be?", "sanctions"),
    ("Vilka undantag finns från kravet på säkerhetsprövning?", "exception"),
    ("Are members of parliament exempt from vetting?", "exception"),
    ("säkerhetsskydd forskning", "general"),
])
def test_question_type(question: str, expected: str) -> None:
    assert question_type(question) == expected, f"{question!r} should be a {expected} question"


def test_every_type_has_a_lead_phrase_in_both_languages() -> None:
    from assistant.compose import phrase

    for qtype in (*TYPES, "reference"):
        for lang in ("sv", "en"):
            text = phrase("lead", qtype, lang, "NAME", "BINDING", "LABEL")
            assert "NAME" in text and "BINDING" in text, f"the {qtype}/{lang} lead must name the source and binding"
