"""The abstention evidence features that need no index: what a question names and what it asks for."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.abstain import Evidence, Vocabulary, fact_unmet, fit, measure, names, unknown_names

VOCABULARY = Vocabulary({"säkerhetsskydd", "riksdagen", "vinnova", "sverige", "universitet", "schweiz"})
KNOWN = frozenset({"säkerhetsskyddslagen", "ssl", "protective security act", "eu", "isp"})


@pytest.mark.parametrize(("question", "expected"), [
    ("Vad säger säkerhetsskyddslagen?", ["säkerhetsskyddslagen"]),
    ("Can Uppsala University decide?", ["Uppsala University"]),
    ("What does point 5 of C/2024/3510 say?", ["C/2024/3510"]),
    ("How do I apply to ISP and PRV?", ["ISP", "PRV"]),
    ("Vad tycker regeringen om förslaget till bolagets förslag?", []),  # "-slag", "-lag" words are no statutes
    ("What is security?", []),
    ("Can a PhD student use ChatGPT?", ["PhD", "ChatGPT"]),  # whole words, not "Ph" and "Chat"
])
def test_names_in_a_question(question: str, expected: list[str]) -> None:
    assert names(question) == expected


@pytest.mark.parametrize(("question", "unknown"), [
    ("Vad säger säkerhetsskyddslagen om säkerhetsskydd?", []),
    ("Vad är straffskalan för spioneri enligt brottsbalken?", ["brottsbalken"]),  # a statute not in the index
    ("Does the Protective Security Act apply to the Riksdag?", []),  # "Riksdag" ~ "riksdagen"
    ("Does the EU guideline apply in Sweden?", []),
    ("What is the deadline for Horizon Europe applications?", ["Horizon Europe"]),
    ("What interest rate applies to loans from CSN?", ["CSN"]),
    ("Hur ansöker jag om Vinnovas bidrag?", []),  # genitive of a known name
    ("What does point 5 of C/2024/3510 say?", ["C/2024/3510"]),
    ("How do I apply to ISP?", []),
])
def test_unknown_names(question: str, unknown: list[str]) -> None:
    assert unknown_names(question, VOCABULARY, KNOWN) == unknown


@pytest.mark.parametrize(("question", "clause", "unmet"), [
    ("Vad kostar en säkerhetsprövning?", "Säkerhetsprövningen ska göras innan personen deltar.", 1.0),
    ("Vad kostar en säkerhetsprövning?", "Avgiften är 500 kronor.", 0.0),
    ("How much does it cost to notify?", "A state outside the Europeiska unionen.", 1.0),  # "Europeiska" is no euro
    ("Hur lång tid har myndigheten på sig?", "Beslut ska fattas inom 25 arbetsdagar.", 0.0),
    ("Hur länge gäller upphovsrätten?", "till utgången av sjuttionde året efter upphovsmannens dödsår", 0.0),
    ("How quickly must an incident be reported?", "ska rapporteras utan dröjsmål", 0.0),
    ("How long does a register check take?", "Registerkontroll ska göras enligt 3 kap. 2 §.", 1.0),
    ("Hur många ansökningar kom in?", "Remissen skickades den 12 maj 2024 (dnr 2024:15).", 1.0),  # dates, years
    ("Hur många ledamöter har styrelsen?", "Styrelsen består av elva ledamöter, varav sju är forskare.", 0.0),
    ("Vilket telefonnummer har Säkerhetspolisen?", "Säkerhetspolisen är tillsynsmyndighet.", 1.0),
    ("What interest rate applies?", "The rate is 2 procent.", 0.0),
    ("Vad är syftet med lagen?", "Lagen syftar till att skydda.", 0.0),  # asks for no number
    ("När stänger utlysningen?", "Ansökan ska ha kommit in senast den 1 mars 2026.", 0.0),  # a date answers when
    ("När stänger utlysningen?", "Vetenskapsrådet beslutar om utlysningar.", 1.0),
    ("Who is the current director-general?", "The agency is headed by a director-general.", 1.0),
    ("Which form do we use for the incident report?", "The report shall state the incident.", 1.0),
    ("What is ISP's e-mail address?", "Anmälan görs till Inspektionen för strategiska produkter.", 1.0),
    ("Is there a call for proposals?", "Vetenskapsrådet ska utlysa medel.", 0.0),  # "call" asks for no contact
])
def test_fact_unmet(question: str, clause: str, unmet: float) -> None:
    assert fact_unmet(question, [clause]) == unmet


def test_fitted_model_separates_and_scores_probabilities() -> None:
    good = [Evidence(0.9, 0.05, 0.9, 2.0, 1.0, 0.0, 0.9, 0.0, 0.0)] * 20
    bad = [Evidence(0.8, 0.01, 0.8, 0.3, 0.0, 0.5, 0.2, 1.0, 1.0)] * 10
    model = fit([e.features() for e in good + bad], [1] * 20 + [0] * 10)
    assert model.probability(good[0]) > 0.9 > 0.1 > model.probability(bad[0])


def test_the_word_lists_file() -> None:
    from assistant.abstain import WORDS_FILE, load_word_lists

    lists = load_word_lists(WORDS_FILE)
    assert "whether" in lists.common_english and "sweden" in lists.english_names
    assert lists.not_statute.search("förslaget") and not lists.not_statute.search("brottsbalken")
    assert "vetting" in lists.glossary_words, "the glossary's English words count as known"


@pytest.mark.parametrize(("text", "said"), [
    ("common_english: [also, also]\nenglish_names: [x]\nnot_statutes: [bolag]\n",
     "line 1: common_english: 'also' appears twice"),
    ("common_english: [Also]\nenglish_names: [x]\nnot_statutes: [bolag]\n",
     "line 1: common_english: 'Also' is not a lower-case word"),
    ("common_english: [also]\nenglish_names: [x]\n", "not_statutes must be a list"),
    ("common_english: [also]\nenglish_names: [x]\nnot_statutes: [bolag]\nextra: [y]\n",
     "line 4: 'extra': unknown list"),
])
def test_malformed_word_lists_are_refused_with_file_line_and_problem(tmp_path, text: str, said: str) -> None:  # type: ignore[no-untyped-def]
    from assistant.abstain import load_word_lists
    from core.errors import ConfigError

    path = tmp_path / "abstain.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_word_lists(path)
    assert said in str(err.value) and str(path) in str(err.value), str(err.value)


def test_the_pull_of_the_questions_outside_the_sources_counts_only_where_there_is_a_bank() -> None:
    import numpy as np

    from assistant.retrieve import OUTSIDE_TEMPERATURE, outside_pull

    def unit(*xs: float) -> np.ndarray:
        v = np.array(xs, dtype=np.float32)
        return v / np.linalg.norm(v)

    query = unit(1.0, 0.0)
    index = SimpleNamespace(bank_vectors=np.stack([unit(1.0, 0.2), unit(1.0, 1.0)]), bank_clause=np.array([0, 1]),
                            bank=[1, 2], outside_vectors=np.stack([unit(1.0, 0.1)]), outside=[1])
    both = np.array([True, True])
    pull, top = outside_pull(index, query, both)  # type: ignore[arg-type]
    assert top == pytest.approx(float(unit(1.0, 0.1) @ query))
    assert pull > 0, "the question outside the sources is nearer than every bank question"
    # two bank questions as near as the outside one outweigh it (a soft maximum, not the nearest alone)
    index.bank_vectors = np.stack([unit(1.0, 0.1), unit(1.0, 0.1)])
    pull, _ = outside_pull(index, query, both)  # type: ignore[arg-type]
    assert pull == pytest.approx(-OUTSIDE_TEMPERATURE * np.log(2), abs=1e-4)
    # a guideline without a bank (no bank question among the clauses searched) and no outside questions: no pull
    assert outside_pull(index, query, np.array([False, False]))[0] == 0.0  # type: ignore[arg-type]
    index.outside, index.outside_vectors = [], np.zeros((0, 2), dtype=np.float32)
    assert outside_pull(index, query, both) == (0.0, -1.0)  # type: ignore[arg-type]
    dense, lexical = np.array([0.8, 0.7]), np.array([2.0, 1.0])
    evidence = measure(dense, lexical, both, 0.8, 3, "Vad gäller?", "sv", VOCABULARY, outside=(0.02, 0.9))
    assert (evidence.outside_pull, evidence.outside_top) == (0.02, 0.9)
