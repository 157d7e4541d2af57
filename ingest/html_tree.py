"""HTML as a small tree, and the tree as paragraphs: what the HTML readers share.

Pages are parsed with the standard library's ``html.parser`` into :class:`Node` trees, so a
broken page never stops the parser (:func:`parse`); :class:`Flattener` turns a tree into one
:class:`Para` per block element. :mod:`ingest.read_eurlex` and :mod:`ingest.read_html` read
their documents from these.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from core.errors import SourceError
from core.sources import Source
from ingest.normalize import clean_line

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
LABEL = re.compile(r"^(?:\(\d{1,3}\)|\d{1,3}\.|\(?[a-z]\)|\(?[ivx]{1,5}\)|[—–-])$")


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


def find(root: Node, pred: Callable[[Node], object]) -> list[Node]:
    """Every element for which ``pred(node)`` holds, in document order (iterative walk)."""
    found: list[Node] = []
    stack: list[Node | str] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            continue
        if pred(item):
            found.append(item)
        stack.extend(reversed(item.children))
    return found


# --- turning a tree into paragraphs --------------------------------------------------------


@dataclass
class Para:
    text: str
    tag: str  # the block element it came from: p, li, h2, td ...
    cls: str = ""
    level: int | None = None  # heading level for h1-h6
    bold: bool = False


class Flattener:
    """Walk a tree and emit one paragraph per block element, inline content joined."""

    def __init__(self, skip: object = None, label_rows: bool = False) -> None:
        self.paras: list[Para] = []
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
            self.paras.append(Para(text, tag, cls, level, bold=self.bold_chars >= 0.8 * len(text)))
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
            if is_bold(item):
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
        if not LABEL.match(label):
            return False
        self.flush()
        self.pending_label = label
        for cell in reversed(cells[1:]):
            stack.append(("enter", cell))
        return True


def is_bold(node: Node) -> bool:
    return (
        node.tag in ("b", "strong")
        or "bold" in node.cls()
        or "font-weight:bold" in node.attrs.get("style", "").replace(" ", "")
    )


def join_labels(paras: list[Para]) -> list[Para]:
    """A label alone in its paragraph ("(1)") belongs to the paragraph after it."""
    out: list[Para] = []
    for para in paras:
        if out and LABEL.match(out[-1].text) and out[-1].level is None:
            out[-1] = Para(f"{out[-1].text} {para.text}", para.tag, para.cls, para.level, para.bold)
        else:
            out.append(para)
    return out


def page_title(root: Node) -> str:
    titles = find(root, lambda n: n.tag == "title")
    if not titles:
        return ""
    text = clean_line(" ".join(titles[0].text().split()))
    return re.split(r"\s+[|–—-]\s+", text)[0] if text else ""
