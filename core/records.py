"""Records of the index format: documents as read, and the clauses cut from them.

Owned together with :mod:`core.store` (which reads and writes them); the
pipeline writes these records, the assistant reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("in_force", "repealed", "not_yet_in_force", "expired")


@dataclass(frozen=True)
class Unit:
    """A stycke or punkt inside a clause, addressable for highlighting."""

    kind: str  # "stycke" | "punkt"
    number: str  # "1", "2", "a"; punkter carry their stycke: "1.2" = första stycket punkt 2
    start: int  # offsets in Clause.text
    end: int


@dataclass(frozen=True)
class Clause:
    """The smallest unit a user would cite, with its place in its document."""

    clause_id: str  # "<doc_id>#<locator>"
    doc_id: str
    locator: str  # "2:1", "3:19@2026-03-01", "overgang:2021-952", "s:4.2", "recital:12"
    label: str  # "2 kap. 1 §", "punkt 5 b", "avsnitt 4.2"
    heading_path: tuple[str, ...]
    text: str  # verbatim, whitespace normalised; stycken and punkter separated by "\n"
    lang: str
    ordinal: int  # reading order in the document
    char_start: int = 0  # span of `text` in the document's normalised text
    char_end: int = 0
    kind: str = "section"  # section | transitional | appendix | paragraph | recital | point | annex
    status: str = "in_force"
    valid_from: str = ""
    valid_to: str = ""
    amended_by: str = ""  # "Lag (2021:952)"
    page: int | None = None  # first page (PDF sources)
    page_end: int | None = None
    units: tuple[Unit, ...] = ()
    version: str = ""
    note: str = ""  # e.g. "Ny beteckning 1 c § fr.o.m. 2026-01-01"

    @property
    def answerable(self) -> bool:
        """Only clauses in force are ever returned as an answer."""
        return self.status == "in_force"


@dataclass(frozen=True)
class Block:
    """A paragraph of a source as a reader found it, before segmentation."""

    text: str
    heading_level: int | None = None  # explicit heading level from markup, None = not a heading / unknown
    page: int | None = None
    explicit: bool = False  # True when the markup itself says heading or not
    table: bool = False  # a table row (the SFS database separates cells with tabs); never a heading


@dataclass
class ReadDocument:
    """What a reader returns: the document's paragraphs and what it says about itself."""

    doc_id: str
    title: str
    lang: str
    structure: str  # "statute" | "text" | "numbered" | "eurlex"
    blocks: list[Block]
    meta: dict[str, object] = field(default_factory=dict)
    content_hash: str = ""
