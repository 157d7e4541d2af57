"""Questions typed without å/ä/ö or with a slip of the finger, read as they were meant.

People type "sakerhetsprovning" on an English keyboard and "besultar" in a hurry. A word that
neither the corpus nor the question bank knows (in either language) is replaced by the word
the corpus uses most often among

1. for a word typed without any å, ä, ö or é, the words that differ from it only by those letters
   (the ones an English keyboard lacks), and
2. in a question that reads as Swedish, for words of six letters or more whose stem the corpus does
   not know either (an inflection the corpus happens not to use is not a typo), the words one slip
   away (two letters swapped, a doubled letter typed once or twice): short words have too many
   neighbours to guess safely.

Words the question bank's English questions use are English and are left alone; in a question
that reads as Swedish once mended, the Swedish reading of a word without its dots wins ("far" →
"får", "ar" → "är") when the corpus uses the dotted word more often. The bank's Swedish questions
are written as users type them, some without å/ä/ö on purpose: their words are known (not typos),
but a form the corpus itself never writes ("verksamhetsutovare") still gives way to the corpus's
dotted word ("verksamhetsutövare"), since the law is never written without its marks. The text the
engine searches is the mended one; answers still quote the sources verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import Stemmer

_WORD = re.compile(r"[^\W\d_]+", re.U)
MIN_EDIT = 6  # shortest word mended for a slip
MIN_ANY = 4  # shorter words are mended only from SHORT, in a question that reads as Swedish
# Swedish function words that an English keyboard leaves without their dots. Short words cannot be
# mended from the corpus: "rad" (a row) and "råd" (advice) are both words, and "far", "for", "an" are
# English too; these are the ones a question needs ("hur lång tid får man …", "vad är …").
SHORT = {"ar": "är", "nar": "när", "for": "för", "far": "får", "fa": "få", "pa": "på", "sa": "så",
         "da": "då", "an": "än", "ga": "gå", "ma": "må", "sma": "små"}


def plain(word: str) -> str:
    """A word without diacritics: "säkerhetsprövning" → "sakerhetsprovning"."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _slips(word: str) -> set[str]:
    """The words one slip of the finger away: two neighbouring letters swapped ("besultar"), a doubled
    letter typed once or a single one typed twice ("sekretes", "registerkontrol"). Other one-letter
    differences are left alone: in Swedish they are as often another inflection ("innehöll" and
    "innehåll", "förbjudna" and "förbjuda") as a typo."""
    swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    undoubled = {word[:i] + word[i + 1:] for i in range(1, len(word)) if word[i] == word[i - 1]}
    doubled = {word[:i] + word[i] + word[i:] for i in range(len(word))}
    return (swaps | undoubled | doubled) - {word}


@dataclass
class Speller:
    """The Swedish words of the corpus and of the bank's Swedish questions with their counts, the English words
    the bank's questions use, and the words the corpus itself writes."""

    swedish: Counter[str]
    english: frozenset[str] = frozenset()
    written: frozenset[str] = frozenset()  # empty: every Swedish word counts as written by the corpus
    _by_plain: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _stems: frozenset[str] = field(default_factory=frozenset, init=False, repr=False)

    def __post_init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("swedish")
        self._stems = frozenset(self._stemmer.stemWords(list(self.swedish)))
        best: dict[str, tuple[int, str]] = {}
        for word, count in self.swedish.items():
            if self.written and word not in self.written:
                continue  # a dotted form is offered only as the corpus writes it
            key = plain(word)
            if key not in best or count > best[key][0]:
                best[key] = (count, word)
        self._by_plain = {k: w for k, (_, w) in best.items()}

    @classmethod
    def build(cls, swedish_texts: Iterable[str], english_texts: Iterable[str] = (),
              typed_texts: Iterable[str] = ()) -> Speller:
        """``swedish_texts``: the corpus; ``typed_texts``: Swedish questions as users type them (the bank's)."""
        written = Counter(w.lower() for t in swedish_texts for w in _WORD.findall(t))
        typed = Counter(w.lower() for t in typed_texts for w in _WORD.findall(t))
        english = frozenset(w.lower() for t in english_texts for w in _WORD.findall(t))
        return cls(written + typed, english, frozenset(written) if typed else frozenset())

    def known(self, word: str) -> bool:
        return word in self.swedish or word in self.english

    def _dotted(self, word: str) -> str | None:
        candidate = self._by_plain.get(plain(word))
        return candidate if candidate and candidate != word else None

    def _one_edit(self, word: str) -> str | None:
        if len(word) < MIN_EDIT:
            return None
        found = [(self.swedish[c], c) for c in _slips(word) if self.swedish.get(c, 0) >= 2]
        return max(found)[1] if found else None

    def mend_word(self, word: str, swedish_question: bool) -> str | None:
        """The word meant, or None to keep the word as typed."""
        low = word.lower()
        undotted = plain(low) == low
        if len(low) < MIN_ANY:
            # "far", "for", "nar": as likely English as Swedish until the question reads as Swedish
            meant = SHORT.get(low) if swedish_question else None
            return meant if meant != low else None
        if not self.known(low):
            dotted = self._dotted(low) if undotted else None
            if dotted:
                return dotted
            if swedish_question and self._stemmer.stemWord(low) not in self._stems:
                return self._one_edit(low)
            return None
        if swedish_question and undotted and low not in self.swedish:
            # known only as English; in a Swedish question the dotted Swedish word is meant
            dotted = self._dotted(low)
            if dotted and self.swedish[dotted] >= 2:
                return dotted
        if (undotted and self.written and low in self.swedish and low not in self.written
                and (swedish_question or low not in self.english)):
            # known only as users type it (a bank question without its dots): the corpus's dotted word is meant
            return self._dotted(low)
        return None

    def mend(self, text: str, is_swedish: Callable[[str], bool] | None = None) -> tuple[str, list[tuple[str, str]]]:
        """The question with its words mended, and the (typed, meant) pairs; ``is_swedish`` decides
        whether a mended question reads as Swedish (a function of the text)."""
        changes: list[tuple[str, str]] = []

        def apply(swedish_question: bool) -> str:
            changes.clear()

            def one(m: re.Match[str]) -> str:
                word = m.group(0)
                meant = self.mend_word(word, swedish_question)
                if meant is None:
                    return word
                meant = meant.capitalize() if word[:1].isupper() else meant
                changes.append((word, meant))
                return meant

            return _WORD.sub(one, text)

        first = apply(False)
        if is_swedish is not None and is_swedish(first):
            return apply(True), list(changes)
        return first, list(changes) if first != text else []
