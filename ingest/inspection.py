"""What a document becomes: its clauses, read from the manifest, and how well its text came out.

``vagvisare sources add`` ends with :func:`quality` of the file it added, and
``vagvisare sources show DOC_ID`` lists a document's clauses (:func:`show_source`):
both read and segment the file as ``vagvisare ingest`` would, without an index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.errors import NotFoundError
from core.records import Clause, ReadDocument
from core.settings import Settings
from core.sources import Source, load_sources
from ingest.pipeline import check_clauses, place_in_document, read_source, segment
from ingest.segment_regulation import ADVICE


@dataclass
class Quality:
    """How a document's text came out: what was found, mended and left doubtful."""

    clauses: int
    headings: int
    numbered_sections: int
    general_advice: int = 0  # clauses that carry Allmänna råd
    pages: int | None = None  # PDF only, as are the fields below
    pages_without_text: list[int] = field(default_factory=list)
    split_words_mended: int | None = None
    suspicious_words: int | None = None
    suspicious_examples: list[str] = field(default_factory=list)
    fonts_repaired: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    def lines(self) -> list[str]:
        """The summary as `sources add` prints it."""
        out = []
        if self.pages is not None:
            without = ", ".join(map(str, self.pages_without_text)) or "none"
            out.append(f"pages: {self.pages} (without text: {without})")
        out.append(f"clauses: {self.clauses}")
        out.append(f"headings found: {self.headings}")
        out.append(f"numbered sections found: {self.numbered_sections}")
        if self.general_advice:
            out.append(f"sections with general advice (Allmänna råd): {self.general_advice}")
        if self.split_words_mended is not None:
            out.append(f"split words mended: {self.split_words_mended}")
        if self.suspicious_words is not None:
            examples = f" ({', '.join(self.suspicious_examples[:5])})" if self.suspicious_examples else ""
            out.append(f"suspicious words left: {self.suspicious_words}{examples}")
        out += [f"repaired: {repair}" for repair in self.fonts_repaired]
        return out


def _numbered(clause: Clause) -> bool:
    """A clause that stands for a numbered section: "5 §", "avsnitt 4.2", "punkt 5"."""
    return clause.kind == "section" and (clause.locator.startswith("s:") or clause.locator[:1].isdigit())


def quality(doc: ReadDocument, clauses: list[Clause]) -> Quality:
    """The quality summary of a document as read and segmented."""
    pdf: dict[str, Any] = doc.meta.get("quality") or {}  # type: ignore[assignment]
    sections = {
        c.locator.split("-", 1)[0] if c.locator.startswith("s:") else c.locator for c in clauses if _numbered(c)
    }
    summary = Quality(
        clauses=len(clauses),
        headings=sum(1 for b in doc.blocks if b.heading_level is not None),
        numbered_sections=len(sections),
        general_advice=sum(1 for c in clauses if any(u.kind == ADVICE for u in c.units)),
    )
    if pdf:
        summary.pages = pdf.get("pages")
        summary.pages_without_text = list(pdf.get("pages_without_text", []))
        summary.split_words_mended = pdf.get("split_words_mended")
        summary.suspicious_words = pdf.get("suspicious_words")
        summary.suspicious_examples = list(pdf.get("suspicious_examples", []))
        summary.fonts_repaired = list(doc.meta.get("fonts_repaired", []))  # type: ignore[call-overload]
    return summary


@dataclass
class DocumentView:
    """A document as the index would hold it: its source, clauses and quality summary."""

    source: Source
    title: str
    clauses: list[Clause]
    quality: Quality

    def to_json(self) -> list[dict[str, Any]]:
        """One object per clause, in reading order."""
        return [
            {
                "clause_id": c.clause_id,
                "label": c.label,
                "heading_path": list(c.heading_path),
                "page": c.page,
                "page_end": c.page_end,
                "kind": c.kind,
                "status": c.status,
                "amended_by": c.amended_by,
                "general_advice": [c.text[u.start : u.end] for u in c.units if u.kind == ADVICE],
                "text": c.text,
            }
            for c in self.clauses
        ]


def read_and_segment(source: Source, settings: Settings) -> tuple[ReadDocument, list[Clause]]:
    """A source read and cut into clauses as `vagvisare ingest` does it (current version only)."""
    doc = read_source(source, settings.corpus_dir)
    clauses, _ = segment(doc, settings.as_of_date())
    check_clauses(source.doc_id, clauses)
    placed, _ = place_in_document(source.doc_id, clauses)
    return doc, placed


def show_source(settings: Settings, doc_id: str) -> DocumentView:
    """The clauses of a document in the manifest, read from its file (no index needed)."""
    sources = {s.doc_id: s for s in load_sources(settings.manifest)}
    source = sources.get(doc_id)
    if source is None:
        raise NotFoundError(
            f"{doc_id!r} is not in {settings.manifest}.",
            hint=f"Known documents: {', '.join(sorted(sources)) or 'none'}. `vagvisare sources` lists them.",
        )
    doc, clauses = read_and_segment(source, settings)
    return DocumentView(source, doc.title, clauses, quality(doc, clauses))
