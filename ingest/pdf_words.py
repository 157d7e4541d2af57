"""The words of a PDF paragraph: its lines joined into one, break hyphens decided."""

from __future__ import annotations

from ingest.normalize import Vocabulary, join_lines
from ingest.pdf_extract import Line


def page_vocabulary(pages: list[list[Line]]) -> Vocabulary:
    """The words and hyphenated compounds the document itself writes."""
    return Vocabulary.of(ln.text for lines in pages for ln in lines)


def paragraph_text(lines: list[Line], vocabulary: Vocabulary) -> str:
    """A paragraph's lines as one line; typeset text: break hyphens are decided with the vocabulary."""
    return join_lines(
        [ln.text for ln in lines], vocabulary=vocabulary, hyphen_joins="letters-and-digits", space_before_break=False
    )
