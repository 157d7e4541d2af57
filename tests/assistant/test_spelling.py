"""Questions typed without å/ä/ö or with a slip, read as meant; English and real words left alone."""

from __future__ import annotations

from assistant.spelling import Speller, plain

CORPUS = ["Den som ska delta i säkerhetskänslig verksamhet ska säkerhetsprövas.",
          "Beslut om placering i säkerhetsklass fattas av den som beslutar. Den som beslutar kan ändra det.",
          "Ett beslut får man överklaga. Den enskilde får överklaga beslutet.",
          "Registerkontroll görs vid säkerhetsprövning. En registerkontroll får göras när det behövs.",
          "Vad som är sekretess för en uppgift gäller även när den lämnas. Sekretess gäller."]
ENGLISH = ["Who decides on security vetting?", "What is the far reaching effect of the rules?"]


def _swedish(text: str) -> bool:
    return any(w in text.split() for w in ("är", "får", "vem", "vad", "när", "ska"))


def speller() -> Speller:
    return Speller.build(CORPUS, ENGLISH)


def test_words_without_their_dots_get_them_back() -> None:
    text, changes = speller().mend("vem beslutar om sakerhetsklass och far man overklaga", _swedish)
    assert text == "vem beslutar om säkerhetsklass och får man överklaga"
    assert ("sakerhetsklass", "säkerhetsklass") in changes and ("far", "får") in changes


def test_a_slip_of_the_finger_is_mended_but_not_another_inflection() -> None:
    sp = speller()
    assert sp.mend("vem besultar om registerkontrol", _swedish)[0] == "vem beslutar om registerkontroll"
    # "innehöll" is another form of a word, not a typo of a word the corpus has
    assert sp.mend_word("innehöll", swedish_question=True) is None


def test_english_and_short_words_are_left_alone_in_an_english_question() -> None:
    sp = speller()
    assert sp.mend("What is the far reaching effect?", _swedish) == ("What is the far reaching effect?", [])
    assert sp.mend_word("rad", swedish_question=True) is None, "'rad' (a row) is a word: only listed words"
    assert plain("säkerhetsprövning") == "sakerhetsprovning"


def test_capitals_are_kept() -> None:
    assert speller().mend("Sakerhetsklass", _swedish)[0] == "Säkerhetsklass"


def test_a_word_users_type_without_dots_gives_way_to_the_corpus_spelling() -> None:
    # the bank's Swedish questions are typed as users type them, some without å/ä/ö: known words, not typos,
    # but the corpus never writes them so
    sp = Speller.build(CORPUS, ENGLISH, ["maste man ha sakerhetsprovning", "vem beslutar om registerkontroll"])
    assert sp.known("sakerhetsprovning")
    assert sp.mend("vem beslutar om sakerhetsprovning", _swedish)[0] == "vem beslutar om säkerhetsprövning"
    assert sp.mend_word("sakerhetsprovning", swedish_question=False) == "säkerhetsprövning"
    assert sp.mend_word("beslutar", swedish_question=True) is None, "the corpus writes it so"
    assert sp.mend_word("maste", swedish_question=True) is None, "no dotted form in the corpus to give way to"


def test_an_english_word_is_not_taken_for_a_typed_swedish_one() -> None:
    # "mote" is English (the bank's English questions use it); the corpus writes "möte" once only, too seldom
    # to read the English word as Swedish, and no bank question types "mote" for "möte"
    sp = Speller.build([*CORPUS, "Ett möte hölls."], [*ENGLISH, "Is a mote of dust a risk?"], ["vem beslutar"])
    assert sp.mend_word("mote", swedish_question=True) is None
