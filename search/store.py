"""State in SQLite: WAL journal, versioned migrations, every write in one transaction.

Holds what must outlive a restart: sources added after start-up (cleaned text, metadata, passages), when each
source was first seen, feeds and their polling state, digest subscriptions and the digest log, and the
parameters behind a search's paging buttons. A connection is opened per operation, so the store is safe to use
from worker threads and from several processes (SQLite's locking; ``BEGIN IMMEDIATE`` for writes).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from search.models import Passage, Source

# Each entry upgrades the schema by one version; never edit a released entry, append a new one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE saved_queries (
        key TEXT PRIMARY KEY,
        params TEXT NOT NULL,
        created TEXT NOT NULL DEFAULT (datetime('now'))
    );
    """,
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        etag TEXT,
        last_modified TEXT,
        last_poll TEXT,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        next_poll TEXT,
        items INTEGER NOT NULL DEFAULT 0,
        added_by TEXT,
        created TEXT NOT NULL
    );
    CREATE TABLE feed_items (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        item_key TEXT NOT NULL,
        source_id TEXT,
        PRIMARY KEY (feed_id, item_key)
    );
    CREATE TABLE sources (
        source_id TEXT PRIMARY KEY,
        canonical_url TEXT UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
        source_json TEXT NOT NULL,
        passages_json TEXT NOT NULL,
        added_at TEXT NOT NULL
    );
    CREATE TABLE source_seen (
        source_id TEXT PRIMARY KEY,
        first_seen TEXT NOT NULL
    );
    CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY,
        guild_id INTEGER NOT NULL,
        channel_id INTEGER NOT NULL,
        time TEXT NOT NULL,
        timezone TEXT NOT NULL,
        topics TEXT NOT NULL DEFAULT '[]',
        quiet INTEGER NOT NULL DEFAULT 0,
        enabled INTEGER NOT NULL DEFAULT 1,
        disabled_reason TEXT,
        created_by INTEGER,
        created TEXT NOT NULL,
        UNIQUE (channel_id, time, timezone)
    );
    CREATE TABLE digest_log (
        subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        local_date TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        covered_until TEXT NOT NULL,
        status TEXT NOT NULL,
        sent_at TEXT,
        messages TEXT,
        PRIMARY KEY (subscription_id, local_date)
    );
    """,
]


class DuplicateError(ValueError):
    """Already stored; ``existing`` names what is there."""

    def __init__(self, message: str, existing: str) -> None:
        super().__init__(message)
        self.existing = existing


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    etag: str | None
    last_modified: str | None
    last_poll: dt.datetime | None
    last_error: str | None
    failures: int
    next_poll: dt.datetime | None
    items: int


@dataclass(frozen=True)
class Subscription:
    id: int
    guild_id: int
    channel_id: int
    time: dt.time
    timezone: str
    topics: list[str]
    quiet: bool
    enabled: bool
    disabled_reason: str | None
    created_by: int | None
    created: dt.datetime


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment else None


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


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

    # -- sources added after start-up --------------------------------------------------------------------
    def add_source(
        self,
        source: Source,
        passages: list[Passage],
        *,
        content_hash: str,
        canonical_url: str | None,
        added_at: dt.datetime,
        feed_id: int | None = None,
    ) -> None:
        """Store a source; DuplicateError if its canonical URL or its content is already stored."""
        with self.transaction() as db:
            duplicate = db.execute(
                "SELECT source_id FROM sources WHERE content_hash = ? "
                "OR (canonical_url IS NOT NULL AND canonical_url = ?)",
                (content_hash, canonical_url),
            ).fetchone()
            if duplicate:
                raise DuplicateError(f"already in the library as {duplicate[0]}", duplicate[0])
            db.execute(
                "INSERT INTO sources (source_id, canonical_url, content_hash, feed_id, source_json, passages_json, "
                "added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    source.source_id,
                    canonical_url,
                    content_hash,
                    feed_id,
                    source.model_dump_json(),
                    json.dumps([p.model_dump(mode="json") for p in passages]),
                    _iso(added_at),
                ),
            )
            db.execute("INSERT OR IGNORE INTO source_seen VALUES (?, ?)", (source.source_id, _iso(added_at)))

    def stored_sources(self) -> list[tuple[Source, list[Passage]]]:
        with self._connect() as db:
            rows = db.execute("SELECT source_json, passages_json FROM sources ORDER BY added_at, source_id").fetchall()
        return [(Source.model_validate_json(s), [Passage.model_validate(p) for p in json.loads(ps)]) for s, ps in rows]

    def mark_seen(self, source_ids: list[str], now: dt.datetime) -> None:
        """Record when each source was first in the library (what "new since the last digest" means)."""
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO source_seen VALUES (?, ?)", [(s, _iso(now)) for s in source_ids])

    def first_seen(self) -> dict[str, dt.datetime]:
        with self._connect() as db:
            return {sid: _moment(when) for sid, when in db.execute("SELECT source_id, first_seen FROM source_seen")}

    # -- feeds --------------------------------------------------------------------------------------------
    def add_feed(self, url: str, added_by: str | None, now: dt.datetime) -> Feed:
        try:
            with self.transaction() as db:
                db.execute(
                    "INSERT INTO feeds (url, added_by, created, next_poll) VALUES (?, ?, ?, ?)",
                    (url, added_by, _iso(now), _iso(now)),
                )
        except sqlite3.IntegrityError:
            raise DuplicateError("that feed is already followed", url) from None
        return next(f for f in self.feeds() if f.url == url)

    def feeds(self) -> list[Feed]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, url, etag, last_modified, last_poll, last_error, failures, next_poll, items FROM feeds "
                "ORDER BY id"
            ).fetchall()
        return [Feed(r[0], r[1], r[2], r[3], _moment(r[4]), r[5], r[6], _moment(r[7]), r[8]) for r in rows]

    def remove_feed(self, feed_id: int) -> bool:
        with self.transaction() as db:
            return db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,)).rowcount > 0

    def record_poll(
        self,
        feed_id: int,
        now: dt.datetime,
        next_poll: dt.datetime,
        *,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        new_items: int = 0,
    ) -> None:
        with self.transaction() as db:
            if error:
                db.execute(
                    "UPDATE feeds SET last_poll = ?, last_error = ?, failures = failures + 1, next_poll = ? "
                    "WHERE id = ?",
                    (_iso(now), error, _iso(next_poll), feed_id),
                )
            else:
                db.execute(
                    "UPDATE feeds SET last_poll = ?, last_error = NULL, failures = 0, next_poll = ?, "
                    "etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified), items = items + ? "
                    "WHERE id = ?",
                    (_iso(now), _iso(next_poll), etag, last_modified, new_items, feed_id),
                )

    def feed_item_known(self, feed_id: int, item_key: str) -> bool:
        with self._connect() as db:
            row = db.execute("SELECT 1 FROM feed_items WHERE feed_id = ? AND item_key = ?", (feed_id, item_key))
            return row.fetchone() is not None

    def remember_feed_item(self, feed_id: int, item_key: str, source_id: str | None) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO feed_items VALUES (?, ?, ?)", (feed_id, item_key, source_id))

    # -- digest subscriptions and log --------------------------------------------------------------------
    def add_subscription(
        self,
        *,
        guild_id: int,
        channel_id: int,
        time: dt.time,
        timezone: str,
        topics: list[str],
        quiet: bool,
        created_by: int | None,
        now: dt.datetime,
    ) -> Subscription:
        try:
            with self.transaction() as db:
                cursor = db.execute(
                    "INSERT INTO subscriptions (guild_id, channel_id, time, timezone, topics, quiet, created_by, "
                    "created) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        guild_id,
                        channel_id,
                        time.strftime("%H:%M"),
                        timezone,
                        json.dumps(topics),
                        int(quiet),
                        created_by,
                        _iso(now),
                    ),
                )
                new_id = cursor.lastrowid
        except sqlite3.IntegrityError:
            raise DuplicateError("that channel already gets a digest at that time", str(channel_id)) from None
        return self.subscription(new_id)

    _SUBSCRIPTION_COLUMNS = (
        "id, guild_id, channel_id, time, timezone, topics, quiet, enabled, disabled_reason, created_by, created"
    )

    @staticmethod
    def _subscription(row) -> Subscription:
        return Subscription(
            row[0],
            row[1],
            row[2],
            dt.time.fromisoformat(row[3]),
            row[4],
            json.loads(row[5]),
            bool(row[6]),
            bool(row[7]),
            row[8],
            row[9],
            _moment(row[10]),
        )

    def subscription(self, subscription_id: int) -> Subscription | None:
        with self._connect() as db:
            row = db.execute(
                f"SELECT {self._SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = ?", (subscription_id,)
            ).fetchone()
        return self._subscription(row) if row else None

    def subscriptions(self, guild_id: int | None = None, *, enabled_only: bool = False) -> list[Subscription]:
        query = f"SELECT {self._SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE 1 = 1"
        args: list = []
        if guild_id is not None:
            query += " AND guild_id = ?"
            args.append(guild_id)
        if enabled_only:
            query += " AND enabled = 1"
        with self._connect() as db:
            return [self._subscription(row) for row in db.execute(query + " ORDER BY id", args)]

    def remove_subscription(self, subscription_id: int, guild_id: int) -> bool:
        with self.transaction() as db:
            cursor = db.execute("DELETE FROM subscriptions WHERE id = ? AND guild_id = ?", (subscription_id, guild_id))
            return cursor.rowcount > 0

    def disable_subscription(self, subscription_id: int, reason: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE subscriptions SET enabled = 0, disabled_reason = ? WHERE id = ?", (reason, subscription_id)
            )

    def claim_digest(
        self, subscription_id: int, local_date: dt.date, now: dt.datetime, covered_until: dt.datetime
    ) -> bool:
        """Take the idempotency key (subscription, local date). False if any process already took it."""
        try:
            with self.transaction() as db:
                db.execute(
                    "INSERT INTO digest_log (subscription_id, local_date, claimed_at, covered_until, status) "
                    "VALUES (?, ?, ?, ?, 'sending')",
                    (subscription_id, local_date.isoformat(), _iso(now), _iso(covered_until)),
                )
        except sqlite3.IntegrityError:
            return False
        return True

    def finish_digest(
        self, subscription_id: int, local_date: dt.date, status: str, sent_at: dt.datetime, messages: list[int]
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE digest_log SET status = ?, sent_at = ?, messages = ? "
                "WHERE subscription_id = ? AND local_date = ?",
                (status, _iso(sent_at), json.dumps(messages), subscription_id, local_date.isoformat()),
            )

    def digest_dates(self, subscription_id: int) -> set[dt.date]:
        with self._connect() as db:
            rows = db.execute("SELECT local_date FROM digest_log WHERE subscription_id = ?", (subscription_id,))
            return {dt.date.fromisoformat(r[0]) for r in rows}

    def last_covered(self, subscription_id: int) -> dt.datetime | None:
        """Up to when the previous digest of this subscription covered new sources."""
        with self._connect() as db:
            row = db.execute(
                "SELECT MAX(covered_until) FROM digest_log WHERE subscription_id = ? AND status IN ('sent', 'empty')",
                (subscription_id,),
            ).fetchone()
        return _moment(row[0]) if row and row[0] else None
