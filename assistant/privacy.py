"""Personal data in questions: Swedish personal identity numbers and e-mail addresses are
masked before a question is logged, stored or searched."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# ÅÅMMDD-NNNN, ÅÅÅÅMMDDNNNN, with "-", "+" or nothing between; also samordningsnummer (day + 60)
_PNR = re.compile(r"(?<![\d:])(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01]|[6-8]\d|9[01])[-+ ]?\d{4}(?![\d:])")


def mask(text: str) -> tuple[str, bool]:
    """The text with personal identity numbers and e-mail addresses replaced, and whether any were."""
    masked = _EMAIL.sub("[e-post]", text)
    masked = _PNR.sub("[personnummer]", masked)
    return masked, masked != text
