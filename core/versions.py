"""Versions of a clause in the index: the id conventions the writer and the reader share.

A clause has up to three kinds of relatives, all found by id:

- another **wording** of the same section (``sfs-2018-585#3:19@2026-03-01`` beside ``#3:19``),
  cut by the statute segmenter;
- an earlier **version** of its source kept by ``vagvisare sources add --replace``
  (``vr-riktlinjer#s:4.2@v2024-05-15``), written by :mod:`ingest.versions`;
- the same clause in the act's **parallel** language version (``eu-c-2024-3510#point:5b`` ↔
  ``eu-c-2024-3510-sv#point:5b``), linked by the manifest's ``parallel`` field.

The query side (the clause page, the clause API) asks these functions; ingest names previous
versions with :func:`previous_locator`.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from core.records import Clause


class _Index(Protocol):
    clauses: list[Clause]
    documents: dict[str, Any]
    by_id: dict[str, int]
    by_doc: dict[str, list[int]]


def previous_locator(locator: str, version: str) -> str:
    """The locator of a clause in an earlier version of its source: ``s:4.2`` → ``s:4.2@v2024-05-15``."""
    return f"{locator}@v{version}"


def current_clause_id(clause_id: str) -> str:
    """``vr-riktlinjer#s:4.2@v2024-05-15`` → ``vr-riktlinjer#s:4.2``."""
    return re.sub(r"@v[^@#]*$", "", clause_id)


def previous_clause_ids(index: _Index, clause_id: str) -> list[str]:
    """Ids of the same clause in the earlier versions the index holds, newest first."""
    doc_id = clause_id.partition("#")[0]
    base = current_clause_id(clause_id) + "@v"
    found = [cid for cid in index.by_id if cid.startswith(base) and cid.partition("#")[0] == doc_id]
    return sorted(found, reverse=True)


def other_wordings(index: _Index, clause: Clause) -> list[Clause]:
    """The clause's other wordings and versions in its document, in reading order: every clause
    whose locator is the same before its "@" (``3:19`` and ``3:19@2026-03-01``; ``s:4.2@v1``)."""
    base = clause.locator.split("@")[0]
    out = []
    for i in index.by_doc.get(clause.doc_id, []):
        other = index.clauses[i]
        if other.locator != clause.locator and other.locator.split("@")[0] == base:
            out.append(other)
    return out


def parallel_clause_id(index: _Index, clause_id: str) -> str | None:
    """The same clause in the act's other language version, when both are indexed.

    ``eu-c-2024-3510#point:5b`` ↔ ``eu-c-2024-3510-sv#point:5b``. The link is the
    manifest's ``parallel`` field, read in either direction.
    """
    doc_id, sep, locator = clause_id.partition("#")
    document = index.documents.get(doc_id)
    if not sep or document is None:
        return None
    partners = [document.source.parallel] if document.source.parallel else []
    partners += [
        d for d, other in index.documents.items() if other.source.parallel == doc_id and d not in partners
    ]
    for partner in partners:
        candidate = f"{partner}#{locator}"
        if candidate in index.by_id:
            return candidate
    return None


def neighbours(index: _Index, clause: Clause) -> tuple[Clause | None, Clause | None]:
    """The clauses before and after ``clause`` in its document's reading order."""
    ids = index.by_doc.get(clause.doc_id, [])
    pos = ids.index(index.by_id[clause.clause_id])
    prev = index.clauses[ids[pos - 1]] if pos > 0 else None
    nxt = index.clauses[ids[pos + 1]] if pos + 1 < len(ids) else None
    return prev, nxt
