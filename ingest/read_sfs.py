"""Readers for Swedish statutes: the SFS database record (JSON) and SFS Markdown.

Both return the statute as paragraphs (:class:`Block`) for :mod:`ingest.segment_sfs`.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from core.errors import SourceError
from core.records import Block, ReadDocument
from core.sources import Source
from ingest.normalize import join_lines, mark_hyphenation, split_blocks, strip_md_links

log = logging.getLogger(__name__)


def read_bytes(path: Path, source: Source) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(
            f"{source.doc_id}: file {path} does not exist.",
            hint="Check `path` in the manifest and VAGVISARE_CORPUS_DIR.",
        ) from None
    except IsADirectoryError:
        raise SourceError(f"{source.doc_id}: {path} is a directory, not a file.",
                          hint="Point `path` in the manifest at the document itself.") from None
    if not data.strip():
        raise SourceError(f"{source.doc_id}: {path} is empty.", hint="Supply the document's text or remove the source.")
    return data


def decode(data: bytes, path: Path, source: Source) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{source.doc_id}: {path} is not UTF-8 text (byte {exc.start}).",
            hint=f"Check that format = {source.format!r} is right for this file.",
        ) from None


def read_sfs_json(source: Source, path: Path) -> ReadDocument:
    raw = decode(read_bytes(path, source), path, source)
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{source.doc_id}: {path} line {exc.lineno} column {exc.colno}: invalid JSON ({exc.msg}).",
            hint="Replace the file with the SFS database record as downloaded.",
        ) from None
    if not isinstance(record, dict):
        raise SourceError(f"{source.doc_id}: {path} is JSON but not an SFS record (expected an object).",
                          hint="Replace the file with the SFS database record as downloaded.")
    fulltext = record.get("fulltext")
    text = fulltext.get("forfattningstext") if isinstance(fulltext, dict) else None
    if not isinstance(text, str):
        raise SourceError(
            f"{source.doc_id}: {path} has no fulltext.forfattningstext.",
            hint="Is this an SFS database record? Use format = \"sfs-json\" only for those.",
        )
    if not text.strip():
        raise SourceError(f"{source.doc_id}: {path} has an empty statute text.",
                          hint="Replace the file with the SFS database record as downloaded.")
    blocks = [Block(join_lines(lines), table=any("\t" in line.strip() for line in lines))
              for lines in split_blocks(mark_hyphenation(text))]
    amendments = [
        {
            "beteckning": a.get("beteckning", ""),
            "anteckningar": a.get("anteckningar", "") or "",
            "ikraft": (a.get("ikraftDateTime") or "")[:10],
        }
        for a in record.get("andringsforfattningar") or []
        if isinstance(a, dict)
    ]
    assert isinstance(fulltext, dict)  # checked above: text came from it
    meta: dict[str, object] = {
        "as_of": fulltext.get("andringInford") or "",
        "in_force_from": (record.get("ikraftDateTime") or "")[:10],
        "issued": (fulltext.get("utfardadDateTime") or "")[:10],
        "repealed": (record.get("upphavdDateTime") or "")[:10],
        "designation": record.get("beteckning", ""),
        "amendments": amendments,
    }
    return ReadDocument(source.doc_id, record.get("rubrik") or source.title, source.lang, "statute", blocks, meta)


_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    m = _FRONT.match(text)
    if not m:
        return {}, text
    meta: dict[str, str] = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip().strip('"')
    return meta, text[m.end():]


# "#### /679 av den 27 april 2016 … direktiv 95/ 5 §" (sfs-2024-1146 1 kap. 5 §): the Markdown conversion cut
# the middle of an EU act's number ("(EU) 2016/679 … 95/46/EG") out of the section's first sentence into its
# heading. The section number is what ends the heading; the rest belongs in the body.
_CUT_SECTION = re.compile(r"^(?P<carried>\S.*?\S)\s+(?P<section>\d+\s?[a-z]?\s?§)$")
# where such a cut was made: an EU act's year directly followed by the digits after the cut ("201646/EG")
_CUT_PLACE = re.compile(r"\((?:EU|EG|EEG|Euratom)\)\s*(?:19|20)\d\d(?=\d)")


def put_back(carried: str, text: str) -> str:
    """Text the conversion moved into a section heading, put back where the body shows the cut
    (at the start of the body when no cut is seen; the words stay the source's either way)."""
    m = _CUT_PLACE.search(text) if carried.startswith("/") else None
    if m is None:
        log.info("text moved into a section heading put first in its section: %r", carried[:60])
        return f"{carried} {text}"
    return text[: m.end()] + carried + text[m.end():]


def markdown_blocks(body: str, moved: list[str] | None = None) -> tuple[str, list[Block]]:
    """Title (the first level-1 heading) and paragraphs of a Markdown text; links keep their text.
    Text put back from a section heading into its body is appended to ``moved``."""
    title = ""
    blocks: list[Block] = []
    paragraph: list[str] = []
    carried = ""

    def flush() -> None:
        nonlocal carried
        if paragraph:
            text = join_lines([strip_md_links(x) for x in paragraph])
            if carried:
                text, carried = put_back(carried, text), ""
            if text:
                blocks.append(Block(text, explicit=True))
            paragraph.clear()

    for line in body.replace("\r\n", "\n").split("\n"):
        m = _HEADING.match(line)
        if m:
            flush()
            text = join_lines([strip_md_links(m.group(2))])
            cut = _CUT_SECTION.match(text)
            if cut:  # the conversion put body text into the section heading: give it back
                text, carried = cut.group("section"), cut.group("carried")
                if moved is not None:
                    moved.append(carried)
            if len(m.group(1)) == 1 and not title:
                title = text
            elif text:
                blocks.append(Block(text, heading_level=len(m.group(1)), explicit=True))
        elif not line.strip():
            flush()
        else:
            paragraph.append(line)
    flush()
    return title, blocks


def read_sfs_markdown(source: Source, path: Path) -> ReadDocument:
    text = decode(read_bytes(path, source), path, source)
    meta, body = parse_front_matter(text)
    moved: list[str] = []
    title, blocks = markdown_blocks(body, moved)
    if not blocks:
        raise SourceError(f"{source.doc_id}: {path} has no statute text after its front matter.",
                          hint="Supply the whole statute, or remove the source from the manifest.")
    designation = meta.get("beteckning", "")
    full_title = f"{meta.get('rubrik') or title} ({designation})" if designation else (title or source.title)
    doc_meta: dict[str, object] = {
        "as_of": source.as_of or (f"publicerad {meta['publicerad_datum']}" if meta.get("publicerad_datum") else ""),
        "in_force_from": meta.get("ikraft_datum", ""),
        "issued": meta.get("utfardad_datum", ""),
        "designation": designation,
        "pdf_url": meta.get("pdf_url", ""),
        "amendments": [],
        "markers_dropped": True,  # the conversion drops /Upphör att gälla/ and /Träder i kraft/ markers
        "moved_from_headings": moved,  # text the conversion had put into a section heading (see put_back)
    }
    return ReadDocument(source.doc_id, full_title, source.lang, "statute", blocks, doc_meta)
