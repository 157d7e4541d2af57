"""The words of a PDF paragraph: its lines joined into one, break hyphens decided, split words mended.

A PDF draws glyphs, not words. Where it moves the pen between two glyphs without
drawing a space, the extraction writes a soft space (:data:`SOFT_SPACE`): usually a
word space of a PDF that draws none, sometimes a gap a word processor opened inside a
word to justify its line ("vilk a", "verk samhet"). The pieces around soft spaces are
joined again where the join is a word and the pieces are not: judged against the
corpus lexicon (:mod:`ingest.lexicon`) and the words the document writes whole. Two
words that also make a word ("för del", "fördel") stay apart; real hyphens stay
("EU-regleringen", "lagen och -förordningen").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.lexicon import Lexicon
from ingest.normalize import Vocabulary, join_lines
from ingest.pdf_extract import SOFT_SPACE, Line

_WORD = re.compile(r"[^\W\d_]+")
_EDGES = re.compile(r"^[^\w]+|[^\w]+$")
MAX_PIECES = 8  # the most pieces one word is mended from ("R u b r i k" set with wide tracking)


def document_words(pages: list[list[Line]]) -> set[str]:
    """Words the document writes whole: not next to a soft space, not cut by a line-end hyphen."""
    words: set[str] = set()
    for lines in pages:
        for line in lines:
            for token in line.text.split(" "):  # hard spaces only: str.split() would cut at soft ones too
                if SOFT_SPACE not in token and not token.endswith("-"):
                    words.update(w.lower() for w in _WORD.findall(token))
    return words


@dataclass
class Words:
    """Turns the lines of a paragraph into its text, and counts what it mended and what it could not."""

    vocabulary: Vocabulary
    lexicon: Lexicon
    mended: int = 0  # split words joined again
    suspicious: Counter[str] = field(default_factory=Counter)  # pieces left that are no known word

    @classmethod
    def of(cls, pages: list[list[Line]], lexicon: Lexicon) -> Words:
        own = Vocabulary.of(ln.text.replace(SOFT_SPACE, " ") for lines in pages for ln in lines)
        # a compound the corpus writes with a hyphen keeps it at a line end, as one the document writes so
        vocabulary = Vocabulary(own.words, own.hyphenated | lexicon.hyphenated)
        return cls(vocabulary, lexicon.with_words(document_words(pages)))

    def text(self, lines: list[Line]) -> str:
        """A paragraph's lines as one line of words."""
        joined = join_lines(
            [ln.text for ln in lines],
            vocabulary=self.vocabulary,
            hyphen_joins="letters-and-digits",
            space_before_break=False,
        )
        if SOFT_SPACE not in joined:
            return joined
        return " ".join(self._mend(token) if SOFT_SPACE in token else token for token in joined.split(" "))

    def _known(self, piece: str, joined: bool = False) -> bool:
        core = _EDGES.sub("", piece)
        if not core or not core.isalpha():
            # a number, a designation or a hyphenated form is not the mender's to judge; it never
            # makes one by joining ("åren2025-2026", "lärosätenas,de")
            return not joined
        return self.lexicon.knows(core)

    def _mend(self, token: str) -> str:
        """The pieces of one token joined into known words so that the fewest unknown pieces are left,
        keeping spaces where that ties ("för del" stays, "vilk a" is "vilka")."""
        pieces = token.split(SOFT_SPACE)
        n = len(pieces)
        # best[i]: (unknown words, joins, [(word, pieces in it)]) for pieces[:i]
        best: list[tuple[int, int, list[tuple[str, int]]]] = [(0, 0, [])]
        for end in range(1, n + 1):
            options = []
            for start in range(max(0, end - MAX_PIECES), end):
                word = "".join(pieces[start:end])
                unknown, joins, words = best[start]
                known = self._known(word, joined=end - start > 1)
                if end - start > 1 and not known:
                    continue  # pieces are joined into words, never into another unknown string
                options.append((unknown + (not known), joins + end - start - 1, [*words, (word, end - start)]))
            best.append(min(options, key=lambda o: (o[0], o[1])))
        for word, count in best[n][2]:
            self.mended += count > 1
            if not self._known(word, joined=count > 1):
                self.suspicious[_EDGES.sub("", word)] += 1
        return " ".join(word for word, _ in best[n][2])
