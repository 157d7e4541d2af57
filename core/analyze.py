"""Text analysis for BM25: words, Swedish and English stems, and Swedish compounds.

Swedish writes "säkerhetsskyddsavtal" where a question may say "avtal om
säkerhetsskydd". Compounds are split against the corpus's own vocabulary (the
head is the longest known word at the end, a linking "s" is allowed), and the parts
are indexed beside the whole word, so both phrasings meet.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"\d{4}:\d+|\d+[a-z]?|[^\W\d_]+", re.U)

STOP_SV = frozenset("""
alla allt att av blev bli blir blivit de dem den denna deras dess dessa det detta dig din dina ditt du där
efter ej eller en er era ert ett från för ha hade han hans har henne hennes hon honom hur här i icke ingen
inom inte jag ju kan kunde man med mellan men mig min mina mitt mot mycket ni nu när någon något några och
om oss på samma sedan sig sin sina sitta själv skulle som så sådan sådana sådant till under upp ut utan vad
var vara varför varit varje vars vart vem vi vid vilka vilkas vilken vilket vår våra vårt än är åt över ska
får måste gäller enligt dock även också
""".split())
STOP_EN = frozenset("""
a about an and are as at be been but by can could do does did for from had has have how i if in into is it
its may me must my no not of on or our shall should so than that the their them then there these they this
those to under was we were what when where which who whom why will with would you your
""".split())

MIN_PART = 4


@lru_cache(maxsize=2)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer("swedish" if lang == "sv" else "english")


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


class Analyzer:
    """Tokenises documents and questions the same way; knows the corpus vocabulary."""

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        self.vocabulary = frozenset(w for w in vocabulary if len(w) >= MIN_PART)
        self._split = lru_cache(maxsize=200_000)(self._split_uncached)

    @classmethod
    def from_texts(cls, texts: Iterable[str], min_count: int = 1) -> Analyzer:
        counts = Counter(w for t in texts for w in words(t) if w.isalpha())
        return cls(w for w, n in counts.items() if n >= min_count)

    def _split_uncached(self, word: str) -> tuple[str, ...]:
        """Parts of a compound word from every way it splits into known words (empty if none).

        "säkerhetsskyddsavtal" → säkerhet, skyddsavtal, skydd, avtal, säkerhetsskydd.
        """
        if len(word) < 2 * MIN_PART or not word.isalpha():
            return ()
        parts: dict[str, None] = {}
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            head, left = word[cut:], word[:cut]
            if head not in self.vocabulary and not self._split(head):
                continue
            for modifier in (left, left[:-1] if left.endswith("s") else ""):
                if len(modifier) >= MIN_PART and (modifier in self.vocabulary or self._split(modifier)):
                    for part in (modifier, *self._split(modifier), head, *self._split(head)):
                        parts.setdefault(part, None)
                    break
        return tuple(parts)

    def tokens(self, text: str, lang: str = "sv", *, query: bool = False) -> list[str]:
        """Stemmed tokens with compound parts; a question is stemmed for Swedish and its own language."""
        langs = ("sv", "en") if query and lang == "en" else (lang,)
        stop = STOP_SV | STOP_EN if query else (STOP_SV if lang == "sv" else STOP_EN)
        out: list[str] = []
        for w in words(text):
            if w in stop:
                continue
            if not w.isalpha():
                out.append(w)  # numbers and designations ("2018:585") as they are
                continue
            parts = [w, *self._split(w)]
            for lg in langs:
                stemmer = _stemmer(lg)
                out.extend(stemmer.stemWord(p) for p in parts)
        return out if not query else list(dict.fromkeys(out))
