"""The state database behind the repositories: one interface, two backends.

- ``SQLiteDatabase`` (the default): one file in the data directory, WAL, ``synchronous=FULL``. A connection is
  opened per operation, so it is safe from worker threads and from several processes on one machine;
  ``BEGIN IMMEDIATE`` makes every write transaction the only writer.
- ``PostgresDatabase`` (search/store/postgres.py, for ``DATABASE_URL=postgresql://…``): state shared by
  several processes, on several machines.

``open_database(target)`` picks one: a PostgreSQL URL or a file path. The repositories write one set of SQL
for both: ``?`` placeholders (the PostgreSQL backend adapts them), ``INSERT … ON CONFLICT DO NOTHING``,
``RETURNING``, rows read by column name (``row["id"]``), and ``skip_locked`` appended to the ``SELECT`` that
picks rows to claim. A transaction may name a ``serial`` lock: transactions naming the same one run one after
the other across processes (SQLite's write transactions always do; PostgreSQL takes an advisory lock).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from search import datadir
from search.store.migrations import MIGRATIONS

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SQLITE_MIN_VERSION = (3, 35, 0)  # RETURNING; ON CONFLICT DO NOTHING needs 3.24


def iso(moment: dt.datetime | None) -> str | None:
    """How moments are stored, in both backends: ISO 8601 text in UTC (so text order is time order)."""
    return moment.astimezone(dt.UTC).isoformat() if moment else None


class Connection(Protocol):
    """What the repositories call: ``sqlite3.Connection``'s ``execute`` and ``executemany`` with ``?``
    placeholders; rows are read by column name."""

    def execute(self, sql: str, params: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, rows: Any, /) -> Any: ...


class Database:
    """The interface the repositories use; ``SQLiteDatabase`` and ``PostgresDatabase`` implement it."""

    read_only = False
    moved_aside: Path | None = None  # SQLite: where an unreadable file went (a new one was started)
    skip_locked = ""  # appended to a SELECT that picks rows to claim, so concurrent claimers skip each other's

    def connect(self) -> contextlib.AbstractContextManager[Connection]:
        """A connection for reads (each statement commits on its own)."""
        raise NotImplementedError

    def transaction(self, serial: str | None = None) -> contextlib.AbstractContextManager[Connection]:
        """One write transaction: all of it is committed, or none of it. Transactions naming the same
        ``serial`` lock run one after the other, across processes."""
        raise NotImplementedError

    @property
    def schema_version(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the database holds open (a pool of connections)."""


def open_database(target: Path | str, *, read_only: bool = False) -> Database:
    """A PostgreSQL database for a ``postgresql://`` URL, otherwise the SQLite file at ``target``
    (``read_only``: see ``SQLiteDatabase``; a PostgreSQL database is shared, never read-only)."""
    if isinstance(target, str) and target.startswith(POSTGRES_SCHEMES):
        from search.store.postgres import PostgresDatabase

        return PostgresDatabase(target)
    return SQLiteDatabase(target, read_only=read_only)


class SQLiteDatabase(Database):
    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        """``read_only``: the data directory cannot be written (search/datadir.py); reads see the file as it
        is (or an empty database if there is none) and every write transaction raises ReadOnlyError."""
        if sqlite3.sqlite_version_info < SQLITE_MIN_VERSION:
            raise RuntimeError(f"briefbot needs SQLite 3.35 or later; this Python has {sqlite3.sqlite_version}")
        self.path = Path(path)
        self.read_only = read_only
        self._empty = None
        if read_only:
            if not self.path.exists():
                self._empty = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
                self._empty.row_factory = sqlite3.Row
                self._migrate(self._empty)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.moved_aside = datadir.open_checked(self.path, self._initialise)

    def _initialise(self) -> None:
        with self.connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            self._migrate(db)

    @contextlib.contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads (autocommit), closed afterwards."""
        if self._empty is not None:
            yield self._empty
            return
        if self.read_only:
            db = sqlite3.connect(datadir.read_only_uri(self.path), uri=True, isolation_level=None)
        else:
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        try:
            yield db
        finally:
            db.close()

    @contextlib.contextmanager
    def transaction(self, serial: str | None = None) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: the only writer, so every ``serial`` lock is implied)."""
        if self.read_only:
            raise datadir.ReadOnlyError(self.path.parent)
        with self.connect() as db, self._immediate(db):
            yield db

    @staticmethod
    @contextlib.contextmanager
    def _immediate(db: sqlite3.Connection) -> Iterator[None]:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        with self.connect() as db:
            return db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Run the migrations not yet run, in one transaction. Foreign keys are off meanwhile, so a migration
        may rebuild a table (SQLite's documented way to change constraints) without cascading deletes."""
        db.execute("PRAGMA foreign_keys=OFF")
        with self._immediate(db):
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")
            problems = db.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise sqlite3.DatabaseError(f"the migrated database breaks {len(problems)} foreign key(s)")
        db.execute("PRAGMA foreign_keys=ON")
