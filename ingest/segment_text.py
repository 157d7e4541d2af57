"""Segment a text without numbered provisions: one clause per paragraph.

Clause ids are ``<heading-slug>-<n>``: the slug of the section heading the paragraph
stands under (the document title before the first heading) and the paragraph's
number under that heading. Sub-headings go into the heading path but do not restart
the numbering, so ids stay stable when a sub-heading is added or reworded.
"""

from __future__ import annotations

from core.records import Clause, ReadDocument, Unit
from ingest.normalize import slugify


def segment_text(doc: ReadDocument) -> list[Clause]:
    clauses: list[Clause] = []
    top = doc.title
    sub = ""
    slug = slugify(top)
    counts: dict[str, int] = {}
    for block in doc.blocks:
        if block.heading_level is not None:
            if block.heading_level <= 2:
                top, sub = block.text, ""
                slug = slugify(top)
            else:
                sub = block.text
            continue
        counts[slug] = counts.get(slug, 0) + 1
        n = counts[slug]
        locator = f"{slug}-{n}"
        path = tuple(x for x in (top, sub) if x)
        label = f"{top}, st. {n}" if top != doc.title else f"st. {n}"
        clauses.append(Clause(
            clause_id=f"{doc.doc_id}#{locator}", doc_id=doc.doc_id, locator=locator, label=label,
            heading_path=path, text=block.text, lang=doc.lang, ordinal=len(clauses), kind="paragraph",
            page=block.page, page_end=block.page, units=(Unit("stycke", "1", 0, len(block.text)),),
        ))
    return clauses
