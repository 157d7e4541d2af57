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
    from assistant.compose import lead_phrase

    for qtype in (*TYPES, "reference"):
        for lang in ("sv", "en"):
            text = lead_phrase(qtype, lang, "NAME", "BINDING", "LABEL")
            assert "NAME" in text and "BINDING" in text, f"the {qtype}/{lang} lead must name the source and binding"


def test_the_shipped_rules_cover_every_type_but_general() -> None:
    from assistant.qtype import load_rules

    assert {kind for kind, _ in load_rules()} == set(TYPES) - {"general"}


@pytest.mark.parametrize(("text", "said"), [
    ("- type: sanctions\n  words: [böter]\n- type: sanctions\n  words: [vite]\n",
     "line 3: 'type': a second rule for 'sanctions'"),
    ("- type: penalty\n  words: [böter]\n", "line 1: 'type': unknown question type 'penalty'"),
    ("- type: sanctions\n  words: [böter, '(unclosed']\n", "line 2: '(unclosed' is not a valid regular expression"),
    ("- type: sanctions\n  words:\n    - böter\n    - böter\n", "line 4: 'böter' appears twice"),
    ("- type: sanctions\n  words: []\n", "'words': a rule has at least one word"),
    ("- type: sanctions\n  word: [böter]\n", "line 2: 'word': unknown field"),
])
def test_malformed_rules_are_refused_with_file_line_and_problem(tmp_path, text: str, said: str) -> None:  # type: ignore[no-untyped-def]
    from assistant.qtype import load_rules
    from core.errors import ConfigError

    path = tmp_path / "qtype.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    assert said in str(err.value) and str(path) in str(err.value), str(err.value)
