"""The source documents' own text, for checking that every quote is verbatim.

A quote is cut from a clause, and a clause from the text a reader made of the source file; a
check against the clause would pass whatever the reader did. So each quoted sentence is looked
up in the source file itself: the statute text of an SFS database record, a Markdown file with
its link targets and heading marks taken out, a plain text, the text of a PDF's pages or of an
HTML page. Both sides are compared with whitespace, hyphens and soft hyphens removed (line
wraps and line-break hyphenation are layout, not words). Text a reader put back where a
conversion had cut it (``moved_from_headings``, see ingest/read_sfs.py) is checked piece by piece.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from core.sources import Source

_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_LAYOUT = re.compile(r"[\s\-\u00ad\u2010\u2011]+")
MIN_PIECE = 12  # characters: a shorter leftover of a repaired sentence proves nothing either way


def squeeze(text: str) -> str:
    """Text without whitespace and hyphens: what line wrapping and hyphenation may change."""
    return _LAYOUT.sub("", text)


def source_text(source: Source, corpus_dir: Path) -> str:
    """The words of the source file as its publisher wrote them (layout aside)."""
    path = source.file(corpus_dir)
    if source.format == "pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    raw = path.read_text(encoding="utf-8-sig")
    if source.format == "sfs-json":
        return str(json.loads(raw)["fulltext"]["forfattningstext"])
    if source.format in ("sfs-markdown", "markdown"):
        return _LINK.sub(r"\1", raw).replace("#", "")
    if source.format in ("html", "eurlex"):
        return re.sub(r"<[^>]+>", " ", raw)
    return raw


@dataclass
class SourceTexts:
    """Squeezed source texts by doc id, read once each."""

    corpus_dir: Path
    sources: dict[str, Source]
    repairs: dict[str, list[str]] = field(default_factory=dict)  # doc id -> text put back by the reader
    _texts: dict[str, str] = field(default_factory=dict)

    def text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            self._texts[doc_id] = squeeze(source_text(self.sources[doc_id], self.corpus_dir))
        return self._texts[doc_id]

    def holds(self, doc_id: str, sentence: str) -> bool:
        """Whether the sentence stands in the document's source file."""
        text = self.text(doc_id)
        wanted = squeeze(sentence)
        if wanted in text:
            return True
        for moved in self.repairs.get(doc_id, ()):
            cut = squeeze(moved)
            if cut and cut in wanted and cut in text:
                pieces = [p for p in wanted.split(cut) if p]
                return all(p in text for p in pieces if len(p) >= MIN_PIECE)
        return False
