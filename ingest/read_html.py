"""Read HTML: acts as EUR-Lex publishes them, and ordinary web pages of agencies and universities.

Both are parsed with the standard library's ``html.parser`` into a small tree, so a
broken page never stops the parser; only a page without readable text is refused.

- EUR-Lex (``oj-*`` / ``eli-*`` markup): the title, the preamble, recitals "(1)", numbered
  points with lettered sub-points, and annexes become paragraphs that start with their
  label ("(12) …", "5. …", "(b) …"), for :mod:`ingest.segment_eurlex`. Footnote
  markers and footnotes, the Official Journal header and the signature are left out.
- Other pages: the main content (``<main>``, ``role=main``, ``<article>``, or a content
  container) by its headings; navigation, cookie banners, headers, footers and forms are
  dropped. A page whose headings are numbered ("4.2 …") is read as a numbered document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from assistant.errors import SourceError
from ingest.normalize import clean_line
from ingest.pdf_headings import NAMED, heading_number
from ingest.read_sfs import read_bytes
from ingest.records import Block, ReadDocument
from ingest.sources import Source

MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 200  # deeper nesting is flattened: no page needs it, and it keeps the tree walk bounded

_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
    "keygen",
}
_DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "math",
    "iframe",
    "object",
    "canvas",
    "head",
    "select",
    "button",
    "form",
    "dialog",
    "input",
    "textarea",
    "audio",
    "video",
    "map",
}
_BOILERPLATE_TAGS = {"nav", "header", "footer", "aside"}
_BOILERPLATE = re.compile(
    r"(^|[\s_-])(cookie|cookies|consent|gdpr|banner|breadcrumbs?|nav|navbar|navigation|menu|footer|sidebar|share|"
    r"social|skip|skiplink|toolbar|pagination|related|newsletter)($|[\s_-])",
    re.I,
)
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "caption",
    "address",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "br",
    "header",
    "footer",
    "nav",
    "aside",
    "details",
    "summary",
    "center",
}
_CLOSES_P = _BLOCK - {
    "br",
    "td",
    "th",
    "tr",
    "li",
    "dt",
    "dd",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "figcaption",
}
_HEADING = re.compile(r"^h([1-6])$")
_LABEL = re.compile(r"^(?:\(\d{1,3}\)|\d{1,3}\.|\(?[a-z]\)|\(?[ivx]{1,5}\)|[—–-])$")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def cls(self) -> str:
        return self.attrs.get("class", "")

    def text(self) -> str:
        parts: list[str] = []
        stack: list[Node | str] = [self]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                parts.append(item)
            elif item.tag not in _DROP:
                stack.extend(reversed(item.children))
        return "".join(parts)


class _TreeBuilder(HTMLParser):
    """A forgiving tree: unknown end tags are ignored, open elements close with their parent."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _CLOSES_P or tag == "p":
            self._close_open("p", stop_at={"td", "th", "li", "div", "table", "blockquote"})
        if tag == "li":
            self._close_open("li", stop_at={"ul", "ol"})
        if tag in ("td", "th"):
            self._close_open("td", stop_at={"tr", "table"})
            self._close_open("th", stop_at={"tr", "table"})
        if tag == "tr":
            self._close_open("tr", stop_at={"table"})
        node = Node(tag, {k.lower(): (v or "") for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID and len(self.stack) < MAX_DEPTH:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag.lower(), {k.lower(): (v or "") for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def _close_open(self, tag: str, stop_at: set[str]) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            current = self.stack[i].tag
            if current == tag:
                del self.stack[i:]
                return
            if current in stop_at:
                return


def _decode(data: bytes, path: Path, source: Source) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[:4096].decode("ascii", "replace").lower()
    m = re.search(r"""charset\s*=\s*["']?([a-z0-9_.:-]+)""", head)
    declared = m.group(1) if m else "utf-8"
    for encoding in dict.fromkeys([declared, "utf-8"]):
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    raise SourceError(
        f"{source.doc_id}: {path} is not text in its declared encoding ({declared}).",
        hint="Save the page again as UTF-8, or check that `format` is right for this file.",
    )


def parse(data: bytes, path: Path, source: Source) -> Node:
    if len(data) > MAX_BYTES:
        raise SourceError(
            f"{source.doc_id}: {path} is {len(data) / 1e6:.0f} MB; the limit for a page is "
            f"{MAX_BYTES / 1e6:.0f} MB.",
            hint="Check that this is the right file.",
        )
    text = _decode(data, path, source)
    if "\x00" in text:
        raise SourceError(
            f"{source.doc_id}: {path} is binary, not an HTML page.",
            hint='Check `format` in the manifest (a PDF is format = "pdf").',
        )
    builder = _TreeBuilder()
    try:
        builder.feed(text)
        builder.close()
    except (AssertionError, ValueError, IndexError) as exc:  # html.parser's rare complaints about markup
        raise SourceError(
            f"{source.doc_id}: {path} cannot be parsed as HTML ({exc}).",
            hint="Save the page again from a browser.",
        ) from None
    return builder.root


def _find(root: Node, pred: object) -> list[Node]:
    """Every element for which ``pred(node)`` holds, in document order (iterative walk)."""
    found: list[Node] = []
    stack: list[Node | str] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            continue
        if pred(item):  # type: ignore[operator]
            found.append(item)
        stack.extend(reversed(item.children))
    return found


# --- turning a tree into paragraphs --------------------------------------------------------


@dataclass
class _Para:
    text: str
    tag: str  # the block element it came from: p, li, h2, td ...
    cls: str = ""
    level: int | None = None  # heading level for h1-h6
    bold: bool = False


class _Flattener:
    """Walk a tree and emit one paragraph per block element, inline content joined."""

    def __init__(self, skip: object = None, label_rows: bool = False) -> None:
        self.paras: list[_Para] = []
        self.buffer: list[str] = []
        self.owner: list[tuple[str, str, int | None]] = [("div", "", None)]
        self.bold_chars = 0
        self.skip = skip
        self.label_rows = label_rows
        self.pending_label = ""

    def flush(self) -> None:
        text = clean_line(" ".join("".join(self.buffer).split()))
        self.buffer.clear()
        if text:
            tag, cls, level = self.owner[-1]
            if self.pending_label:
                text = f"{self.pending_label} {text}"
                self.pending_label = ""
            self.paras.append(_Para(text, tag, cls, level, bold=self.bold_chars >= 0.8 * len(text)))
        self.bold_chars = 0

    def walk(self, node: Node) -> None:
        stack: list[tuple[str, Node | str]] = [("enter", node)]
        while stack:
            action, item = stack.pop()
            if isinstance(item, str):
                self.buffer.append(item)
                continue
            if action == "leave":
                if item.tag in _BLOCK:
                    self.flush()
                    self.owner.pop()
                continue
            if item.tag in _DROP or (self.skip is not None and self.skip(item)):  # type: ignore[operator]
                continue
            if item.tag in ("br", "hr"):
                self.buffer.append(" ")
                continue
            if self.label_rows and item.tag == "tr" and self._label_row(item, stack):
                continue
            if item.tag in _BLOCK:
                self.flush()
                heading = _HEADING.match(item.tag)
                self.owner.append((item.tag, item.cls(), int(heading.group(1)) if heading else None))
            if _is_bold(item):
                self.bold_chars += len(item.text().strip())
            stack.append(("leave", item))
            for child in reversed(item.children):
                stack.append(("enter", child))

    def _label_row(self, row: Node, stack: list[tuple[str, Node | str]]) -> bool:
        """A table row "(a) | text": the label becomes the start of the first paragraph of the text."""
        cells = [c for c in row.children if isinstance(c, Node) and c.tag in ("td", "th")]
        if len(cells) < 2:
            return False
        label = clean_line(cells[0].text())
        if not _LABEL.match(label):
            return False
        self.flush()
        self.pending_label = label
        for cell in reversed(cells[1:]):
            stack.append(("enter", cell))
        return True


def _is_bold(node: Node) -> bool:
    return (
        node.tag in ("b", "strong")
        or "bold" in node.cls()
        or "font-weight:bold" in node.attrs.get("style", "").replace(" ", "")
    )


def _join_labels(paras: list[_Para]) -> list[_Para]:
    """A label alone in its paragraph ("(1)") belongs to the paragraph after it."""
    out: list[_Para] = []
    for para in paras:
        if out and _LABEL.match(out[-1].text) and out[-1].level is None:
            out[-1] = _Para(f"{out[-1].text} {para.text}", para.tag, para.cls, para.level, para.bold)
        else:
            out.append(para)
    return out


# --- EUR-Lex --------------------------------------------------------------------------------


def is_eurlex(root: Node) -> bool:
    marks = _find(
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
    body = next(iter(_find(root, lambda n: n.tag == "body")), root)
    container = next(iter(_find(body, lambda n: "eli-container" in n.cls())), body)
    flat = _Flattener(skip=_eurlex_skip, label_rows=True)
    flat.walk(container)
    flat.flush()
    paras = _join_labels(flat.paras)

    title_parts: list[str] = []
    blocks: list[Block] = []
    for para in paras:
        kind = _eurlex_kind(para.cls)
        if kind == "title" and not blocks:
            title_parts.append(para.text)
        elif kind == "title":
            blocks.append(Block(para.text, heading_level=1, explicit=True))  # "ANNEX"
        elif kind == "heading" or (
            para.bold and len(para.text) < 200 and not _LABEL.match(para.text.split(" ")[0])
        ):
            blocks.append(Block(para.text, heading_level=2, explicit=True))
        else:
            blocks.append(Block(para.text, explicit=True))
    if not any(b.heading_level is None for b in blocks):
        raise SourceError(
            f"{source.doc_id}: {path} has EUR-Lex markup but no text under its title.",
            hint="Save the act's full text page (…/TXT/HTML/?uri=…), not its summary or a search page.",
        )
    title = " ".join(title_parts) or _page_title(root) or source.title
    return ReadDocument(
        source.doc_id, title, source.lang, "eurlex", blocks, {"as_of": source.as_of, "official_title": title}
    )


# --- other web pages ------------------------------------------------------------------------


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
        found = [n for n in _find(root, pred) if not _boilerplate(n)]
        if found:
            return max(found, key=lambda n: len(n.text()))
    return next(iter(_find(root, lambda n: n.tag == "body")), root)


def _page_title(root: Node) -> str:
    titles = _find(root, lambda n: n.tag == "title")
    if not titles:
        return ""
    text = clean_line(" ".join(titles[0].text().split()))
    return re.split(r"\s+[|–—-]\s+", text)[0] if text else ""


def read_html_page(source: Source, path: Path) -> ReadDocument:
    root = parse(read_bytes(path, source), path, source)
    if is_eurlex(root):
        return eurlex_document(source, path, root)
    main = _main_content(root)
    flat = _Flattener(skip=_boilerplate)
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
        title or _page_title(root) or source.title,
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
