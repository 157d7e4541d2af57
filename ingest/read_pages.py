"""Readers for texts without numbered provisions: plain text (a decision extracted
from its PDF) and Markdown pages (regeringen.se)."""

from __future__ import annotations

import re
from pathlib import Path

from core.errors import SourceError
from core.records import Block, ReadDocument
from core.sources import Source
from ingest.normalize import clean_line, join_lines, rejoin_split_words, split_blocks
from ingest.read_sfs import decode, markdown_blocks, parse_front_matter, read_bytes

_MAX_HEADING = 70


def _looks_like_heading(line: str) -> bool:
    line = line.strip()
    return (
        0 < len(line) <= _MAX_HEADING
        and line[0].isupper()
        and not re.search(r"[.,:;]$", line)
        and not re.match(r"^\d+[.)]\s", line)
    )


def _is_list(lines: list[str]) -> bool:
    """A block of several short lines without sentence ends: a list (addressees, departments)."""
    cleaned = [clean_line(x) for x in lines]
    return len(cleaned) >= 2 and all(len(x) <= _MAX_HEADING and not x.endswith(".") for x in cleaned)


def read_plain_text(source: Source, path: Path) -> ReadDocument:
    """Plain text: the first paragraph is the title; short unpunctuated lines are headings.

    A heading may stand alone or be glued to the paragraph it introduces (no blank
    line between), as PDF extraction leaves it. Lists keep their line breaks.
    """
    text = decode(read_bytes(path, source), path, source)
    raw_blocks = split_blocks(text)
    if not raw_blocks:
        raise SourceError(f"{source.doc_id}: {path} has no text.",
                          hint="Supply the document's text or remove the source.")
    title = join_lines(raw_blocks[0])
    blocks: list[Block] = []
    for lines in raw_blocks[1:]:
        if len(lines) == 1 and _looks_like_heading(lines[0]):
            blocks.append(Block(clean_line(lines[0]), heading_level=2, explicit=True))
        elif _is_list(lines):
            first = clean_line(lines[0])
            rest = lines
            if _looks_like_heading(first) and first in {"Kopia till", "Sändlista"}:
                blocks.append(Block(first, heading_level=2, explicit=True))
                rest = lines[1:]
            blocks.append(Block("\n".join(clean_line(x) for x in rest), explicit=True))
        elif _looks_like_heading(lines[0]) and len(lines) > 1 and clean_line(lines[1])[:1].isupper() \
                and len(clean_line(lines[0])) < 0.6 * max(len(clean_line(x)) for x in lines[1:]):
            blocks.append(Block(clean_line(lines[0]), heading_level=3, explicit=True))
            blocks.append(Block(join_lines(lines[1:]), explicit=True))
        else:
            blocks.append(Block(join_lines(lines), explicit=True))
    # mend split words across the whole text, so that each is judged document-wide
    parts = rejoin_split_words("\n\n".join(b.text for b in blocks)).split("\n\n")
    mended = [Block(p, b.heading_level, b.page, b.explicit) for p, b in zip(parts, blocks, strict=True)]
    return ReadDocument(source.doc_id, title, source.lang, "text", mended, {"as_of": source.as_of})


def read_markdown_page(source: Source, path: Path) -> ReadDocument:
    text = decode(read_bytes(path, source), path, source)
    meta, body = parse_front_matter(text)
    title, blocks = markdown_blocks(body)
    if not blocks:
        raise SourceError(f"{source.doc_id}: {path} has no paragraphs under its title.",
                          hint="Supply the page's text, or remove the source from the manifest.")
    return ReadDocument(source.doc_id, title or source.title, source.lang, "text", blocks,
                        {"as_of": source.as_of, **meta})
