"""Every sentence of an answer is a template phrase or a verbatim quote — checked on many answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assistant.compose import ELLIPSIS, binding_label, label_en, lead_phrase, permalink, phrase
from assistant.leads import load_leads
from assistant.qtype import TYPES
from core.records import Clause
from core.sources import Source

SUITE = Path(__file__).resolve().parents[2] / "eval" / "suites" / "dev.yaml"


@pytest.mark.parametrize(("label", "english"), [
    ("2 kap. 1 §", "chapter 2 section 1"),
    ("3 kap. 4 a §", "chapter 3 section 4 a"),
    ("40 a §", "section 40 a"),
    ("Övergångsbestämmelser (2021:952)", "transitional provisions (2021:952)"),
    ("Bilaga 2", "appendix 2"),
    ("Bilaga", "appendix"),
    ("Regeringens beslut, st. 2", "Regeringens beslut, paragraph 2"),
    ("3 kap. 19 § (lydelse t.o.m. 2026-03-01)", "chapter 3 section 19 (wording until 2026-03-01)"),
    ("avsnitt 4.2", "section 4.2"),
    ("punkt 5 b", "point 5(b)"),
    ("skäl 12", "recital 12"),
])
def test_labels_in_english(label: str, english: str) -> None:
    assert label_en(label) == english


def test_binding_levels_are_named_for_the_reader() -> None:
    def src(kind: str, binding: str) -> Source:
        return Source(doc_id="x-1", title="T", kind=kind, binding=binding, lang="sv", format="text", path="x")

    assert binding_label(src("statute", "law"), "sv") == "lag"
    assert binding_label(src("ordinance", "law"), "sv") == "förordning"
    assert binding_label(src("recommendation", "recommendation"), "en") == "recommendation"
    assert binding_label(src("guideline", "guidance"), "sv") == "vägledning"
    assert binding_label(src("page", "information"), "en") == "information"


def test_permalink_carries_the_highlight_and_keeps_the_locator_readable() -> None:
    clause = Clause("sfs-2018-585#3:19@2026-03-01", "sfs-2018-585", "3:19@2026-03-01", "3 kap. 19 §", (), "x", "sv", 0)
    assert permalink(clause, [(0, 10), (12, 30)]) == "/c/sfs-2018-585/3:19@2026-03-01?hl=0-10,12-30"


def _phrase_patterns() -> list[re.Pattern[str]]:
    """Every phrase the templates can produce, with the free arguments as wildcards."""
    sentinels = [f"\x00{i}\x00" for i in range(4)]

    def pattern(text: str) -> re.Pattern[str]:
        escaped = re.escape(text)
        for s in sentinels:
            escaped = escaped.replace(re.escape(s), r"(.+?)")
        return re.compile(f"^{escaped}$", re.S)

    out = []
    for lang in ("sv", "en"):
        for qtype in (*TYPES, "reference", *(lead for _, lead, _ in load_leads())):
            out.append(pattern(lead_phrase(qtype, lang, *sentinels[:3])))
        out.append(pattern(phrase("also", lang, *sentinels[:3])))
        for name in ("in_swedish", "abstain", "possibly_related", "related_heading", "sources_heading", "privacy",
                     "masked"):
            out.append(pattern(phrase(name, lang)))
        for status in ("expired", "not_yet_in_force", "repealed"):
            out.append(pattern(phrase(f"not_in_force_{status}", lang, sentinels[0])))
            out.append(pattern(phrase(f"not_in_force_{status}", lang, "")))
        out.append(pattern(phrase("related_item", lang, *sentinels[:2], phrase("definition_of", lang, sentinels[2]),
                                  sentinels[3])))
        for n in (1, 2, 3):
            out.append(pattern(phrase("not_in_sources", lang, sentinels[:n])))
        out.append(pattern(phrase("item", lang, *sentinels[:3])))
        out.append(pattern(phrase("related_item", lang, sentinels[0], sentinels[1], "", sentinels[2])))
        out.append(pattern(phrase("source_line", lang, *sentinels)))
    return out


@pytest.mark.model
def test_every_sentence_is_a_template_phrase_or_a_verbatim_quote(real_assistant) -> None:  # type: ignore[no-untyped-def]
    patterns = _phrase_patterns()
    questions = [q["question"] for q in yaml.safe_load(SUITE.read_text(encoding="utf-8"))]
    questions += ["SSL 3:11", "Vad säger 2 kap. 1 § säkerhetsskyddslagen?", "What is the capital of Australia?",
                  "Mitt personnummer är 850312-1234, måste jag säkerhetsprövas?"]
    checked_quotes = 0
    for question in questions:
        answer = real_assistant.answer(question)
        assert "".join(p.text for p in answer.parts) == answer.text, "the text is exactly its parts"
        for part in answer.parts:
            if part.kind == "quote":
                clause = real_assistant.index.clause(part.clause_id)
                assert part.text in clause.text, f"{question!r}: quote not verbatim in {part.clause_id}: {part.text!r}"
                checked_quotes += 1
            elif part.kind == "phrase":
                assert any(p.match(part.text) for p in patterns), f"{question!r}: not a template phrase: {part.text!r}"
            elif part.kind == "support":
                assert part.text in (real_assistant.settings.support_sv, real_assistant.settings.support_en)
            elif part.kind == "marker":
                assert part.text in ("”", ELLIPSIS) or re.fullmatch(r" \[\d+\]", part.text), part.text
            else:
                assert part.kind == "space" and not part.text.strip(" \n-"), f"stray text {part.text!r}"
        for citation in answer.citations:
            clause = real_assistant.index.clause(citation.clause_id)
            for segment in citation.quote.split(ELLIPSIS):
                assert segment in clause.text, "a citation's quote is verbatim"
            for a, b in citation.highlights:
                assert 0 <= a < b <= len(clause.text), "highlight spans lie inside the clause"
    assert checked_quotes > 150, "enough quotes were checked to mean something"


def test_the_three_defining_forms_and_the_most_specific_term() -> None:
    from types import SimpleNamespace

    from assistant.compose import defining_clauses, find_defined_terms

    def section(n: int, text: str) -> Clause:
        return Clause(f"sfs-1#{n}", "sfs-1", str(n), f"{n} §", (), text, "sv", n, kind="section")

    clauses = [
        section(1, "Denna lag gäller för den som bedriver verksamhet av betydelse för Sveriges säkerhet "
                   "(säkerhetskänslig verksamhet)."),
        section(2, "Med verksamhetsutövare avses den som bedriver verksamheten."),
        section(3, "I denna lag betyder\n1. incident: en händelse som äventyrar tillgängligheten,\n"
                   "2. verksamhet: det som bedrivs."),
        section(4, "Säkerhetskänslig verksamhet ska anmälas (se 2 §). Någon incident: inte definierad här."),
    ]
    terms = find_defined_terms(SimpleNamespace(clauses=clauses))  # type: ignore[arg-type]
    assert sorted((term, i) for _, term, i in terms) == [
        ("incident", 2), ("säkerhetskänslig verksamhet", 0), ("verksamhet", 2), ("verksamhetsutövare", 1)]
    assert defining_clauses(terms, "Vad menas med säkerhetskänslig verksamhet?") == [0], "not the one of 'verksamhet'"
    assert defining_clauses(terms, "vad är en incident enligt lagen") == [2]
    assert defining_clauses(terms, "Vem beslutar om placering?") == []
