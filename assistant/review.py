"""Feedback review for support staff: what users flagged, what was done about it.

The review state lives in a table of its own beside the store's (``feedback_review``: one row per
feedback item handled, with when and what action), so the store's tables and methods stay as they
are. A chat answer takes one vote: ``feedback_once`` holds the messages that have feedback, and a
second vote on the same answer is refused (:meth:`Review.claim_vote`), also under concurrent posts.

An item shows the question, the answer as the user saw it (the chat's HTML when the feedback came
from the chat, else the answer's text), the clause flagged as wrong and the comment. The actions
(:meth:`Review.record`) say what became of it: a question-bank entry (the question → the clause it
should have cited, written by the web's review page through ``vagvisare bank add``'s library), an eval
draft (:func:`draft_entry`, the suite format of ``vagvisare eval from-feedback``), or just done.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.drafts import Draft, to_yaml
from assistant.feedback import Feedback, Message, Store
from core.errors import BadRequestError, NotFoundError, VagvisareError
from core.language import detect_language

ACTIONS = ("done", "bank", "draft", "outside")
RATINGS = ("up", "down")


class VoteTakenError(VagvisareError):
    """A second vote on one answer of the chat."""

    status_code = 409

    def __init__(self) -> None:
        super().__init__("This answer already has feedback.", hint="Each answer takes one vote.",
                         code="feedback_given")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class ReviewItem:
    """One feedback item as support staff see it."""

    feedback: Feedback
    answer_html: str  # the answer as the chat showed it ("" when the feedback came through the API)
    lang: str  # of the question
    done_at: str | None = None
    action: str | None = None  # "done" | "bank" | "draft"
    detail: str = ""  # what the action made: "bank: sfs-2018-585#3:1", the draft file

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def to_dict(self) -> dict[str, Any]:
        f = self.feedback
        return {"id": f.id, "created_at": f.created_at, "question": f.question, "lang": self.lang,
                "answer_text": f.answer_text, "citations": f.citations, "index_version": f.index_version,
                "rating": f.rating, "wrong_clause_id": f.wrong_clause_id, "comment": f.comment,
                "message_id": f.message_id, "done_at": self.done_at, "action": self.action, "detail": self.detail}


class Review:
    """The review state over a :class:`~assistant.feedback.Store` (its own tables, made by the store's
    migrations, :mod:`assistant.migrations`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    def items(self, *, include_done: bool = True, rating: str | None = None, wrong_only: bool = False,
              since: str | None = None) -> list[ReviewItem]:
        """Feedback, newest first: open items before done ones."""
        if rating is not None and rating not in RATINGS:
            raise BadRequestError(f"rating = {rating!r} is not valid.", hint="Use 'up' or 'down'.")
        state = {r["feedback_id"]: r for r in self.db.query("SELECT * FROM feedback_review")}
        out = []
        for f in self.store.feedback(since=since):
            if (rating and f.rating != rating) or (wrong_only and not f.wrong_clause_id):
                continue
            row = state.get(f.id)
            if row is not None and not include_done:
                continue
            out.append(self._item(f, row))
        out.sort(key=lambda i: (i.done, -i.feedback.id))
        return out

    def item(self, feedback_id: int) -> ReviewItem:
        for f in self.store.feedback():
            if f.id == feedback_id:
                row = self.db.one("SELECT * FROM feedback_review WHERE feedback_id = ?", (feedback_id,))
                return self._item(f, row)
        raise NotFoundError(f"No feedback #{feedback_id}.", hint="See /admin/feedback for the items.")

    def _item(self, f: Feedback, row: Any) -> ReviewItem:
        html = ""
        if f.message_id is not None:
            try:
                html = str(self.store.message(f.message_id).answer.get("html", ""))
            except NotFoundError:
                html = ""
        return ReviewItem(f, html, detect_language(f.question),
                          row["done_at"] if row else None, row["action"] if row else None,
                          (row["detail"] or "") if row else "")

    def record(self, feedback_id: int, action: str, detail: str = "") -> ReviewItem:
        """Mark an item handled, with what was done (a later action replaces an earlier one)."""
        if action not in ACTIONS:
            raise BadRequestError(f"action = {action!r} is not known.", hint=f"Use one of {', '.join(ACTIONS)}.")
        self.item(feedback_id)  # exists
        self.db.execute("INSERT INTO feedback_review (feedback_id, done_at, action, detail) VALUES (?,?,?,?) "
                        "ON CONFLICT (feedback_id) DO UPDATE SET done_at = excluded.done_at, "
                        "action = excluded.action, detail = excluded.detail",
                        (feedback_id, _now(), action, detail))
        return self.item(feedback_id)

    def reopen(self, feedback_id: int) -> None:
        self.db.execute("DELETE FROM feedback_review WHERE feedback_id = ?", (feedback_id,))

    # ------------------------------------------------------------------ one vote per answer
    def claim_vote(self, message: Message) -> bool:
        """True the first time an answer of the chat gets feedback; False for every later try.

        The claim is the insert of the message's row into ``feedback_once``: of concurrent tries, on one
        server or several, exactly one inserts it. Feedback stored before that table existed counts too."""
        with self.db.transaction() as tx:
            earlier = tx.one("SELECT 1 AS one FROM feedback WHERE message_id = ?", (message.id,))
            claimed = tx.execute("INSERT INTO feedback_once (message_id, created_at) VALUES (?, ?) "
                                 "ON CONFLICT (message_id) DO NOTHING", (message.id, _now()))
        return earlier is None and claimed == 1

    def release_vote(self, message: Message) -> None:
        """Give the vote back (the feedback it was claimed for was refused as invalid)."""
        self.db.execute("DELETE FROM feedback_once WHERE message_id = ?", (message.id,))

    def voted(self, message_ids: list[int]) -> set[int]:
        """Which of these answers already have their vote."""
        if not message_ids:
            return set()
        marks = ",".join("?" * len(message_ids))
        rows = self.db.query(
            f"SELECT message_id FROM feedback_once WHERE message_id IN ({marks}) UNION "
            f"SELECT message_id FROM feedback WHERE message_id IN ({marks})", (*message_ids, *message_ids))
        return {int(r["message_id"]) for r in rows}

    def add_vote(self, message: Message, **feedback: Any) -> int:
        """The feedback of a chat answer, once: a second vote raises :class:`VoteTakenError`."""
        if not self.claim_vote(message):
            raise VoteTakenError()
        try:
            return self.store.add_message_feedback(message, **feedback)
        except BaseException:
            self.release_vote(message)
            raise


def parse_since(text: str) -> str:
    """``since`` of a listing as the stored times are written (UTC, ISO 8601), so that they compare as text:
    a date (``2026-12-01``, from its start) or a date and time (with an offset, else UTC)."""
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadRequestError(f"since = {text!r} is not a date or time.",
                              hint="Use ISO 8601: 2026-12-01 or 2026-12-01T08:00:00+01:00.") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def draft_entry(item: ReviewItem, relevant: str = "") -> str:
    """One eval draft for a feedback item, in the suite format of ``vagvisare eval from-feedback`` (its header
    included); ``relevant``: the clause it should have cited, when the reviewer names it."""
    f = item.feedback
    draft = Draft(f"fb-{f.id:04d}", re.sub(r"\s+", " ", f.question).strip(), item.lang, [f.id],
                  [f.wrong_clause_id] if f.wrong_clause_id else [],
                  [c["clause_id"] for c in f.citations if c.get("clause_id") and c["clause_id"] != f.wrong_clause_id],
                  [re.sub(r"\s+", " ", f.comment).strip()] if f.comment.strip() else [],
                  int(f.rating == "down"), [f.index_version] if f.index_version else [],
                  [relevant] if relevant else [])
    return to_yaml([draft])


def append_draft(path: Path, item: ReviewItem, relevant: str = "") -> Path:
    """Add an item's draft to the drafts file (made with its header the first time)."""
    text = draft_entry(item, relevant)
    if path.exists():
        text = "\n".join(line for line in text.splitlines() if not line.startswith("#") or line.startswith("  #"))
        text = text.lstrip("\n") + "\n"
        with path.open("a", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    return path
