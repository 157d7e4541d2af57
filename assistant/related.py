"""Which further clauses an answer lists under "Relaterade bestämmelser" (related provisions).

A related clause is a pointer the reader may follow, so it has to clear an evidence bar of its own,
beyond ranking near the cited ones:

- it ranks near the first hit (a fused score of at least :data:`SCORE_RATIO` of it);
- it is in force or was asked for, as every hit is;
- and either it belongs to a document the answer cites (or that document's companion act or
  ordinance), or both retrievers found it on their own: its meaning (dense) and its words (BM25) each
  rank it among the first :data:`BOTH_RANK`. One retriever alone finds look-alikes in other documents —
  a press release that shares the topic's words, a copyright clause that shares one term.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from assistant.retrieve import Scored

SCORE_RATIO = 0.6
BOTH_RANK = 10
MAX_RELATED = 5


def clears_bar(hit: Scored, top: float, doc_id: str, cited_docs: Collection[str],
               companions: Mapping[str, Sequence[str]]) -> bool:
    """Whether a hit that is not cited may be listed as related (see the module docstring)."""
    if hit.score < SCORE_RATIO * top:
        return False
    near = set(cited_docs) | {c for d in cited_docs for c in companions.get(d, ())}
    if doc_id in near:
        return True
    return (hit.dense_rank is not None and hit.dense_rank < BOTH_RANK
            and hit.bm25_rank is not None and hit.bm25_rank < BOTH_RANK)
