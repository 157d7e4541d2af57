"""Explicit references in questions resolve straight to their clause (a table of cases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.references import DocumentNames, resolve
from core.sources import Source, load_sources

MANIFEST = Path(__file__).resolve().parents[2] / "corpus" / "sources.toml"

EU = Source(doc_id="eu-c-2024-3510-sv", title="Rådets rekommendation (C/2024/3510) om ökad forskningssäkerhet",
            kind="recommendation", binding="recommendation", lang="sv", format="eurlex", short="C/2024/3510",
            name="rådsrekommendationen", name_en="the Council Recommendation on research security",
            aliases=("rådets rekommendation", "rekommendationen om forskningssäkerhet"), path="x.html")

EXISTS = {
    "sfs-2018-585#2:1", "sfs-2018-585#3:11", "sfs-2018-585#3:4a", "sfs-2018-585#3:1", "sfs-2018-585#1:1",
    "sfs-2009-400#24:8", "sfs-1992-1434#1:6", "sfs-1960-729#40a", "sfs-2021-955#2:1", "sfs-2024-664#5",
    "sfs-2023-560#5", "eu-c-2024-3510-sv#point:5", "eu-c-2024-3510-sv#point:5b", "eu-c-2024-3510-sv#recital:12",
    "sfs-2021-955#bilaga", "sfs-2018-585#overgang:2021-952",
}


@pytest.fixture(scope="module")
def names() -> DocumentNames:
    return DocumentNames.from_sources([*load_sources(MANIFEST), EU])


@pytest.mark.parametrize(("question", "expected"), [
    ("Vad säger 2 kap. 1 § säkerhetsskyddslagen?", ["sfs-2018-585#2:1"]),
    ("SSL 3:11", ["sfs-2018-585#3:11"]),
    ("Vad står i OSL 24 kap. 8 §?", ["sfs-2009-400#24:8"]),
    ("3 kap. 4 a § säkerhetsskyddslagen", ["sfs-2018-585#3:4a"]),
    ("Vad innebär 1 kap. 6 § högskolelagen för forskare?", ["sfs-1992-1434#1:6"]),
    ("40 a § upphovsrättslagen", ["sfs-1960-729#40a"]),
    ("Enligt säkerhetsskyddslagens 2 kap. 1 §, vad ska göras?", ["sfs-2018-585#2:1"]),
    ("säkerhetsskyddslagen 3 kap. 1 §", ["sfs-2018-585#3:1"]),
    ("What does chapter 2 section 1 of the Protective Security Act say?", ["sfs-2018-585#2:1"]),
    ("Explain section 6 of chapter 1 of the Higher Education Act", ["sfs-1992-1434#1:6"]),
    ("Chapter 3, section 4a of the Protective Security Act", ["sfs-2018-585#3:4a"]),
    ("punkt 5 i rådsrekommendationen", ["eu-c-2024-3510-sv#point:5"]),
    ("Vad säger punkt 5 b i rådets rekommendation?", ["eu-c-2024-3510-sv#point:5b"]),
    ("skäl 12 i rådsrekommendationen", ["eu-c-2024-3510-sv#recital:12"]),
    ("2 kap. 1 § säkerhetsskyddsförordningen", ["sfs-2021-955#2:1"]),
    ("SSL 3:11 och OSL 24 kap. 8 §", ["sfs-2018-585#3:11", "sfs-2009-400#24:8"]),
])
def test_reference_goes_straight_to_the_clause(names: DocumentNames, question: str, expected: list[str]) -> None:
    got = resolve(question, names, EXISTS)
    assert got.clause_ids == expected, f"{question!r} should resolve to {expected}, got {got}"


def test_a_designation_names_the_document(names: DocumentNames) -> None:
    got = resolve("Vilka krav ställer 2018:585 på säkerhetsskyddsavtal?", names, EXISTS)
    assert got.documents == ["sfs-2018-585"], "a bare SFS number names the act, without a provision"
    assert got.clause_ids == []


def test_a_section_without_its_act_lists_the_candidates(names: DocumentNames) -> None:
    got = resolve("Vad säger 5 §?", names, EXISTS)
    assert got.clause_ids == [], "no act named: nothing is resolved for certain"
    assert {"sfs-2024-664#5", "sfs-2023-560#5"} <= set(got.candidates), "every act with a 5 § is a candidate"


def test_a_reference_to_a_missing_provision_resolves_to_nothing(names: DocumentNames) -> None:
    got = resolve("Vad säger 99 kap. 1 § säkerhetsskyddslagen?", names, EXISTS)
    assert got.clause_ids == [], "a provision that does not exist must not be invented"


def test_an_unknown_short_name_is_not_a_reference(names: DocumentNames) -> None:
    got = resolve("SFS 2018:585 gäller", names, EXISTS)
    assert got.clause_ids == [], "'SFS 2018:585' is a designation, not chapter 2018 section 585"
    assert got.documents == ["sfs-2018-585"]


def test_document_names_in_english_and_inflected_swedish(names: DocumentNames) -> None:
    cases = [("the Protective Security Act", "sfs-2018-585"), ("högskolelagens regler", "sfs-1992-1434"),
             ("Offentlighets- och sekretesslagen", "sfs-2009-400"), ("cybersäkerhetslagen", "sfs-2025-1506")]
    for question, doc in cases:
        assert [d for _, d in names.mentions(question)] == [doc], f"{question!r} names {doc}"
