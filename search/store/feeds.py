"""Followed feeds, their polling state, and the items already taken from each."""

from __future__ import annotations

import datetime as dt
import sqlite3

from pydantic import BaseModel, ConfigDict

from search.scopes import OPERATOR
from search.store.db import Database, iso
from search.store.errors import DuplicateError


class Feed(BaseModel):
    """A followed feed (a row of ``feeds``)."""

    model_config = ConfigDict(frozen=True)

    id: int
    scope: int  # search.scopes: the operator's (0) or a server's (guild id)
    url: str
    etag: str | None
    last_modified: str | None
    last_poll: dt.datetime | None
    last_error: str | None
    failures: int
    next_poll: dt.datetime | None
    items: int


_COLUMNS = ", ".join(Feed.model_fields)


class FeedRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, url: str, added_by: str | None, now: dt.datetime, scope: int = OPERATOR) -> Feed:
        """Follow ``url`` for ``scope``, due for polling at once; DuplicateError if that scope follows it."""
        try:
            with self.db.transaction() as db:
                cursor = db.execute(
                    "INSERT INTO feeds (scope, url, added_by, created, next_poll) VALUES (?, ?, ?, ?, ?)",
                    (scope, url, added_by, iso(now), iso(now)),
                )
                new_id = cursor.lastrowid
        except sqlite3.IntegrityError:
            raise DuplicateError("that feed is already followed", url) from None
        return self.get(new_id)

    def get(self, feed_id: int) -> Feed | None:
        with self.db.connect() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        return Feed.model_validate(dict(row)) if row else None

    def all(self, scope: int | None = None) -> list[Feed]:
        """Every feed, or only those ``scope`` owns."""
        where, args = ("", ()) if scope is None else (" WHERE scope = ?", (scope,))
        with self.db.connect() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM feeds{where} ORDER BY id", args).fetchall()
        return [Feed.model_validate(dict(row)) for row in rows]

    def remove(self, feed_id: int, scope: int = OPERATOR) -> bool:
        """Unfollow a feed ``scope`` owns; False if it owns no such feed."""
        with self.db.transaction() as db:
            return db.execute("DELETE FROM feeds WHERE id = ? AND scope = ?", (feed_id, scope)).rowcount > 0

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
        """The outcome of a poll: an error counts a failure; a success resets them and keeps the validators."""
        with self.db.transaction() as db:
            if error:
                db.execute(
                    "UPDATE feeds SET last_poll = ?, last_error = ?, failures = failures + 1, next_poll = ? "
                    "WHERE id = ?",
                    (iso(now), error, iso(next_poll), feed_id),
                )
            else:
                db.execute(
                    "UPDATE feeds SET last_poll = ?, last_error = NULL, failures = 0, next_poll = ?, "
                    "etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified), items = items + ? "
                    "WHERE id = ?",
                    (iso(now), iso(next_poll), etag, last_modified, new_items, feed_id),
                )

    def item_known(self, feed_id: int, item_key: str) -> bool:
        with self.db.connect() as db:
            row = db.execute("SELECT 1 FROM feed_items WHERE feed_id = ? AND item_key = ?", (feed_id, item_key))
            return row.fetchone() is not None

    def remember_item(self, feed_id: int, item_key: str, source_id: str | None) -> None:
        with self.db.transaction() as db:
            db.execute("INSERT OR IGNORE INTO feed_items VALUES (?, ?, ?)", (feed_id, item_key, source_id))
