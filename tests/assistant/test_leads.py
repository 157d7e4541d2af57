"""The lead phrase fits the question: who is covered vs who is responsible, when, may vs must."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.compose import lead_phrase
from assistant.leads import lead_kind, load_leads
from assistant.qtype import question_type
from core.errors import ConfigError


@pytest.mark.parametrize("question, lead", [
    ("Vem ska säkerhetsprövas?", "covered"),
    ("Vilka omfattas av kravet på säkerhetsskyddsanalys?", "covered"),
    ("Who must undergo security vetting?", "covered"),
    ("Vem ansvarar för säkerhetsskyddet?", "responsibility"),
    ("Which authority supervises universities?", "responsibility"),
    ("När ska säkerhetsprövningen vara klar?", "time"),
    ("How long is the decision valid?", "time"),
    ("Hur går en registerkontroll till?", "procedure"),
    ("Får vi dela uppgifterna med en utländsk partner?", "permission"),
    ("May we share the data with a partner abroad?", "permission"),
    ("Måste vi göra en säkerhetsskyddsanalys?", "requirement"),
    ("Vad är en säkerhetsskyddsanalys?", "definition"),
])
def test_the_lead_fits_the_question(question: str, lead: str) -> None:
    assert lead_kind(question, question_type(question)) == lead, question


def test_the_leads_read_as_intended() -> None:
    assert lead_phrase("covered", "sv", "säkerhetsskyddslagen", "lag", "3 kap. 1 §") == \
        "Vilka som omfattas framgår av säkerhetsskyddslagen (lag), 3 kap. 1 §:"
    assert lead_phrase("time", "en", "the Act", "statute", "section 2").startswith("When and for how long")
    for _, lead, _ in load_leads():
        assert lead_phrase(lead, "sv", "n", "b", "l") != lead_phrase("general", "sv", "n", "b", "l"), \
            f"lead_{lead} has its own phrase"


def test_a_rule_without_its_reason_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "leads.yaml"
    path.write_text("- type: responsibility\n  lead: covered\n  words: [vem ska]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 1"):
        load_leads(path)
    path.write_text("- type: nonsense\n  lead: x\n  why: a reason for the words\n  words: [a]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown question type"):
        load_leads(path)
