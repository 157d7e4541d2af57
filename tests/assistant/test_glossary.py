"""The English–Swedish glossary and the agency acronyms that widen a search, and the file they are read from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.glossary import GLOSSARY_FILE, acronym_terms, glossary, load_glossary, swedish_terms
from core.errors import ConfigError


def test_english_terms_map_to_the_corpus_vocabulary() -> None:
    assert "säkerhetspolisen" in swedish_terms("Does the Security Service vet researchers?")


def test_acronyms_in_upper_case_only() -> None:
    assert acronym_terms("Vilka uppgifter har UHR och Säpo?") == ["universitets- och högskolerådet", "säkerhetspolisen"]
    assert acronym_terms("Who must report to the fra office?") == [], "running text is not an acronym"
    assert "myndigheten för samhällsskydd och beredskap" in swedish_terms("What does the MSB do?")


def test_every_acronym_is_upper_case_and_expands_to_a_name() -> None:
    acronyms = glossary().acronyms
    assert all(a == a.upper() and len(a) >= 2 and name and name == name.lower() for a, name in acronyms.items())


def test_the_shipped_glossary_keeps_its_entries_and_their_origin() -> None:
    g = load_glossary(GLOSSARY_FILE)
    assert len(g.terms) == 503 and len(g.acronyms) == 14, "entries are pruned deliberately, never by a loader"
    assert g.terms["security vetting"] == "säkerhetsprövning säkerhetsprövas"
    assert g.topics["security vetting"] == ("protective security (säkerhetsskydd)",
                                            "words sfs-2018-585#1:3, sfs-2018-585#3:1")
    assert all(re.match(r"(heading|definition|clause|words) \S+#|the name of \S+ in corpus/sources.toml", origin)
               for _, origin in g.topics.values()), "every Swedish term says where it stands in the corpus"
    for fitted in ("how long", "deadline", "time limit", "years", "months", "days", "secrecy period"):
        assert fitted not in g.terms, f"{fitted!r} inserted an answer's wording, not a term of the corpus"


GOOD_GROUP = "  - topic: t\n    terms:\n      vetting: {sv: säkerhetsprövning, from: heading a#1}\n"


@pytest.mark.parametrize(("text", "said"), [
    ("glossary:\n" + GOOD_GROUP + "  - topic: u\n    terms:\n      vetting: {sv: x, from: y}\n",
     "line 7: 'vetting': appears twice (first at line 4)"),
    ("glossary:\n  - topic: t\n    terms:\n      vetting: {sv: a, from: b}\n      vetting: {sv: x, from: y}\n",
     "line 5: 'vetting' appears twice in one mapping"),
    ("glossary:\n  - topic: t\n    terms:\n      Vetting: {sv: x, from: y}\n",
     "line 4: 'Vetting': the English phrase must be lower case"),
    ("glossary:\n  - topic: t\n    terms:\n      vetting: {sv: '', from: y}\n",
     "line 4: 'sv': the Swedish terms must be a "),
    ("glossary:\n  - topic: t\n    terms:\n      vetting: säkerhetsprövning\n",
     "line 4: 'vetting': a term is {sv: Swedish terms, from: where they stand in the corpus}"),
    ("glossary:\n  - topic: t\n    terms:\n      vetting: {sv: säkerhetsprövning}\n",
     "line 4: 'vetting': a term has sv (the Swedish terms searched) and from"),
    ("glossary:\n  - topic: t\n    terms:\n      no: {sv: nej, from: y}\n",
     "line 4: the entry's name must be a string"),
    ("glossary:\n  - topic: t\n    terms: {}\n", "'terms': a group has at least one term"),
    ("glossary:\n  - topic: t\n    term:\n      a: {sv: b, from: c}\n", "line 3: 'term': unknown field"),
    ("glossary:\n" + GOOD_GROUP + "acronyms:\n  uhr: x\n", "line 6: 'uhr': an acronym is two or more upper-case"),
    ("glossary:\n" + GOOD_GROUP + "acronyms:\n  UHR: UHR\n",
     "line 6: 'UHR': the agency's name must be lower case"),
    ("glossary:\n" + GOOD_GROUP + "acronym:\n  UHR: x\n", "line 5: 'acronym': unknown section"),
    ("glossary: x\n", "glossary must be a list"),
])
def test_a_malformed_glossary_is_refused_with_file_line_and_problem(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(text if "acronym" in text else text + "acronyms:\n  UHR: x\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_glossary(path)
    assert said in str(err.value) and str(path) in str(err.value), str(err.value)
