"""What the assistant returns: search hits, citations and answers (typed, JSON-ready)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Hit:
    """One ranked clause from search."""

    clause_id: str
    doc_id: str
    label: str
    title: str
    score: float
    text: str
    status: str = "in_force"
    dense_rank: int | None = None
    bm25_rank: int | None = None
    dense_score: float = 0.0
    bm25_score: float = 0.0
    via: str = "search"  # "search" | "reference" (an explicit citation in the question)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: which clause, what was quoted from it, where to check it."""

    n: int
    clause_id: str
    doc_id: str
    locator: str
    label: str
    title: str
    binding: str
    binding_label: str
    quote: str
    highlights: tuple[tuple[int, int], ...]  # spans of the quoted sentences in the clause text
    score: float
    permalink: str
    status: str = "in_force"
    as_of: str = ""
    heading: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["highlights"] = [list(h) for h in self.highlights]
        return data


@dataclass(frozen=True)
class Related:
    clause_id: str
    doc_id: str
    label: str
    title: str
    permalink: str
    reason: str  # "hit" | "definition" | "possibly_related"
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    question: str  # as stored: personal identity numbers and e-mail addresses masked
    text: str
    html: str
    citations: tuple[Citation, ...]
    related: tuple[Related, ...]
    abstained: bool
    lang: str
    question_type: str
    index_version: str
    timings: dict[str, float] = field(default_factory=dict)
    evidence: float = 0.0  # the score the abstention decision was made on
    notices: tuple[str, ...] = ()  # template phrases shown beside the answer (privacy reminder)
    parts: tuple[Any, ...] = ()  # the text as phrases and verbatim quotes (assistant.compose.Part); not in JSON
    # a follow-up: the standalone question that was searched (assistant.followup); None when it stood alone
    interpreted_as: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question, "text": self.text, "html": self.html,
            "citations": [c.to_dict() for c in self.citations],
            "related": [r.to_dict() for r in self.related],
            "abstained": self.abstained, "lang": self.lang, "question_type": self.question_type,
            "index_version": self.index_version, "timings": self.timings, "evidence": self.evidence,
            "notices": list(self.notices), "interpreted_as": self.interpreted_as,
        }
