"""Conversations and feedback, kept in SQLite (WAL) under ``VAGVISARE_DATA_DIR``.

Every write is one committed transaction, so a row that was acknowledged survives a
crash of the server. Questions arrive here already masked (see :mod:`assistant.privacy`).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.privacy import mask
from core.errors import BadRequestError, NotFoundError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL REFERENCES conversations(id),
    created_at TEXT NOT NULL, question TEXT NOT NULL, lang TEXT, answer TEXT NOT NULL,
    share_id TEXT UNIQUE NOT NULL, index_version TEXT, filters TEXT
);
CREATE INDEX IF NOT EXISTS messages_conversation ON messages(conversation_id, id);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, message_id INTEGER,
    question TEXT NOT NULL, answer_text TEXT NOT NULL, citations TEXT NOT NULL, index_version TEXT,
    rating TEXT, wrong_clause_id TEXT, comment TEXT
);
"""

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
    """One SQLite file; safe to share between threads (one connection per thread)."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / "vagvisare.sqlite"
        self._local = threading.local()
        with self._db() as db:
            db.executescript(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")  # an acknowledged row survives power loss, not only a crash
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
        return db

    def _write(self, sql: str, params: tuple[Any, ...]) -> int:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            cur = db.execute(sql, params)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return int(cur.lastrowid or 0)

    # ------------------------------------------------------------------ conversations
    def new_conversation(self) -> str:
        cid = secrets.token_urlsafe(16)
        self._write("INSERT INTO conversations VALUES (?, ?)", (cid, _now()))
        return cid

    def has_conversation(self, conversation_id: str) -> bool:
        row = self._db().execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        return row is not None

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
        rows = self._db().execute("SELECT * FROM messages WHERE conversation_id = ? ORDER BY id", (conversation_id,))
        return [self._message(r) for r in rows]

    def message(self, message_id: int) -> Message:
        row = self._db().execute("SELECT * FROM messages WHERE id = ?", (message_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"No message {message_id}.")
        return self._message(row)

    def shared(self, share_id: str) -> Message:
        row = self._db().execute("SELECT * FROM messages WHERE share_id = ?", (share_id,)).fetchone()
        if row is None:
            raise NotFoundError("This share link does not exist.", hint="Ask the question again.")
        return self._message(row)

    @staticmethod
    def _message(r: sqlite3.Row) -> Message:
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

    def feedback(self) -> list[Feedback]:
        rows = self._db().execute("SELECT * FROM feedback ORDER BY id")
        return [Feedback(r["id"], r["created_at"], r["message_id"], r["question"], r["answer_text"],
                         json.loads(r["citations"]), r["index_version"] or "", r["rating"], r["wrong_clause_id"],
                         r["comment"] or "") for r in rows]
