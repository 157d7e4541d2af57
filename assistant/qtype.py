"""What kind of question this is, by rules that can be tested one by one.

The type chooses the answer's template: its lead phrase and how many sentences it quotes.
"""

from __future__ import annotations

import re

TYPES = ("definition", "obligation", "responsibility", "procedure", "sanctions", "exception", "general")

# checked in this order; the first rule that matches decides
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("sanctions", re.compile(
        r"\b(straff\w*|sanktion\w*|böter|bötes\w*|fängelse|vite|påföljd\w*|penalt\w*|fines?|sanction\w*|prison|"
        r"imprisonment|punish\w*|sanktionsavgift\w*)\b", re.I)),
    ("exception", re.compile(
        r"\b(undanta\w*|gäller inte|inte gäller|slipper|exempt\w*|exception\w*|except|excluded|"
        r"does not apply|not apply|inte omfattas)\b", re.I)),
    ("definition", re.compile(
        r"(\bvad (menas|avses|betyder|innebär|är)\b|\bdefini\w*|\bwhat (is|are) (meant by|a|an|the)\b|"
        r"\bwhat does .{1,60} mean\b|\bmeaning of\b|\bdefine\w*\b|\bvad är en?\b)", re.I)),
    ("responsibility", re.compile(
        r"\b(vem|vilka myndigheter|vilken myndighet|ansvar\w*|who|whom|which (authority|agency|body)|"
        r"responsib\w*|supervis\w*|tillsyn\w*)\b", re.I)),
    ("procedure", re.compile(
        r"\b(hur|när|senast|inom hur|frist\w*|tidsfrist\w*|hur länge|hur lång|how|when|deadline\w*|"
        r"how long|within|procedure|steps?|anmäl\w*|ansök\w*|apply|report\w*)\b", re.I)),
    ("obligation", re.compile(
        r"\b(måste|ska vi|ska jag|skall|skyldig\w*|krav\w*|behöver|får vi|får jag|must|required?|"
        r"obliged|obligation\w*|have to|has to|need to|allowed|may we|can we|permitted)\b", re.I)),
]


def question_type(question: str) -> str:
    for name, pattern in _RULES:
        if pattern.search(question):
            return name
    return "general"
