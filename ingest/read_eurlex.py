"""Read acts as EUR-Lex publishes them in HTML (``oj-*`` / ``eli-*`` markup).

The title, the preamble, recitals "(1)", numbered points with lettered sub-points, and annexes
become paragraphs that start with their label ("(12) …", "5. …", "(b) …"), for
:mod:`ingest.segment_eurlex`. Footnote markers and footnotes, the Official Journal header and
the signature are left out. :func:`ingest.read_html.read_html_page` hands a page with this
markup here too.
"""

from __future__ import annotations

import re
from pathlib import Path

from core.errors import SourceError
from core.records import Block, ReadDocument
from core.sources import Source
from ingest.html_tree import LABEL, Flattener, Node, find, join_labels, page_title, parse
from ingest.read_sfs import read_bytes


def is_eurlex(root: Node) -> bool:
    marks = find(
        root,
        lambda n: (
            re.search(r"\b(oj-|eli-)", n.cls()) is not None
            or re.match(r"^(rct|enc|anx|pbl|tit)_", n.attrs.get("id", "")) is not None
        ),
    )
    return len(marks) >= 3


def _eurlex_skip(node: Node) -> bool:
    cls = node.cls()
    if re.search(r"\b(oj-)?(note|hd-\w+|separator)\b", cls) and "oj-normal" not in cls:
        return True
    if node.tag == "a" and node.attrs.get("id", "").startswith(("ntc", "ntr")):  # footnote markers "(5)"
        return True
    return node.tag == "a" and "oj-note-tag" in " ".join(
        c.cls() for c in node.children if isinstance(c, Node)
    )


def _eurlex_kind(cls: str) -> str:
    cls = re.sub(r"\boj-", "", cls)
    if re.search(r"\bdoc-ti\b", cls):
        return "title"
    if re.search(r"\b(ti-grseq-\d|ti-section-\d|ti-art|sti-art|ti-annotation|ti-grseq)\b", cls):
        return "heading"
    return "text"


def read_eurlex(source: Source, path: Path) -> ReadDocument:
    root = parse(read_bytes(path, source), path, source)
    return eurlex_document(source, path, root)


def eurlex_document(source: Source, path: Path, root: Node) -> ReadDocument:
    body = next(iter(find(root, lambda n: n.tag == "body")), root)
    container = next(iter(find(body, lambda n: "eli-container" in n.cls())), body)
    flat = Flattener(skip=_eurlex_skip, label_rows=True)
    flat.walk(container)
    flat.flush()
    paras = join_labels(flat.paras)

    title_parts: list[str] = []
    blocks: list[Block] = []
    for para in paras:
        kind = _eurlex_kind(para.cls)
        if kind == "title" and not blocks:
            title_parts.append(para.text)
        elif kind == "title":
            blocks.append(Block(para.text, heading_level=1, explicit=True))  # "ANNEX"
        elif kind == "heading" or (
            para.bold and len(para.text) < 200 and not LABEL.match(para.text.split(" ")[0])
        ):
            blocks.append(Block(para.text, heading_level=2, explicit=True))
        else:
            blocks.append(Block(para.text, explicit=True))
    if not any(b.heading_level is None for b in blocks):
        raise SourceError(
            f"{source.doc_id}: {path} has EUR-Lex markup but no text under its title.",
            hint="Save the act's full text page (…/TXT/HTML/?uri=…), not its summary or a search page.",
        )
    title = " ".join(title_parts) or page_title(root) or source.title
    return ReadDocument(
        source.doc_id, title, source.lang, "eurlex", blocks, {"as_of": source.as_of, "official_title": title}
    )


