"""Read HTML: ordinary web pages of agencies and universities (and EUR-Lex acts, by their markup).

- Other pages: the main content (``<main>``, ``role=main``, ``<article>``, or a content
  container) by its headings; navigation, cookie banners, headers, footers and forms are
  dropped. A page whose headings are numbered ("4.2 …") is read as a numbered document.
- A page with EUR-Lex markup is read by :mod:`ingest.read_eurlex`.

The tree and the flattening both share are in :mod:`ingest.html_tree`.
"""

from __future__ import annotations

import re
from pathlib import Path

from core.errors import SourceError
from core.records import Block, ReadDocument
from core.sources import Source
from ingest.html_tree import Flattener, Node, find, page_title, parse
from ingest.pdf_headings import NAMED, heading_number
from ingest.read_eurlex import eurlex_document, is_eurlex
from ingest.read_sfs import read_bytes

_BOILERPLATE_TAGS = {"nav", "header", "footer", "aside"}
_BOILERPLATE = re.compile(
    r"(^|[\s_-])(cookie|cookies|consent|gdpr|banner|breadcrumbs?|nav|navbar|navigation|menu|footer|sidebar|share|"
    r"social|skip|skiplink|toolbar|pagination|related|newsletter)($|[\s_-])",
    re.I,
)


def _boilerplate(node: Node) -> bool:
    if node.tag in _BOILERPLATE_TAGS:
        return True
    marks = " ".join(
        (node.attrs.get("id", ""), node.cls(), node.attrs.get("role", ""), node.attrs.get("aria-label", ""))
    )
    return (
        bool(marks.strip())
        and _BOILERPLATE.search(marks) is not None
        or node.attrs.get("role", "")
        in ("navigation", "banner", "contentinfo", "complementary", "search", "dialog")
        or ("hidden" in node.attrs or node.attrs.get("aria-hidden") == "true")
    )


def _main_content(root: Node) -> Node:
    for pred in (
        lambda n: n.tag == "main",
        lambda n: n.attrs.get("role") == "main",
        lambda n: n.tag == "article",
        lambda n: (
            re.search(
                r"(^|[\s_-])(main|content|article)($|[\s_-])", f"{n.attrs.get('id', '')} {n.cls()}", re.I
            )
            is not None
            and n.tag in ("div", "section")
        ),
    ):
        found = [n for n in find(root, pred) if not _boilerplate(n)]
        if found:
            return max(found, key=lambda n: len(n.text()))
    return next(iter(find(root, lambda n: n.tag == "body")), root)


def read_html_page(source: Source, path: Path) -> ReadDocument:
    root = parse(read_bytes(path, source), path, source)
    if is_eurlex(root):
        return eurlex_document(source, path, root)
    main = _main_content(root)
    flat = Flattener(skip=_boilerplate)
    flat.walk(main)
    flat.flush()

    title = ""
    blocks: list[Block] = []
    list_open = False
    for para in flat.paras:
        if para.level == 1 and not title:
            title = para.text
            continue
        if para.level is not None:
            blocks.append(Block(para.text, heading_level=para.level, explicit=True))
            list_open = False
            continue
        item = para.tag == "li"
        if (
            item
            and blocks
            and blocks[-1].heading_level is None
            and (list_open or blocks[-1].text.endswith(":"))
        ):
            blocks[-1] = Block(
                blocks[-1].text + "\n" + para.text, explicit=True
            )  # a list stays with its lead-in
        else:
            blocks.append(Block(para.text, explicit=True))
        list_open = item
    if not any(b.heading_level is None for b in blocks):
        raise SourceError(
            f"{source.doc_id}: {path} has no readable text in its main content.",
            hint="Save the page's HTML as the browser shows it, or check that this is the right page.",
        )
    numbered = sum(
        1
        for b in blocks
        if b.heading_level is not None and (heading_number(b.text) is not None or NAMED.match(b.text))
    )
    structure = "text"
    if numbered >= 2:
        structure = "numbered"
        blocks = [_numbered_level(b) for b in blocks]
    return ReadDocument(
        source.doc_id,
        title or page_title(root) or source.title,
        source.lang,
        structure,
        blocks,
        {"as_of": source.as_of},
    )


def _numbered_level(block: Block) -> Block:
    """In a page with numbered headings the number gives the level; other headings are sub-headings."""
    if block.heading_level is None:
        return block
    number = heading_number(block.text)
    if number is not None:
        return Block(block.text, heading_level=number.count(".") + 1, explicit=True)
    if NAMED.match(block.text):
        return Block(block.text, heading_level=1, explicit=True)
    return Block(block.text, heading_level=1 if block.heading_level <= 2 else 6, explicit=True)
