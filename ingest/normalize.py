"""Whitespace and markup normalisation shared by the readers.

Only whitespace and markup change here; the words stay as the source has them,
so every quote taken from a clause is verbatim.
"""

from __future__ import annotations

import re
import unicodedata

# A line ending in "-" followed by one of these keeps a space: "Säkerhets-\noch" is "Säkerhets- och".
_CONJUNCTIONS = {"och", "eller", "samt", "respektive", "resp.", "till", "som", "men", "utan", "and", "or"}
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u202f]+")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
SOFT_HYPHEN = "\u00ad"  # a line-break hyphen inside one word: dropped when the lines are joined
_BREAK_HYPHEN = re.compile(r"([^\W\d_]+)-(\r?\n)([^\W\d_]+)")


def clean_line(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


def join_wrapped(lines: list[str]) -> str:
    """Join hard-wrapped lines of one paragraph into one line.

    A line ending in a hyphen is glued to the next ("EU-\\nsamarbetet" → "EU-samarbetet")
    unless the next word is a conjunction ("Säkerhets-\\noch" → "Säkerhets- och") or the
    source had a space after the hyphen ("kommun- \\noch"). A line ending in a soft hyphen
    (U+00AD, see :func:`mark_hyphenation`) is glued without it: "hän-\\nsyn" → "hänsyn".
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
            next_word = line.split(" ", 1)[0]
            glue = out.endswith("-") and next_word[:1].islower() and next_word.lower() not in _CONJUNCTIONS
            out = out + line if glue else out + " " + line
        if raw.rstrip("\r\n") != raw.rstrip():
            out += " "  # the source had a space before the break: a word boundary
    return _SPACES.sub(" ", out).strip()


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
