"""Followed feeds, their polling state, the items already taken from each, and claims on due polls.

A poll is claimed before it is made (``claim_due``): the claim pushes the feed's next poll a lease ahead, so
no other process takes it meanwhile; ``record_poll`` then sets the real next poll. A poller that dies leaves
the lease to run out, and the feed is due again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

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
_DUE_ORDER = "COALESCE(next_poll, ''), id"  # the longest waiting first (never polled: first of all)
CLAIM_IDS = 500  # feeds claimed by id in one statement


class FeedRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self,
        url: str,
        added_by: str | None,
        now: dt.datetime,
        scope: int = OPERATOR,
        next_poll: dt.datetime | None = None,
    ) -> Feed:
        """Follow ``url`` for ``scope``, due for polling at ``next_poll`` (at once by default); DuplicateError
        if that scope follows it."""
        with self.db.transaction() as db:
            row = db.execute(
                "INSERT INTO feeds (scope, url, added_by, created, next_poll) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING RETURNING id",
                (scope, url, added_by, iso(now), iso(next_poll or now)),
            ).fetchone()
        if row is None:
            raise DuplicateError("that feed is already followed", url)
        return self.get(row["id"])

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
        if not 0 < feed_id < 2**63:  # a feed number no database column can hold: no such feed
            return False
        with self.db.transaction() as db:
            return db.execute("DELETE FROM feeds WHERE id = ? AND scope = ?", (feed_id, scope)).rowcount > 0

    def claim_due(
        self,
        now: dt.datetime,
        lease: dt.timedelta,
        limit: int | None,
        scopes: Collection[int] | Callable[[int], bool] | None = None,
        *,
        due_by: dt.datetime | None = None,
    ) -> list[Feed]:
        """Take at most ``limit`` (None: every) feeds due by ``due_by`` (default ``now``), the longest waiting
        first, and push their next poll to ``now + lease``, in one statement: another process never takes the
        same feed until the lease runs out (PostgreSQL: the rows are picked ``FOR UPDATE SKIP LOCKED``; SQLite:
        in one ``BEGIN IMMEDIATE`` transaction). ``scopes``: only feeds of these scopes (search.scopes), given
        as a collection or as a predicate on a scope (a process serving some shards: the servers on them and
        the operator); with a predicate, the due feeds' scopes are read first and the wanted feeds claimed by
        id, ``CLAIM_IDS`` per statement. The feeds come back as claimed, by id; ``next_poll`` is the end of the
        lease."""
        due, args = "(next_poll IS NULL OR next_poll <= ?)", [iso(due_by or now)]
        if scopes is None:
            claimed = self._claim(due, args, now + lease, limit)
        elif not callable(scopes):
            scopes = list(scopes)
            marks = ", ".join("?" * len(scopes))
            claimed = self._claim(f"{due} AND scope IN ({marks})", args + scopes, now + lease, limit) if scopes else []
        else:
            with self.db.connect() as db:
                rows = db.execute(f"SELECT id, scope FROM feeds WHERE {due} ORDER BY {_DUE_ORDER}", args).fetchall()
            ids = [row["id"] for row in rows if scopes(row["scope"])][:limit]
            claimed = []
            for start in range(0, len(ids), CLAIM_IDS):  # bounded statements (SQLite takes at most 32,766 values)
                chunk = ids[start : start + CLAIM_IDS]
                where = f"{due} AND id IN ({', '.join('?' * len(chunk))})"
                claimed += self._claim(where, args + chunk, now + lease, None)
        return sorted(claimed, key=lambda feed: feed.id)

    def _claim(self, where: str, args: list, until: dt.datetime, limit: int | None) -> list[Feed]:
        """Push the next poll of (at most ``limit``) feeds ``where`` to ``until``, in one statement."""
        pick = f"SELECT id FROM feeds WHERE {where} ORDER BY {_DUE_ORDER}" + ("" if limit is None else " LIMIT ?")
        with self.db.transaction() as db:
            rows = db.execute(
                f"UPDATE feeds SET next_poll = ? WHERE id IN ({pick}{self.db.skip_locked}) RETURNING {_COLUMNS}",
                [iso(until), *args, *([] if limit is None else [limit])],
            ).fetchall()
        return [Feed.model_validate(dict(row)) for row in rows]

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
            db.execute("INSERT INTO feed_items VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (feed_id, item_key, source_id))
