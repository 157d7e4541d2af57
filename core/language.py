"""Which language a question is in: Swedish or English."""

from __future__ import annotations

import re
from collections.abc import Collection

_SV = frozenset("""och att det som en är på för med har inte av till den vad vilka vilken vilket hur när var
vem får ska måste kan om eller de vi jag min mitt mina vår våra ni sig från enligt gäller behöver finns
skall kap lag lagen förordningen myndighet myndigheten""".split())
_EN = frozenset("""the and of to is are what which who how when where does do must can may should a an in
for on with by from under our we i my your is it be there any this that law act chapter section""".split())


def detect_language(text: str, swedish_words: Collection[str] = (), default: str = "sv") -> str:
    """'sv' or 'en' from function words, Swedish letters and, for keyword questions, whether the
    words are known from the (Swedish) corpus; ``default`` when undecided."""
    words = re.findall(r"[a-zåäöéü]+", text.lower())
    sv = sum(w in _SV for w in words) + sum(2 for w in words if re.search(r"[åäö]", w))
    en = sum(w in _EN for w in words)
    if swedish_words and sv == en:
        content = [w for w in words if len(w) > 3 and w not in _SV and w not in _EN]
        sv += sum(w in swedish_words for w in content)
        en += sum(w not in swedish_words for w in content)
    if sv == en:
        return default
    return "sv" if sv > en else "en"
