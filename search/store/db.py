"""The SQLite database behind the state: connections, transactions and migrations (WAL, ``synchronous=FULL``).

A connection is opened per operation, so a ``Database`` is safe to use from worker threads and from several
processes (SQLite's locking; ``BEGIN IMMEDIATE`` for writes). Rows come back as ``sqlite3.Row``, so the
repositories map them to models by column name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from search import datadir
from search.store.migrations import MIGRATIONS


def iso(moment: dt.datetime | None) -> str | None:
    """How moments are stored: ISO 8601 in UTC."""
    return moment.astimezone(dt.UTC).isoformat() if moment else None


class Database:
    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        """``read_only``: the data directory cannot be written (search/datadir.py); reads see the file as it
        is (or an empty database if there is none) and every write transaction raises ReadOnlyError."""
        self.path = Path(path)
        self.read_only = read_only
        self._empty = None
        self.moved_aside: Path | None = None  # where an unreadable file went (a new one was started)
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
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE): all of it is committed, or none of it."""
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
