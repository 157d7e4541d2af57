"""Which lead phrase introduces an answer: the question type's own, or one that fits the question better.

"Vem ska säkerhetsprövas?" is a question of type responsibility (it asks "vem"), but it asks who is
covered, not who is responsible; "När måste det vara klart?" is a procedure question that asks for a
time. The refinements are data (``data/leads.yaml``): within a type, the first rule whose words occur
in the question chooses the lead; the type itself chooses how the answer is built (assistant/qtype.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from assistant.qtype import TYPES
from core.datafile import entry_error, load_yaml, require_list, require_mapping

LEADS_FILE = Path(__file__).parent / "data" / "leads.yaml"
_FIELDS = ("type", "lead", "why", "words")


def load_leads(path: Path = LEADS_FILE) -> list[tuple[str, str, re.Pattern[str]]]:
    """The rules in order: (question type, lead, pattern matching any of its words as a whole word)."""
    rules = require_list(path, load_yaml(path), "the lead rules")
    out: list[tuple[str, str, re.Pattern[str]]] = []
    for n, raw in enumerate(rules):
        rule = require_mapping(path, raw, f"rule {n + 1} (line {rules.lines[n]})")
        extra = sorted(set(map(str, rule)) - set(_FIELDS))
        if extra:
            raise entry_error(path, rule, extra[0], f"unknown field; a rule has {', '.join(_FIELDS)}.")
        if rule.get("type") not in TYPES:
            raise entry_error(path, rule, "type", f"unknown question type {rule.get('type')!r}.")
        lead = rule.get("lead")
        if not isinstance(lead, str) or not re.fullmatch(r"[a-z_]+", lead):
            raise entry_error(path, rule, "lead", "a lead is a name of lower-case letters (lead_<name> in "
                                                  "data/phrases.yaml).")
        why = rule.get("why")
        if not isinstance(why, str) or len(why.split()) < 4:
            raise entry_error(path, rule, "why", "each rule says why its words ask that.")
        words = require_list(path, rule.get("words"), f"the words of {lead!r}")
        if not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise entry_error(path, rule, "words", "a rule has at least one word, each a non-empty string.")
        try:
            pattern = re.compile(r"(?<![\w-])(" + "|".join(words) + r")(?![\w-])", re.I)
        except re.error as exc:
            raise entry_error(path, rule, "words", f"not a valid regular expression ({exc}).") from None
        out.append((str(rule["type"]), lead, pattern))
    return out


@lru_cache(maxsize=1)
def _leads() -> list[tuple[str, str, re.Pattern[str]]]:
    return load_leads()


def lead_kind(question: str, qtype: str) -> str:
    """The lead for a question of type ``qtype``: a refinement from data/leads.yaml, or the type itself."""
    for kind, lead, pattern in _leads():
        if kind == qtype and pattern.search(question):
            return lead
    return qtype
