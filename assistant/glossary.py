"""An English–Swedish glossary of the corpus's legal vocabulary, for cross-lingual search.

An English question is searched with the Swedish terms its English terms stand for
(BM25 cannot match "security vetting" to "säkerhetsprövning" otherwise), and the dense
query gets the same terms appended. The glossary only widens the search; answers
still quote the Swedish text verbatim. Entries are lower case; the longest English
phrase wins, so "security protection agreement" is not read as "security" + "agreement".

The terms and the agency acronyms are data: ``assistant/data/glossary.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.datafile import LocatedDict, entry_error, load_yaml, require_list, require_mapping
from core.errors import ConfigError

GLOSSARY_FILE = Path(__file__).parent / "data" / "glossary.yaml"
_GROUP_FIELDS = ("topic", "terms")
_TERM_FIELDS = ("sv", "from")


@dataclass(frozen=True)
class Glossary:
    terms: dict[str, str]  # English phrase (lower case) -> the Swedish terms searched for it
    acronyms: dict[str, str]  # agency acronym (upper case) -> its full Swedish name (lower case)
    topics: dict[str, tuple[str, str]]  # English phrase -> (topic, where its Swedish term stands in the corpus)


def _text(path: Path, container: Any, key: Any, value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise entry_error(path, container, key, f"{what} must be a non-empty string without surrounding spaces "
                                                f"(found {value!r}).")
    return value


def _key(path: Path, container: LocatedDict, key: Any) -> str:
    if not isinstance(key, str):
        raise entry_error(path, container, key, "the entry's name must be a string (quote words YAML reads as "
                                                "something else, like no, yes or on).")
    return key


def load_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    """Read and check the glossary: every group, term and acronym well formed, no English phrase twice."""
    data = require_mapping(path, load_yaml(path), "the glossary file")
    unknown = sorted(set(map(str, data)) - {"glossary", "acronyms"})
    if unknown:
        raise entry_error(path, data, unknown[0], "unknown section; the file has glossary and acronyms.")
    groups = require_list(path, data.get("glossary"), "glossary")
    terms: dict[str, str] = {}
    topics: dict[str, tuple[str, str]] = {}
    first: dict[str, int] = {}
    for n, group in enumerate(groups):
        group = require_mapping(path, group, f"glossary group {n + 1} (line {groups.lines[n]})")
        extra = sorted(set(map(str, group)) - set(_GROUP_FIELDS))
        if extra:
            raise entry_error(path, group, extra[0], f"unknown field; a group has {', '.join(_GROUP_FIELDS)}.")
        topic = _text(path, group, "topic", group.get("topic"), "topic")
        entries = require_mapping(path, group.get("terms"), f"the terms of {topic!r}")
        if not entries:
            raise entry_error(path, group, "terms", "a group has at least one term.")
        for english, swedish in entries.items():
            english = _key(path, entries, english)
            _text(path, entries, english, english, "the English phrase")
            if english != english.lower():
                raise entry_error(path, entries, english, "the English phrase must be lower case.")
            if english in terms:
                raise entry_error(path, entries, english, f"appears twice (first at line {first[english]}).")
            if not isinstance(swedish, dict):
                raise entry_error(path, entries, english, "a term is {sv: Swedish terms, from: where they stand "
                                                          "in the corpus}.")
            entry = require_mapping(path, swedish, f"the term {english!r}")
            if set(map(str, entry)) != set(_TERM_FIELDS):
                raise entry_error(path, entries, english, "a term has sv (the Swedish terms searched) and from "
                                                          "(where they stand in the corpus: a heading, a "
                                                          "definition or a clause).")
            terms[english] = _text(path, entry, "sv", entry["sv"], "the Swedish terms")
            topics[english] = (topic, _text(path, entry, "from", entry["from"], "where the term comes from"))
            first[english] = entries.lines[english]
    acronym_entries = require_mapping(path, data.get("acronyms"), "acronyms")
    acronyms: dict[str, str] = {}
    for acronym, name in acronym_entries.items():
        acronym = _key(path, acronym_entries, acronym)
        if acronym != acronym.upper() or len(acronym) < 2 or not acronym.isalpha():
            raise entry_error(path, acronym_entries, acronym, "an acronym is two or more upper-case letters.")
        name = _text(path, acronym_entries, acronym, name, "the agency's name")
        if name != name.lower():
            raise entry_error(path, acronym_entries, acronym, "the agency's name must be lower case (as the "
                                                              "corpus writes it in running text).")
        acronyms[acronym] = name
    if not terms:
        raise ConfigError(f"{path}: the glossary has no terms.")
    return Glossary(terms, acronyms, topics)


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    """The project's glossary (read once)."""
    return load_glossary()


@lru_cache(maxsize=1)
def _acronym_pattern() -> re.Pattern[str]:
    acronyms = glossary().acronyms
    return re.compile(r"(?<![\w-])(" + "|".join(sorted(acronyms, key=len, reverse=True)) + r")(?![\w-])")


def acronym_terms(question: str) -> list[str]:
    """The full names of the agencies a question names by acronym ("UHR", "Säpo")."""
    acronyms = glossary().acronyms
    found = (acronyms[m.group(1)] for m in _acronym_pattern().finditer(question.replace("Säpo", "SÄPO")))
    return list(dict.fromkeys(found))


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    phrases = sorted(glossary().terms, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(p) for p in phrases) + r")(?![\w-])", re.I)


def swedish_terms(question: str) -> list[str]:
    """The Swedish terms for the glossary phrases and agency acronyms an English question uses
    (longest match first)."""
    terms = glossary().terms
    found = [terms[m.group(1).lower()] for m in _pattern().finditer(question)]
    return list(dict.fromkeys([*found, *acronym_terms(question)]))
