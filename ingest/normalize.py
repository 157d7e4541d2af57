"""Whitespace and markup normalisation shared by the readers.

Only whitespace and markup change here; the words stay as the source has them,
so every quote taken from a clause is verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

# A line ending in "-" followed by one of these keeps a space: "Säkerhets-\noch" is "Säkerhets- och".
_CONJUNCTIONS = {"och", "eller", "samt", "respektive", "resp.", "till", "som", "men", "utan", "and", "or", "nor"}
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u202f]+")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
SOFT_HYPHEN = "\u00ad"  # a line-break hyphen inside one word: dropped when the lines are joined
_BREAK_HYPHEN = re.compile(r"([^\W\d_]+)-(\r?\n)([^\W\d_]+)")
_WORD = re.compile(r"[^\W\d_]+")
_HYPHENATED = re.compile(r"[^\W\d_]+-[^\W\d_]+")


def clean_line(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


@dataclass(frozen=True)
class Vocabulary:
    """The words a text writes whole, and the compounds it writes with a hyphen ("it-säkerhet")."""

    words: frozenset[str] = frozenset()
    hyphenated: frozenset[str] = frozenset()

    @classmethod
    def of(cls, texts: Iterable[str]) -> Vocabulary:
        words: set[str] = set()
        hyphenated: set[str] = set()
        for text in texts:
            lower = text.lower()
            words.update(_WORD.findall(lower))
            hyphenated.update(_HYPHENATED.findall(lower))
        return cls(frozenset(words), frozenset(hyphenated))

    def writes_with_hyphen(self, head: str, tail: str) -> bool:
        """True when the text has "head-tail" and never "headtail": the hyphen is part of the word."""
        return f"{head}-{tail}".lower() in self.hyphenated and (head + tail).lower() not in self.words


def join_lines(
    lines: Sequence[str],
    *,
    vocabulary: Vocabulary | None = None,
    hyphen_joins: Literal["lowercase", "letters-and-digits"] = "lowercase",
    space_before_break: bool = True,
) -> str:
    """Join the hard-wrapped lines of one paragraph into one line: the one rule for line-end hyphens.

    A line ending in a soft hyphen (U+00AD, see :func:`mark_hyphenation`) is glued without
    it: "hän-\\nsyn" → "hänsyn". A line ending in "-" after a letter or digit:

    - before a conjunction the hyphen keeps its space: "Säkerhets-\\noch" → "Säkerhets- och";
    - with a ``vocabulary`` (a typeset text, where nothing marked the break hyphens), a hyphen
      between two lower-case word parts is a break hyphen and goes: "förut-\\nsättningar" →
      "förutsättningar", unless the vocabulary writes that compound with a hyphen and never
      whole ("it-\\nsäkerhet" stays "it-säkerhet"). Without one, the caller has marked the
      break hyphens already and every plain hyphen is part of the text;
    - otherwise the hyphen stays and the lines are glued when the next line goes on in lower
      case ("EU-\\nsamarbetet" → "EU-samarbetet"), or with ``hyphen_joins="letters-and-digits"``
      also when it goes on with a capital or a digit ("2025-\\n2026" → "2025-2026"); plain
      text keeps a space there ("16-\\n18 §§" → "16- 18 §§", as the statutes have always read).

    With ``space_before_break`` a space before the line break in the source is a word boundary
    ("kommun- \\nlandsting" → "kommun- landsting"); typeset lines often end in spaces that
    mean nothing, so their callers turn it off.
    """
    out = ""
    for raw in lines:
        line = clean_line(raw)
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith(SOFT_HYPHEN):
            out = out[:-1] + line
        else:
            out = _join_at_break(out, line, vocabulary, hyphen_joins)
        if space_before_break and raw.rstrip("\r\n") != raw.rstrip():
            out += " "  # the source had a space before the break: a word boundary
    return clean_line(out.replace(SOFT_HYPHEN, ""))


def _join_at_break(out: str, line: str, vocabulary: Vocabulary | None, hyphen_joins: str) -> str:
    next_word = line.split(" ", 1)[0]
    if not (out.endswith("-") and out[-2:-1].isalnum()) or next_word.lower() in _CONJUNCTIONS:
        return out + " " + line
    if vocabulary is not None and out[-2].islower() and next_word[:1].islower():
        head = re.search(r"([^\W\d_]+)-$", out)
        tail = _WORD.match(next_word)
        if not (head and tail and vocabulary.writes_with_hyphen(head.group(1), tail.group(0))):
            return out[:-1] + line  # "förut-" + "sättningar"
    if next_word[:1].islower() or (hyphen_joins == "letters-and-digits" and next_word[:1].isalnum()):
        return out + line  # "EU-samarbetet", "it-säkerhet", "2025-2026"
    return out + " " + line


def mark_hyphenation(text: str) -> str:
    """Mark line-break hyphens that split one word ("hän-\\nsyn") with a soft hyphen.

    Hard-wrapped statutes sometimes hyphenate a word at the end of a line. The hyphen is
    taken for a line-break hyphen only when the same text has the word whole ("hänsyn")
    and never with a hyphen inside a line, so compounds such as "EU-\\nsamarbetet" keep theirs.
    """
    vocabulary = set(re.findall(r"[^\W\d_]+", _BREAK_HYPHEN.sub(" ", text).lower()))
    hyphenated = set(re.findall(r"[^\W\d_]+-[^\W\d_]+", text.lower()))

    def mark(m: re.Match[str]) -> str:
        first, second = m.group(1), m.group(3)
        whole = (first + second).lower()
        if second[:1].islower() and second not in _CONJUNCTIONS and whole in vocabulary \
                and f"{first}-{second}".lower() not in hyphenated:
            return first + SOFT_HYPHEN + m.group(2) + second
        return m.group(0)

    return _BREAK_HYPHEN.sub(mark, text)


def split_blocks(text: str) -> list[list[str]]:
    """Paragraphs (lists of raw lines) separated by blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def strip_md_links(text: str) -> str:
    """Keep a Markdown link's visible text; its target may point at the wrong act."""
    return _MD_LINK.sub(r"\1", text)


def slugify(text: str, max_len: int = 60) -> str:
    """ASCII slug for heading-based clause ids: "Närmare beskrivning" → "narmare-beskrivning"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_len:
        cut = slug[:max_len]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug or "text"


def rejoin_split_words(text: str) -> str:
    """Mend words split in two by PDF extraction ("ansvars full" → "ansvarsfull").

    A pair is joined only when the joined word occurs elsewhere in the same text and
    the first half never occurs on its own, so ordinary word pairs are left alone.
    """
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    counts: dict[str, int] = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    pairs: dict[tuple[str, str], int] = {}
    for a, b in zip(words, words[1:], strict=False):
        pairs[(a, b)] = pairs.get((a, b), 0) + 1

    def mend(m: re.Match[str]) -> str:
        first, second = m.group(1), m.group(2)
        key = (first.lower(), second.lower())
        if counts.get(key[0] + key[1], 0) and counts[key[0]] == pairs.get(key, 0):
            return first  # drop the space: the pair becomes one word
        return m.group(0)

    # the second word is a lookahead so that overlapping pairs are all tried
    return re.sub(r"\b([^\W\d_]{3,}) (?=([^\W\d_]{3,})\b)", mend, text)
