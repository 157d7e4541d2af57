"""Conversations and feedback: in SQLite (WAL) under ``VAGVISARE_DATA_DIR``, or in the PostgreSQL
database that ``VAGVISARE_DATABASE_URL`` names, which several servers share (:mod:`assistant.database`).

Every write is one committed transaction, so a row that was acknowledged survives a
crash of the server. Questions arrive here already masked (see :mod:`assistant.privacy`).
The schema is made and migrated when the store opens (:mod:`assistant.migrations`).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.database import Database, Row, open_database
from assistant.migrations import migrate
from assistant.privacy import mask
from core.errors import BadRequestError, NotFoundError

RATINGS = ("up", "down")
MAX_COMMENT = 4000


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Message:
    id: int
    conversation_id: str
    created_at: str
    question: str
    lang: str
    answer: dict[str, Any]  # Answer.to_dict()
    share_id: str
    index_version: str
    filters: dict[str, Any]


@dataclass(frozen=True)
class Feedback:
    id: int
    created_at: str
    message_id: int | None
    question: str
    answer_text: str
    citations: list[dict[str, Any]]
    index_version: str
    rating: str | None
    wrong_clause_id: str | None
    comment: str


class Store:
    """The run-time state over one :class:`~assistant.database.Database`; safe to share between threads."""

    def __init__(self, data_dir: Path, database_url: str = "") -> None:
        self.db: Database = open_database(data_dir, database_url)
        self.multi_server = bool(database_url)  # in a database that other servers may use too
        self.path: Path | None = getattr(self.db, "path", None)  # the SQLite file, if that is the backend
        try:
            migrate(self.db)
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def _write(self, sql: str, params: tuple[Any, ...]) -> int:
        return self.db.insert(sql, params)

    def secret(self, name: str, make: Callable[[], bytes]) -> bytes:
        """A secret every server of this database shares (made by ``make`` the first time)."""
        with self.db.transaction() as tx:
            tx.execute("INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (name) DO NOTHING", (name, make().hex(), _now()))
            row = tx.one("SELECT value FROM server_secrets WHERE name = ?", (name,))
        assert row is not None, "inserted or kept in the same transaction"
        return bytes.fromhex(row["value"])

    # ------------------------------------------------------------------ conversations
    def new_conversation(self) -> str:
        cid = secrets.token_urlsafe(16)
        self.db.execute("INSERT INTO conversations (id, created_at) VALUES (?, ?)", (cid, _now()))
        return cid

    def has_conversation(self, conversation_id: str) -> bool:
        return self.db.one("SELECT 1 AS one FROM conversations WHERE id = ?", (conversation_id,)) is not None

    def add_message(self, conversation_id: str, question: str, answer: dict[str, Any],
                    filters: dict[str, Any] | None = None) -> Message:
        if not self.has_conversation(conversation_id):
            raise NotFoundError("No such conversation.", hint="Start a new conversation.")
        share_id = secrets.token_urlsafe(12)
        masked, _ = mask(question)
        created = _now()
        mid = self._write(
            "INSERT INTO messages (conversation_id, created_at, question, lang, answer, share_id, index_version, "
            "filters) VALUES (?,?,?,?,?,?,?,?)",
            (conversation_id, created, masked, answer.get("lang", ""), json.dumps(answer, ensure_ascii=False),
             share_id, answer.get("index_version", ""), json.dumps(filters or {}, ensure_ascii=False)))
        return Message(mid, conversation_id, created, masked, answer.get("lang", ""), answer, share_id,
                       answer.get("index_version", ""), filters or {})

    def messages(self, conversation_id: str) -> list[Message]:
        rows = self.db.query("SELECT * FROM messages WHERE conversation_id = ? ORDER BY id", (conversation_id,))
        return [self._message(r) for r in rows]

    def message(self, message_id: int) -> Message:
        row = self.db.one("SELECT * FROM messages WHERE id = ?", (message_id,))
        if row is None:
            raise NotFoundError(f"No message {message_id}.")
        return self._message(row)

    def shared(self, share_id: str) -> Message:
        row = self.db.one("SELECT * FROM messages WHERE share_id = ?", (share_id,))
        if row is None:
            raise NotFoundError("This share link does not exist.", hint="Ask the question again.")
        return self._message(row)

    @staticmethod
    def _message(r: Row) -> Message:
        return Message(r["id"], r["conversation_id"], r["created_at"], r["question"], r["lang"] or "",
                       json.loads(r["answer"]), r["share_id"], r["index_version"] or "",
                       json.loads(r["filters"] or "{}"))

    # ------------------------------------------------------------------ feedback
    def add_feedback(self, *, question: str, answer_text: str, citations: list[dict[str, Any]],
                     index_version: str, rating: str | None = None, wrong_clause_id: str | None = None,
                     comment: str = "", message_id: int | None = None) -> int:
        if rating is not None and rating not in RATINGS:
            raise BadRequestError(f"rating = {rating!r} is not valid.", hint="Use 'up' or 'down'.")
        if len(comment) > MAX_COMMENT:
            raise BadRequestError(f"The comment is {len(comment)} characters; the limit is {MAX_COMMENT}.")
        if rating is None and not wrong_clause_id and not comment.strip():
            raise BadRequestError("The feedback is empty.", hint="Give a rating, a wrong citation or a comment.")
        if wrong_clause_id and wrong_clause_id not in {c.get("clause_id") for c in citations}:
            raise BadRequestError(f"{wrong_clause_id} is not one of the answer's citations.")
        masked_question, _ = mask(question)
        masked_comment, _ = mask(comment)
        return self._write(
            "INSERT INTO feedback (created_at, message_id, question, answer_text, citations, index_version, rating, "
            "wrong_clause_id, comment) VALUES (?,?,?,?,?,?,?,?,?)",
            (_now(), message_id, masked_question, answer_text, json.dumps(citations, ensure_ascii=False),
             index_version, rating, wrong_clause_id, masked_comment))

    def add_answer_feedback(self, question: str, answer: Mapping[str, Any], *, rating: str | None = None,
                            wrong_clause_id: str | None = None, comment: str = "",
                            message_id: int | None = None) -> int:
        """Feedback on an answer given as its JSON (``Answer.to_dict()``, as /api/ask returns it and the
        chat stores it): its text, citations and index version are kept with the feedback."""
        return self.add_feedback(question=question, answer_text=str(answer.get("text", "")),
                                 citations=list(answer.get("citations", [])),
                                 index_version=str(answer.get("index_version", "")), rating=rating,
                                 wrong_clause_id=wrong_clause_id, comment=comment, message_id=message_id)

    def add_message_feedback(self, message: Message, *, rating: str | None = None,
                             wrong_clause_id: str | None = None, comment: str = "") -> int:
        """Feedback on an answer of the chat (found by its share id)."""
        return self.add_answer_feedback(message.question, message.answer, rating=rating,
                                        wrong_clause_id=wrong_clause_id, comment=comment, message_id=message.id)

    def feedback(self, *, since: str | None = None) -> list[Feedback]:
        """Every feedback row, oldest first (``since``: only rows created at or after this ISO time)."""
        if since:
            rows = self.db.query("SELECT * FROM feedback WHERE created_at >= ? ORDER BY id", (since,))
        else:
            rows = self.db.query("SELECT * FROM feedback ORDER BY id")
        return [Feedback(r["id"], r["created_at"], r["message_id"], r["question"], r["answer_text"],
                         json.loads(r["citations"]), r["index_version"] or "", r["rating"], r["wrong_clause_id"],
                         r["comment"] or "") for r in rows]
