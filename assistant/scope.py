"""The map of what the sources cover: neighbouring areas they do not, and questions with nothing to search.

Two signals for the abstention decision, both from the question and the best clauses, none from
eval questions:

- :func:`off_map`: the question uses a term of a neighbouring area the corpus does not cover
  (data protection, export control, ethical review, migration, employment, tax, named countries,
  patents, funding programmes: ``assistant/data/scope.yaml``, each area with why it is out) and
  none of the best clauses uses any term of that area;
- :func:`has_content`: the question has at least one word that the corpus or the question bank
  knows; "???", emoji and keyboard mashing have none and are refused outright.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.datafile import entry_error, load_yaml, require_list, require_mapping

SCOPE_FILE = Path(__file__).parent / "data" / "scope.yaml"
WHOLE_WORD = 4  # a term this short matches whole words only ("visa" must not match "visar")
_WORD = re.compile(r"[^\W\d_]+", re.U)


@dataclass(frozen=True)
class Area:
    name: str
    why: str
    pattern: re.Pattern[str]  # any of its terms, at the start of a word

    def used_in(self, text: str) -> bool:
        return self.pattern.search(text) is not None


def _term_pattern(term: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s-]+", term.strip())]
    body = r"[\s-]+".join(words)
    return rf"\b{body}\b" if len(term) <= WHOLE_WORD else rf"\b{body}"


def load_areas(path: Path = SCOPE_FILE) -> tuple[Area, ...]:
    """The areas of the scope map; an area without `why`, or a term that is empty, upper case or
    repeated, is refused with its file and line."""
    data = require_mapping(path, load_yaml(path), "the scope map")
    areas = []
    seen: dict[str, str] = {}
    for name, area in data.items():
        area = require_mapping(path, area, f"area {name!r}")
        unknown = sorted(set(map(str, area)) - {"why", "terms"})
        if unknown:
            raise entry_error(path, area, unknown[0], f"area {name!r}: unknown key; an area has why and terms.")
        if not isinstance(area.get("why"), str) or not area["why"].strip():
            raise entry_error(path, data, name, "an area needs `why`: what it is and why the corpus lacks it.")
        terms = require_list(path, area.get("terms"), f"area {name!r}: terms")
        for i, term in enumerate(terms):
            if not isinstance(term, str) or not term.strip() or term != term.lower():
                raise entry_error(path, terms, i, f"area {name!r}: {term!r} is not a lower-case term.")
            if term in seen:
                raise entry_error(path, terms, i, f"area {name!r}: {term!r} is already a term of {seen[term]!r}.")
            seen[term] = str(name)
        pattern = re.compile("|".join(_term_pattern(t) for t in terms), re.I)
        areas.append(Area(str(name), area["why"].strip(), pattern))
    return tuple(areas)


@lru_cache(maxsize=1)
def areas() -> tuple[Area, ...]:
    return load_areas()


def off_map(question: str, clause_texts: Iterable[str]) -> list[str]:
    """The areas the question is about that none of the given (best) clauses touches."""
    used = [a for a in areas() if a.used_in(question)]
    if not used:
        return []
    texts = list(clause_texts)
    return [a.name for a in used if not any(a.used_in(t) for t in texts)]


def has_content(question: str, known: Callable[[str], bool]) -> bool:
    """Whether the question has a word (three letters or more) that ``known`` accepts."""
    return any(known(w.lower()) for w in _WORD.findall(question) if len(w) >= 3)
