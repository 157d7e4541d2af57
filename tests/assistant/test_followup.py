"""Follow-up questions: the cues, the reading of one question, the standalone form and the history check.

The examples are written here for the rules (none is a dialogue of eval/dialogues/blind.yaml); the
search is a stand-in, so what is tested is the reading and the rewriting, not the ranking.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.followup import (
    MAX_HISTORY,
    Cited,
    Corpus,
    check_history,
    context_words,
    interpret,
    load_rules,
    read,
    topic_words,
)
from core.errors import BadRequestError, ConfigError
from core.records import Clause
from core.sources import Source

SSL = Source("sfs-2018-585", "Säkerhetsskyddslag (2018:585)", "statute", "law", "sv", "sfs-json",
             short="SSL", name="säkerhetsskyddslagen", name_en="the Protective Security Act")
FIRST = "Vilka anställda på ett universitet måste säkerhetsprövas före ett försvarsprojekt?"


def _names(question: str) -> list[str]:
    return ["sfs-2018-585"] if "säkerhetsskyddslag" in question.lower() or "protective security" in \
        question.lower() else []


def _corpus(cited: Cited | None = None, asked: list[str] | None = None) -> Corpus:
    def cite(question: str) -> Cited:
        if asked is not None:
            asked.append(question)
        return cited or Cited((), ())

    return Corpus(_names, cite, lambda q: "en" if " the " in f" {q.lower()} " else "sv", lambda w: len(w))


@pytest.mark.parametrize("question", [
    "Gäller det även doktorander?",  # additive adverb
    "Och för gästforskare?",  # opens with a conjunction, and one topic word
    "Hur länge gäller den?",  # "den" as the last word is a pronoun
    "Måste hen göra något själv?",  # a pronoun that only stands for someone named before
    "Från när gäller det kravet?",  # det + a definite noun: the demonstrative
    "Who decides it?",  # English pronoun
    "And for visiting professors?",  # opens with a conjunction
    "What about contractors?",
    "Which of them applies?",
])
def test_follow_ups_lean_on_the_previous_question(question: str) -> None:
    assert read(question, _names).leans_on_previous, question


def test_swedish_cues_typed_without_the_marks_count_in_swedish_only() -> None:
    assert read("Vad tittar de pa da i provningen?", _names, "sv").cues == ("additive_sv",), "'da' is 'då'"
    assert read("Galler det aven for doktorander?", _names, "sv").leans_on_previous
    assert not read("Vad tittar de pa da i provningen?", _names).cues, "without the language, as typed only"
    assert not read("An employee of our lab asks what is required of a contractor", _names, "en").cues, \
        "'an' is not 'än' in English"
    assert not read("Vad kontrolleras då i prövningen?", _names, "sv").cues[1:], "marked text: the cues as they are"


@pytest.mark.parametrize("question", [
    FIRST,
    "Finns det sekretess för uppgifter om försvarsforskning hos en högskola?",  # a dummy "det"
    "Vad säger säkerhetsskyddslagen om det?",  # names a document of its own
    "Is there a rule that every applicant must submit a research plan for funding?",  # "that" as a conjunction
    "Our lab handles classified defence data for a foreign partner. Do we have to report it?",  # self-contained
])
def test_questions_that_stand_alone(question: str) -> None:
    assert not read(question, _names).leans_on_previous, question


def test_topic_words_leave_out_question_and_filler_words() -> None:
    assert topic_words("Hur länge måste vi spara loggar från säkerhetsprövningen?") == \
        ["spara", "loggar", "säkerhetsprövningen"]
    assert topic_words("How long does it apply?") == []


def test_context_words_are_the_most_specific_of_the_previous_question_in_order() -> None:
    # the stand-in frequency is the word's length: the shortest words are "most specific"
    words = context_words("anställda universitet säkerhetsprövas försvarsprojekt", "Och för dem?", len)
    assert words == ["anställda", "universitet", "säkerhetsprövas", "försvarsprojekt"]
    many = " ".join(f"ord{'x' * n}" for n in range(10))
    assert context_words(many, "x", len) == [f"ord{'x' * n}" for n in range(5)], "five, in their order"
    assert "universitet" not in context_words("universitet säkerhetsprövas", "Och på ett universitet?", len), \
        "a word the follow-up has itself is not repeated"


def test_no_history_and_new_topics_are_not_interpreted() -> None:
    corpus = _corpus()
    assert interpret("Gäller det även doktorander?", [], corpus) is None, "a first question stands alone"
    assert interpret("Vad säger säkerhetsskyddslagen om tystnadsplikt för konsulter?", [FIRST], corpus) is None
    assert interpret(FIRST, ["Vem ansvarar för säkerhetsskyddet vid en myndighet?"], corpus) is None


def test_a_follow_up_is_written_out_with_the_topic_and_the_cited_document() -> None:
    clause = Clause("sfs-2018-585#3:1", "sfs-2018-585", "3:1", "3 kap. 1 §", ("Säkerhetsprövning",), "text", "sv", 1)
    searched = interpret("Gäller det även doktorander?", [FIRST], _corpus(Cited((clause,), (SSL,))))
    assert searched is not None and searched.startswith("Gäller det även doktorander? (")
    assert "säkerhetsprövas" in searched and searched.endswith("; säkerhetsskyddslagen)"), searched
    english = interpret("And for the visiting researchers?", [FIRST], _corpus(Cited((clause,), (SSL,))))
    assert english is not None and english.endswith("the Protective Security Act)"), \
        "the document is named in the follow-up's language, so that searching the text finds it"
    own = interpret("Och enligt säkerhetsskyddslagen?", [FIRST], _corpus(Cited((clause,), (SSL,))))
    assert own is not None and own.count("säkerhetsskyddslagen") == 1, "its own document is not added twice"


def test_a_follow_up_of_a_follow_up_keeps_the_first_topic() -> None:
    asked: list[str] = []
    searched = interpret("Och efteråt?", [FIRST, "Vem gör det?"], _corpus(asked=asked))
    assert searched is not None and "säkerhetsprövas" in searched, searched
    assert asked[0] == FIRST and asked[1].startswith("Vem gör det? ("), \
        "read in turn from the question that stood alone"


def test_history_is_validated_like_a_question() -> None:
    assert check_history(None, 100) == []
    assert check_history(["  Vem   ska säkerhetsprövas? "], 100) == ["Vem ska säkerhetsprövas?"]
    for bad, field in (("Vem?", "list"), ([""], "history[0]"), (["ok", "  "], "history[1]"),
                       (["x" * 101], "history[0]"), (["q"] * (MAX_HISTORY + 1), "limit is 10"), ([3], "history[0]")):
        with pytest.raises(BadRequestError, match=field.replace("[", r"\[").replace("]", r"\]")):
            check_history(bad, 100)  # type: ignore[arg-type]


def test_the_rules_file_is_checked_entry_by_entry(tmp_path: Path) -> None:
    assert load_rules().cues, "the project's rules load"
    good_cue = "  - name: a\n    lang: sv\n    where: anywhere\n    why: a reason in the language here\n"
    filler = "filler:\n  - lang: sv\n    why: words that carry no topic here\n    words: [hur]\n"
    cases = {
        "no reason": "cues:\n  - name: a\n    lang: sv\n    where: anywhere\n    words: [den]\n" + filler,
        "twice": "cues:\n" + good_cue + "    words: [den, den]\n" + filler,
        "where": "cues:\n" + good_cue.replace("anywhere", "middle") + "    words: [den]\n" + filler,
        "regular expression": "cues:\n" + good_cue + "    words: ['(den']\n" + filler,
        "lower-case word": "cues:\n" + good_cue + "    words: [den]\n" + filler.replace("[hur]", "[Hur]"),
    }
    for problem, text in cases.items():
        path = tmp_path / "followup.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=r"followup\.yaml line \d+") as exc:
            load_rules(path)
        assert problem.split()[0] in str(exc.value).lower() or "reason" in str(exc.value), (problem, exc.value)
