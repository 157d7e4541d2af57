"""What a new file of a source would change: clauses added, removed and changed (`vagvisare sources diff`).

Reads and segments both files through :mod:`ingest.pipeline` and compares them clause by clause;
writes nothing.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.errors import NotFoundError
from core.records import Clause
from core.settings import Settings
from core.sources import load_sources
from ingest.pipeline import check_clauses, read_source, segment
from ingest.versions import version_name


@dataclass
class VersionDiff:
    """What changed between two versions of one source, by clause locator."""

    doc_id: str
    old_version: str
    new_version: str
    added: list[Clause] = field(default_factory=list)
    removed: list[Clause] = field(default_factory=list)
    changed: list[tuple[Clause, Clause]] = field(default_factory=list)
    unchanged: int = 0

    def to_dict(self) -> dict[str, object]:
        def brief(c: Clause) -> dict[str, object]:
            return {"locator": c.locator, "label": c.label, "page": c.page, "text": c.text}

        return {
            "doc_id": self.doc_id,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "added": [brief(c) for c in self.added],
            "removed": [brief(c) for c in self.removed],
            "changed": [
                {
                    "locator": new.locator,
                    "label": new.label,
                    "old_text": old.text,
                    "new_text": new.text,
                    "similarity": round(similarity(old.text, new.text), 3),
                }
                for old, new in self.changed
            ],
            "unchanged": self.unchanged,
        }


def _norm(text: str) -> str:
    return " ".join(text.split())


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _norm(a), _norm(b), autojunk=False).ratio()


def diff_clauses(
    doc_id: str, old: list[Clause], new: list[Clause], old_version: str = "", new_version: str = ""
) -> VersionDiff:
    """Clauses added, removed and changed (same locator, other words; whitespace does not count)."""
    before = {c.locator: c for c in old}
    after = {c.locator: c for c in new}
    diff = VersionDiff(doc_id, old_version, new_version)
    for c in new:
        if c.locator not in before:
            diff.added.append(c)
        elif _norm(before[c.locator].text) != _norm(c.text):
            diff.changed.append((before[c.locator], c))
        else:
            diff.unchanged += 1
    diff.removed = [c for c in old if c.locator not in after]
    return diff


_SUFFIX_FORMATS = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".txt": "text",
    ".json": "sfs-json",
}


def diff_source(settings: Settings, doc_id: str, new_file: Path, fmt: str = "") -> VersionDiff:
    """Compare the current version of a source with a new file, without changing anything."""
    sources = {s.doc_id: s for s in load_sources(settings.manifest)}
    current = sources.get(doc_id)
    if current is None:
        raise NotFoundError(
            f"No source {doc_id!r} in {settings.manifest}.", hint="See `vagvisare sources` for the doc_ids."
        )
    if not fmt:
        fmt = _SUFFIX_FORMATS.get(new_file.suffix.lower(), current.format)
        if fmt == "html" and current.format == "eurlex":
            fmt = "eurlex"
    today = settings.as_of_date()
    old_doc = read_source(current, settings.corpus_dir)
    old, _ = segment(old_doc, today)
    candidate = replace(current, path=str(new_file.resolve()), format=fmt, version="", sha256="")
    new_doc = read_source(candidate, settings.corpus_dir)
    new, _ = segment(new_doc, today)
    check_clauses(doc_id, new)
    return diff_clauses(doc_id, old, new, version_name(current), new_file.name)
