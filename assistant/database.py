"""The database behind the run-time state: a SQLite file (the default) or PostgreSQL (``VAGVISARE_DATABASE_URL``).

Both backends take the same SQL, written for SQLite with ``?`` placeholders (PostgreSQL gets ``%s``),
and give rows as dicts. Every write is one committed transaction (:meth:`Database.transaction`), so a
row that was acknowledged survives a crash of the server. PostgreSQL is reached through a psycopg 3
connection pool, each connection checked before use, so a restarted database costs a failed request
at most, never a stuck server. Every database error is counted (``errors``, for ``/metrics``) and
raised as :class:`DatabaseError` (503: the request may be sent again).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.errors import ConfigError, VagvisareError

log = logging.getLogger(__name__)
POOL_SIZE = 16  # connections per server process (PostgreSQL's default limit is 100 in all)
POOL_TIMEOUT_S = 30.0
SQLITE_WAIT_S = 30.0  # how long a SQLite connection waits for another's lock
Row = dict[str, Any]


class DatabaseError(VagvisareError):
    """The database refused or could not be reached."""

    status_code = 503
    exit_code = 8


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


class Transaction:
    """The statements of one transaction (see :meth:`Database.transaction`)."""

    def __init__(self, database: Database, cursor: Any) -> None:
        self.database = database
        self.cursor = cursor

    def _run(self, sql: str, params: tuple[Any, ...]) -> Any:
        self.cursor.execute(self.database.sql(sql), params)
        return self.cursor

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        return [dict(r) for r in self._run(sql, params).fetchall()]

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
        row = self._run(sql, params).fetchone()
        return dict(row) if row is not None else None

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Run a statement; the number of rows it changed."""
        return int(self._run(sql, params).rowcount)

    def insert(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Run an INSERT into a table with an ``id`` column; the new row's id."""
        if self.database.dialect == "postgresql":
            row = self._run(sql + " RETURNING id", params).fetchone()
            return int(row["id"])
        return int(self._run(sql, params).lastrowid or 0)


class Database:
    """One backend (see the module docstring); ``dialect`` is ``sqlite`` or ``postgresql``."""

    dialect = ""
    errors = 0  # database errors since start (for /metrics)

    def __init__(self, where: str) -> None:
        self.where = where  # for messages: the file, or the URL without its password
        self._errors_lock = threading.Lock()

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        raise NotImplementedError

    def sql(self, text: str) -> str:
        return text

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        try:
            with self._connection() as cursor:
                yield Transaction(self, cursor)
        except DatabaseError:
            raise
        except self.driver_errors() as exc:
            raise self.failed(exc) from exc

    def failed(self, exc: BaseException) -> DatabaseError:
        """Count a driver's error and say it in the project's words."""
        with self._errors_lock:
            self.errors += 1
        log.error("database error (%s): %s", self.where, exc)
        return DatabaseError(f"The database ({self.where}) failed: {type(exc).__name__}: {exc}".strip(),
                             hint="Try again in a moment; if it persists, check the database server.")

    def driver_errors(self) -> tuple[type[BaseException], ...]:
        raise NotImplementedError

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        with self.transaction() as tx:
            return tx.query(sql, params)

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
        with self.transaction() as tx:
            return tx.one(sql, params)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        with self.transaction() as tx:
            return tx.execute(sql, params)

    def insert(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        with self.transaction() as tx:
            return tx.insert(sql, params)

    def lock_schema(self, tx: Transaction) -> None:
        """Hold off other servers migrating the same database until ``tx`` ends."""

    def ping(self) -> None:
        """Raise :class:`DatabaseError` unless the database answers."""
        self.one("SELECT 1 AS ok")

    def close(self) -> None:
        """Let go of the connections."""


class SqliteDatabase(Database):
    """One SQLite file in WAL mode; one connection per thread."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()

    def driver_errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.Error,)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=SQLITE_WAIT_S, isolation_level=None)
            db.row_factory = sqlite3.Row
            _write_ahead_log(db)
            db.execute("PRAGMA synchronous=FULL")  # an acknowledged row survives power loss, not only a crash
            db.execute(f"PRAGMA busy_timeout={int(SQLITE_WAIT_S * 1000)}")
            self._local.db = db
        return db

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")  # writers one at a time: a read-then-write cannot interleave
        try:
            yield db.cursor()
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        try:  # a read needs no write lock
            return [dict(r) for r in self._db().execute(sql, params).fetchall()]
        except sqlite3.Error as exc:
            raise self.failed(exc) from exc

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None


class PostgresDatabase(Database):
    """PostgreSQL through a psycopg 3 connection pool."""

    dialect = "postgresql"

    def __init__(self, url: str, *, pool_size: int = POOL_SIZE) -> None:
        super().__init__(redact(url))
        try:
            from psycopg.rows import dict_row
            from psycopg_pool import ConnectionPool
        except ImportError:  # pragma: no cover - a dependency of the project
            raise ConfigError("VAGVISARE_DATABASE_URL names PostgreSQL, but psycopg is not installed.",
                              hint="pip install 'psycopg[binary]' psycopg-pool") from None
        self.pool = ConnectionPool(url, min_size=1, max_size=pool_size, timeout=POOL_TIMEOUT_S, open=False,
                                   kwargs={"row_factory": dict_row}, check=ConnectionPool.check_connection,
                                   name="vagvisare")
        try:
            self.pool.open(wait=True, timeout=POOL_TIMEOUT_S)
        except Exception as exc:
            self.pool.close()
            raise DatabaseError(f"The database {self.where} cannot be reached ({exc}).",
                                hint="Check VAGVISARE_DATABASE_URL and that PostgreSQL is running.") from None

    def driver_errors(self) -> tuple[type[BaseException], ...]:
        import psycopg
        from psycopg_pool import PoolTimeout

        return (psycopg.Error, PoolTimeout)

    def sql(self, text: str) -> str:
        return text.replace("?", "%s")

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        with self.pool.connection() as conn, conn.cursor() as cursor:  # commits at the end, or rolls back
            yield cursor

    def lock_schema(self, tx: Transaction) -> None:
        tx.query("SELECT pg_advisory_xact_lock(7261554) AS locked")  # any constant: "the schema"

    def close(self) -> None:
        self.pool.close()


def open_database(data_dir: Path, url: str = "") -> Database:
    """``url`` empty: the SQLite file in ``data_dir``; ``postgresql://…``: that database."""
    if not url:
        return SqliteDatabase(data_dir / "vagvisare.sqlite")
    scheme = urlsplit(url).scheme
    if scheme in ("postgresql", "postgres"):
        return PostgresDatabase(url)
    raise ConfigError(f"VAGVISARE_DATABASE_URL has the scheme {scheme!r}, which is not supported.",
                      hint="Leave it unset for SQLite in the data directory, or use postgresql://user@host/db.")


def _write_ahead_log(db: sqlite3.Connection) -> None:
    """Switch the file to write-ahead logging. The switch needs the file to itself for a moment, and SQLite
    does not wait for that with the busy timeout: when servers open a new file together, all but one may be
    told "database is locked" at once (3 of 60 starts of four servers together did). So retry, briefly."""
    give_up = time.monotonic() + SQLITE_WAIT_S
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > give_up:
                raise
            time.sleep(0.01)
