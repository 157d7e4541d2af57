"""Read a PDF report or guideline (pypdf): its paragraphs and numbered headings, page by page.

The stages, one module each: :mod:`ingest.pdf_extract` (the text layer, line by line),
:mod:`ingest.pdf_furniture` (running headers and footers, page numbers, the table of
contents), :mod:`ingest.pdf_paragraphs` (lines into paragraphs), :mod:`ingest.pdf_headings`
(numbered and typographic headings) and :mod:`ingest.pdf_words` (lines into words).

Every block keeps the page it starts on (1-based, as a PDF viewer counts); a
paragraph that runs over a page break is joined, and the page it ends on is kept in
``meta["page_ends"]``.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

from core.records import Block, ReadDocument
from core.sources import Source
from ingest.lexicon import corpus_lexicon
from ingest.pdf_extract import extract, fail
from ingest.pdf_fonts import malformed, repair_fonts
from ingest.pdf_furniture import remove_contents, remove_furniture
from ingest.pdf_headings import Heading, classify, heading_levels, measure_layout
from ingest.pdf_paragraphs import find_paragraphs
from ingest.pdf_words import Words
from ingest.read_sfs import read_bytes
from ingest.segment_regulation import looks_like_regulation
from ingest.segment_sfs import SECTION

log = logging.getLogger(__name__)


def read_pdf(source: Source, path: Path, corpus_dir: Path | None = None) -> ReadDocument:
    """The document's blocks; words split by the PDF are mended against the lexicon of ``corpus_dir``."""
    data = read_bytes(path, source)
    text = extract(data, path, source)
    lexicon = corpus_lexicon(corpus_dir)
    repairs = repair_fonts(text, lexicon, source, path)
    text.place_lines()
    remove_furniture(text)
    toc = remove_contents(text)

    layout = measure_layout(text.pages)
    words = Words.of(text.pages, lexicon)
    paragraphs = find_paragraphs(text.pages, layout)
    items = classify(paragraphs, layout, toc, words)
    levels = heading_levels(items)
    has_numbers = any(isinstance(h, Heading) and (h.number or h.named) for h in items)

    cover_page = len(text.pages) > 2 and sum(len(ln.text.strip()) for ln in text.pages[0]) < 400
    cover: list[str] = []
    blocks: list[Block] = []
    page_ends: dict[str, int] = {}
    for i, item in enumerate(items):
        if cover_page and item.page == 1:
            cover.append(item.text if isinstance(item, Heading) else words.text(item.lines))
            continue
        if isinstance(item, Heading):
            level = levels[i] if has_numbers else (2 if levels[i] == 1 else 3)
            blocks.append(Block(item.text, heading_level=level, page=item.page, explicit=True))
            continue
        body = words.text(item.lines)
        if not body:
            continue
        if item.page_end != item.page:
            page_ends[str(len(blocks))] = item.page_end
        blocks.append(Block(body, page=item.page, explicit=True))
    if not any(b.heading_level is None for b in blocks):
        raise fail(
            source,
            path,
            "has text only on its cover page, or only headings.",
            "Check that this is the document itself and not a cover or a form.",
        )

    meta: dict[str, object] = {
        "as_of": source.as_of,
        "pages": len(text.pages),
        "removed": dict(text.removed),
        "cover": cover,
        "page_ends": page_ends,
    }
    if repairs:
        meta["fonts_repaired"] = [r.describe() for r in repairs]
    left = words.suspicious + Counter(w for b in blocks for w in b.text.split() if malformed(w))
    meta["quality"] = {
        "pages": len(text.pages),
        "pages_without_text": text.empty_pages,
        "headings": sum(1 for b in blocks if b.heading_level is not None),
        "split_words_mended": words.mended,
        "suspicious_words": sum(left.values()),
        "suspicious_examples": [w for w, _ in left.most_common(10)],
        "fonts_repaired": len(repairs),
    }
    if text.page_labels:
        meta["page_labels"] = {str(k): v for k, v in sorted(text.page_labels.items())}
    log.debug("%s: %d blocks from %d pages (%s)", source.doc_id, len(blocks), len(text.pages), dict(text.removed))
    numbered = sum(1 for item in items if isinstance(item, Heading) and item.number)
    if looks_like_regulation(blocks) and sum(1 for b in blocks if SECTION.match(b.text)) > numbered:
        structure = "regulation"  # sections "1 §" … "52 §": cut as a statute is
    else:
        structure = "numbered" if has_numbers else "text"
    return ReadDocument(source.doc_id, source.title, source.lang, structure, blocks, meta)
