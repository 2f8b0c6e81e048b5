"""State in SQLite: WAL journal, versioned migrations, every write in one transaction.

Holds what must outlive a restart: the parameters behind a search's paging buttons (so a button pressed
after a restart still knows its query). Opened per operation, so it is safe to use from worker threads.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

# Each entry upgrades the schema by one version; never edit a released entry, append a new one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE saved_queries (
        key TEXT PRIMARY KEY,
        params TEXT NOT NULL,
        created TEXT NOT NULL DEFAULT (datetime('now'))
    );
    """,
]


class Store:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            self._migrate(db)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        try:
            yield db
        finally:
            db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE): all of it is committed, or none of it."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        with self._connect() as db:
            return db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self, db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- saved queries ----------------------------------------------------------------------------------
    def save_query(self, params: dict) -> str:
        """Store search parameters under a short stable key (the same parameters give the same key)."""
        text = json.dumps(params, sort_keys=True, ensure_ascii=False)
        key = hashlib.sha256(text.encode()).hexdigest()[:16]
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO saved_queries (key, params) VALUES (?, ?)", (key, text))
        return key

    def load_query(self, key: str) -> dict | None:
        with self._connect() as db:
            row = db.execute("SELECT params FROM saved_queries WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None
