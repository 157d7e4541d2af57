"""The words of the corpus: what the PDF reader checks a mended word against.

The lexicon is built from the corpus directory the settings name (``VAGVISARE_CORPUS_DIR``):
every statute, decision and page in it, as text (SFS JSON records are read as JSON, the
rest as text). The statutes alone give hundreds of thousands of running words, enough to
tell "vilka" from "vilk" and "a". Documents added by an operator (``added/``), earlier
versions (``versions/``) and PDFs are left out: their text is what is being checked.

It is built once per process for each state of the corpus (the files' names, sizes and
times are its key), never committed as a word list. Words of the document being read are
added by the caller (:class:`Lexicon` ``with_words``).
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_TEXT_SUFFIXES = {".json", ".md", ".markdown", ".txt", ".html", ".htm"}
_SKIPPED_DIRS = {"added", "versions"}
_WORD = re.compile(r"[^\W\d_]+")
_HYPHENATED = re.compile(r"[^\W\d_]+-[^\W\d_]+")
# a word hyphenated at a hard line break ("hän-\nsyn") is two fragments, not two words
_BROKEN = re.compile(r"[^\W\d_]+-[ \t]*\r?\n[ \t]*[^\W\d_]+")
_TAG = re.compile(r"<[^>]{0,2000}>")
MIN_COUNT = 2  # a form seen once may itself be a split or a typo
SINGLE_LETTER_SHARE = 0.001  # a one-letter token is a word only if it is common: "i", "a", not "f." or "s."
MIN_PART = 4  # the shortest part of a compound, as in the BM25 analyzer: "och", "att" are no heads


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _texts(path: Path) -> Iterator[str]:
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".json":
        try:
            yield from _strings(json.loads(raw))
            return
        except json.JSONDecodeError:
            pass
    yield _TAG.sub(" ", raw) if path.suffix in (".html", ".htm") else raw


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The text files of the corpus the lexicon is built from, in a stable order."""
    if not corpus_dir.is_dir():
        return []
    out = []
    for path in sorted(corpus_dir.rglob("*")):
        parts = path.relative_to(corpus_dir).parts
        if (
            path.is_file()
            and path.suffix.lower() in _TEXT_SUFFIXES
            and not any(p.startswith(".") or p in _SKIPPED_DIRS for p in parts[:-1])
            and not parts[-1].startswith(".")
            and parts[-1].lower() != "readme.md"  # a README describes the corpus, it is not part of it
        ):
            out.append(path)
    return out


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Word counts (lower case) and the compounds built from the words counted."""

    counts: Counter[str] = field(default_factory=Counter)
    total: int = 0
    extra: frozenset[str] = frozenset()  # words of the document being read, written whole
    hyphenated: frozenset[str] = frozenset()  # compounds the corpus writes with a hyphen ("eu-regleringen")
    _compounds: dict[str, bool] = field(default_factory=dict, repr=False)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Lexicon:
        counts: Counter[str] = Counter()
        hyphenated: set[str] = set()
        for text in texts:
            text = _BROKEN.sub(" ", text).lower()
            counts.update(_WORD.findall(text))
            hyphenated.update(_HYPHENATED.findall(text))
        return cls(counts, sum(counts.values()), hyphenated=frozenset(hyphenated))

    def with_words(self, words: Iterable[str]) -> Lexicon:
        """This lexicon and the words of the document being read."""
        return Lexicon(self.counts, self.total, frozenset(w.lower() for w in words) | self.extra, self.hyphenated)

    def knows(self, word: str) -> bool:
        """True for a word of the corpus or the document, or a compound of such words."""
        word = word.lower()
        return self._known(word) or self._compound(word)

    def _known(self, word: str) -> bool:
        if len(word) == 1:
            return self.counts[word] >= SINGLE_LETTER_SHARE * max(self.total, 1)
        return self.counts[word] >= MIN_COUNT or word in self.extra

    def _compound(self, word: str) -> bool:
        """A Swedish compound of known words: modifier (+ linking "s") + head ("personuppgift|s|behandling")."""
        if word in self._compounds:
            return self._compounds[word]
        found = False
        if len(word) >= 2 * MIN_PART and word.isalpha():
            for cut in range(MIN_PART, len(word) - MIN_PART + 1):
                if not self._known(word[cut:]):
                    continue
                modifier = word[:cut]
                stems = (modifier, modifier[:-1]) if modifier.endswith("s") else (modifier,)
                if any(len(s) >= MIN_PART and (self._known(s) or self._compound(s)) for s in stems):
                    found = True
                    break
        self._compounds[word] = found
        return found


@lru_cache(maxsize=4)
def _build(signature: tuple[tuple[str, int, int], ...], root: str) -> Lexicon:
    files = [Path(root) / name for name, _, _ in signature]
    lexicon = Lexicon.from_texts(text for path in files for text in _texts(path))
    log.debug("lexicon of %s: %d words, %d forms, from %d files", root, lexicon.total, len(lexicon.counts), len(files))
    return lexicon


def corpus_lexicon(corpus_dir: Path | None) -> Lexicon:
    """The lexicon of the corpus in ``corpus_dir`` (empty without one), built once per state of it."""
    if corpus_dir is None:
        return Lexicon()
    root = corpus_dir.resolve()
    signature = []
    for path in corpus_files(root):
        stat = path.stat()
        signature.append((path.relative_to(root).as_posix(), stat.st_size, stat.st_mtime_ns))
    return _build(tuple(signature), str(root))
