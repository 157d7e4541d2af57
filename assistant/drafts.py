"""Turn user feedback into draft suite entries for review (`vagvisare eval from-feedback`, the review page).

Thumbs-down answers and "citation wrong" reports become YAML entries in the suite
format, one per distinct question (feedback on the same question is merged), leaving
out questions a suite already has. A draft has ``relevant: []`` and
``answerable: true`` on purpose: it fails suite validation until a reviewer names the
clauses that do answer it (the comments list the citations not reported wrong as
candidates) or marks it ``answerable: false``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.feedback import Feedback
from core.language import detect_language


@dataclass
class Draft:
    id: str
    question: str
    lang: str
    feedback_ids: list[int] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # clause ids reported as wrong citations
    candidates: list[str] = field(default_factory=list)  # cited and not reported wrong
    comments: list[str] = field(default_factory=list)
    thumbs_down: int = 0
    index_versions: list[str] = field(default_factory=list)
    relevant: list[str] = field(default_factory=list)  # named by a reviewer (the review page), else empty


def normalise(question: str) -> str:
    return re.sub(r"\s+", " ", question).strip().casefold()


def drafts_from_feedback(records: Iterable[Feedback], known_questions: Iterable[str] = ()) -> list[Draft]:
    """Draft entries from thumbs-down and wrong-citation feedback, one per new question."""
    known = {normalise(q) for q in known_questions}
    by_question: dict[str, Draft] = {}
    for fb in records:
        if fb.rating != "down" and not fb.wrong_clause_id:
            continue
        key = normalise(fb.question)
        if not key or key in known:
            continue
        draft = by_question.get(key)
        if draft is None:
            draft = by_question[key] = Draft(f"fb-{fb.id:04d}", re.sub(r"\s+", " ", fb.question).strip(),
                                             detect_language(fb.question))
        draft.feedback_ids.append(fb.id)
        draft.thumbs_down += fb.rating == "down"
        if fb.wrong_clause_id and fb.wrong_clause_id not in draft.wrong:
            draft.wrong.append(fb.wrong_clause_id)
        for c in fb.citations:
            cid = c.get("clause_id")
            if cid and cid not in draft.candidates:
                draft.candidates.append(cid)
        if fb.comment.strip():
            draft.comments.append(re.sub(r"\s+", " ", fb.comment).strip())
        if fb.index_version and fb.index_version not in draft.index_versions:
            draft.index_versions.append(fb.index_version)
    for draft in by_question.values():
        draft.candidates = [c for c in draft.candidates if c not in draft.wrong]
    return list(by_question.values())


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def to_yaml(drafts: list[Draft]) -> str:
    lines = ["# Draft eval entries from user feedback (`vagvisare eval from-feedback`).",
             "# Review each one before moving it into a suite: fill in `relevant` with the clause ids that",
             "# answer the question, or set `answerable: false` if the sources do not answer it.",
             "# Until then the entries fail validation on purpose.", ""]
    if not drafts:
        lines.append("# No thumbs-down or citation-wrong feedback with a new question.")
    for d in drafts:
        what = []
        if d.thumbs_down:
            what.append(f"{d.thumbs_down} thumbs down")
        if d.wrong:
            what.append("citation wrong: " + ", ".join(d.wrong))
        note = f"feedback #{', #'.join(map(str, d.feedback_ids))}: {'; '.join(what)}"
        if d.comments:
            note += "; comments: " + " | ".join(d.comments)
        lines += [f"- id: {d.id}",
                  f"  question: {_q(d.question)}",
                  f"  lang: {d.lang}",
                  f"  # REVIEW: candidates (cited, not reported wrong): {', '.join(d.candidates) or 'none'}",
                  f"  # reported wrong: {', '.join(d.wrong) or 'none'}; "
                  f"index {', '.join(d.index_versions) or '?'}",
                  f"  relevant: {json.dumps(d.relevant)}",
                  "  answerable: true",
                  f"  note: {_q(note)}", ""]
    return "\n".join(lines)
