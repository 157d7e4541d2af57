"""Readers for Swedish statutes: the SFS database record (JSON) and SFS Markdown.

Both return the statute as paragraphs (:class:`Block`) for :mod:`ingest.segment_sfs`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from assistant.errors import SourceError
from ingest.normalize import join_lines, mark_hyphenation, split_blocks, strip_md_links
from ingest.records import Block, ReadDocument
from ingest.sources import Source


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
    blocks = [Block(join_lines(lines)) for lines in split_blocks(mark_hyphenation(text))]
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


def markdown_blocks(body: str) -> tuple[str, list[Block]]:
    """Title (the first level-1 heading) and paragraphs of a Markdown text; links keep their text."""
    title = ""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            text = join_lines([strip_md_links(x) for x in paragraph])
            if text:
                blocks.append(Block(text, explicit=True))
            paragraph.clear()

    for line in body.replace("\r\n", "\n").split("\n"):
        m = _HEADING.match(line)
        if m:
            flush()
            text = join_lines([strip_md_links(m.group(2))])
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
    title, blocks = markdown_blocks(body)
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
    }
    return ReadDocument(source.doc_id, full_title, source.lang, "statute", blocks, doc_meta)
