"""What kind of question this is, by rules that can be tested one by one.

The type chooses the answer's template: its lead phrase and how many sentences it quotes.
The rules are data (``assistant/data/qtype.yaml``): checked in order, the first that matches decides.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from core.datafile import entry_error, load_yaml, require_list, require_mapping

TYPES = ("definition", "obligation", "responsibility", "procedure", "sanctions", "exception", "general")
RULES_FILE = Path(__file__).parent / "data" / "qtype.yaml"


def load_rules(path: Path = RULES_FILE) -> list[tuple[str, re.Pattern[str]]]:
    """The rules in order: (type, pattern matching any of its words as a whole word, in any case)."""
    rules = require_list(path, load_yaml(path), "the rules")
    out: list[tuple[str, re.Pattern[str]]] = []
    for n, rule in enumerate(rules):
        rule = require_mapping(path, rule, f"rule {n + 1} (line {rules.lines[n]})")
        extra = sorted(set(map(str, rule)) - {"type", "words"})
        if extra:
            raise entry_error(path, rule, extra[0], "unknown field; a rule has type and words.")
        kind = rule.get("type")
        if kind not in TYPES or kind == "general":
            raise entry_error(path, rule, "type", f"unknown question type {kind!r}; use one of "
                                                  f"{', '.join(t for t in TYPES if t != 'general')}.")
        if any(kind == other for other, _ in out):
            raise entry_error(path, rule, "type", f"a second rule for {kind!r}; give each type one rule.")
        words = require_list(path, rule.get("words"), f"the words of {kind!r}")
        if not words:
            raise entry_error(path, rule, "words", "a rule has at least one word.")
        for i, word in enumerate(words):
            if not isinstance(word, str) or not word.strip():
                raise entry_error(path, words, i, f"a word must be a non-empty string, not {word!r}.")
            if word in words[:i]:
                raise entry_error(path, words, i, f"{word!r} appears twice in the words of {kind!r}.")
            try:
                re.compile(word)
            except re.error as exc:
                raise entry_error(path, words, i, f"{word!r} is not a valid regular expression ({exc}).") from None
        out.append((kind, re.compile(r"\b(" + "|".join(words) + r")\b", re.I)))
    return out


@lru_cache(maxsize=1)
def _rules() -> list[tuple[str, re.Pattern[str]]]:
    return load_rules()


def question_type(question: str) -> str:
    for name, pattern in _rules():
        if pattern.search(question):
            return name
    return "general"
