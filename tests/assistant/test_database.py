"""The run-time store on both backends (SQLite and a real PostgreSQL): versioned migrations, a newer
schema refused, the same reads and writes, concurrent writers, a database error counted and clear."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from assistant.database import DatabaseError, open_database, redact
from assistant.feedback import Store
from assistant.migrations import LATEST, MIGRATIONS, Migration, SchemaTooNewError, migrate, schema_version
from core.errors import ConfigError, NotFoundError

ANSWER = {"text": "Svar [1]", "lang": "sv", "index_version": "v1", "citations": [{"clause_id": "sfs-2018-585#3:1"}]}


def test_migrations_are_numbered_one_by_one_and_say_what_they_do() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1)), "no gap, no repeat"
    assert all(m.description for m in MIGRATIONS) and len(MIGRATIONS) == LATEST


def test_a_new_database_is_migrated_once_and_then_left_alone(tmp_path: Path, database_url: str) -> None:
    db = open_database(tmp_path, database_url)
    try:
        assert schema_version(db) == 0
        assert migrate(db) == [m.version for m in MIGRATIONS]
        assert schema_version(db) == LATEST
        assert migrate(db) == [], "a second start applies nothing"
        one_more = (*MIGRATIONS, Migration(LATEST + 1, "a column more", "ALTER TABLE feedback ADD COLUMN x TEXT"))
        assert migrate(db, one_more) == [LATEST + 1], "a newer release adds only its own migration"
        db.execute("UPDATE feedback SET x = ?", ("y",))  # the column exists
    finally:
        db.close()


def test_a_server_refuses_a_schema_newer_than_it_knows(tmp_path: Path, database_url: str) -> None:
    store = Store(tmp_path, database_url)
    store.db.execute("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                     (LATEST + 5, "from the future", "2030-01-01"))
    store.close()
    with pytest.raises(SchemaTooNewError) as caught:
        Store(tmp_path, database_url)
    assert f"schema version {LATEST + 5}" in caught.value.message and f"up to {LATEST}" in caught.value.message


def test_a_failed_migration_leaves_nothing_half_done(tmp_path: Path, database_url: str) -> None:
    db = open_database(tmp_path, database_url)
    try:
        broken = (*MIGRATIONS, Migration(LATEST + 1, "broken", "CREATE TABLE half (a TEXT); SELEC nonsense"))
        with pytest.raises(DatabaseError):
            migrate(db, broken)
        assert schema_version(db) == 0, "the whole start is one transaction"
        assert migrate(db) == [m.version for m in MIGRATIONS]
    finally:
        db.close()


def test_conversations_share_links_and_feedback_round_trip(tmp_path: Path, database_url: str) -> None:
    store = Store(tmp_path, database_url)
    try:
        cid = store.new_conversation()
        assert store.has_conversation(cid) and not store.has_conversation("nope")
        first = store.add_message(cid, "Vem ska säkerhetsprövas? Mejla anna@example.se", ANSWER, {"docs": ["x"]})
        second = store.add_message(cid, "Och doktorander?", ANSWER)
        assert second.id > first.id
        assert [m.share_id for m in store.messages(cid)] == [first.share_id, second.share_id], "in order"
        shared = store.shared(first.share_id)
        assert shared.answer == ANSWER and shared.filters == {"docs": ["x"]}
        assert "anna@example.se" not in shared.question, "personal data is masked before it is stored"
        with pytest.raises(NotFoundError):
            store.shared("no-such-link")
        with pytest.raises(NotFoundError):
            store.add_message("no-such-conversation", "?", ANSWER)
        fid = store.add_message_feedback(first, rating="down", wrong_clause_id="sfs-2018-585#3:1", comment="fel")
        time.sleep(0.01)  # times are kept to the millisecond: the next one is later
        later = store.add_answer_feedback("Who?", ANSWER, rating="up")
        assert [f.id for f in store.feedback()] == [fid, later]
        newest = store.feedback()[-1].created_at
        assert [f.id for f in store.feedback(since=newest)] == [later], "since: created at or after"
        assert store.feedback()[0].citations == ANSWER["citations"]
    finally:
        store.close()


def test_concurrent_writers_lose_nothing(tmp_path: Path, database_url: str) -> None:
    store = Store(tmp_path, database_url)
    cid = store.new_conversation()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(15):
                store.add_message(cid, f"fråga {n}-{i}", ANSWER)
                store.add_answer_feedback(f"fråga {n}-{i}", ANSWER, comment=f"{n}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors, errors[:3]
        assert len(store.messages(cid)) == 90 and len({f.comment for f in store.feedback()}) == 90
        assert len({m.id for m in store.messages(cid)}) == 90, "unique ids"
    finally:
        store.close()


def test_a_secret_is_made_once_and_shared_by_every_store_of_the_database(tmp_path: Path, database_url: str) -> None:
    one, two = Store(tmp_path, database_url), Store(tmp_path, database_url)
    try:
        first = one.secret("web", lambda: b"a" * 32)
        assert first == b"a" * 32 and two.secret("web", lambda: b"b" * 32) == first
    finally:
        one.close()
        two.close()


def test_a_database_error_is_counted_and_says_what_failed(tmp_path: Path, database_url: str) -> None:
    store = Store(tmp_path, database_url)
    try:
        before = store.db.errors
        with pytest.raises(DatabaseError) as caught:
            store.db.query("SELECT * FROM no_such_table")
        assert store.db.errors == before + 1 and caught.value.status_code == 503
        assert "no_such_table" in caught.value.message
        store.db.ping()  # and the store still works after it
    finally:
        store.close()


def test_an_unreachable_postgresql_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from assistant import database

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(database, "POOL_TIMEOUT_S", 2.0)
    with pytest.raises(DatabaseError) as caught:
        Store(tmp_path, f"postgresql://u:hemligt@127.0.0.1:{port}/db")
    assert "hemligt" not in str(caught.value), "the password is never shown"
    assert "VAGVISARE_DATABASE_URL" in (caught.value.hint or "")


def test_unknown_database_schemes_are_refused_and_passwords_redacted(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        open_database(tmp_path, "mysql://x@y/z")
    assert redact("postgresql://u:pw@h:5432/d") == "postgresql://u:***@h:5432/d"
    assert redact("postgresql://u@h/d") == "postgresql://u@h/d"


def test_a_sqlite_file_from_before_migrations_is_adopted(tmp_path: Path) -> None:
    path = tmp_path / "vagvisare.sqlite"
    with sqlite3.connect(path) as old:  # the schema as it was, with a row in it
        old.executescript("CREATE TABLE conversations (id TEXT PRIMARY KEY, created_at TEXT NOT NULL);"
                          "INSERT INTO conversations VALUES ('c1', '2026-01-01');"
                          "CREATE TABLE feedback_once (message_id INTEGER PRIMARY KEY, created_at TEXT NOT NULL)")
    store = Store(tmp_path)
    assert store.has_conversation("c1") and schema_version(store.db) == LATEST
    assert store.add_message("c1", "Vem?", ANSWER).conversation_id == "c1"


def test_a_restarted_postgresql_is_reconnected_to(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path, postgres.new_database())
    try:
        cid = store.new_conversation()
        postgres.restart()  # every pooled connection is now broken
        outcomes = []
        for n in range(4):
            try:
                store.add_message(cid, f"fråga {n}", ANSWER)
                outcomes.append("ok")
            except DatabaseError:
                outcomes.append("failed")
        assert outcomes == ["ok"] * 4, f"a broken connection is checked and replaced, never handed out: {outcomes}"
        assert len(store.messages(cid)) == outcomes.count("ok")
    finally:
        store.close()


def test_servers_starting_together_migrate_once(tmp_path: Path, database_url: str) -> None:
    url = database_url
    applied: list[list[int]] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            db = open_database(tmp_path, url)
            try:
                applied.append(migrate(db))
            finally:
                db.close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(applied, key=len) == [[], [], [], [m.version for m in MIGRATIONS]], "one applies, three find it done"
