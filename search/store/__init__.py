"""The state that outlives a restart: a ``Database`` (SQLite by default, PostgreSQL for several processes;
search/store/db.py) and one small repository per record type.

    store = Store(data_dir / "briefbot.sqlite3")   # or Store("postgresql://user:password@host/briefbot")
    store.sources   # sources added after start-up, the log of sources added and removed, when each was seen
    store.feeds     # followed feeds, their polling state, and claims on due polls
    store.digests   # digest subscriptions and the digest log (claims on each period)

Only the services (the library, ``FeedService``, ``DigestService``) use it; the bot keeps the parameters
behind its paging buttons in the same database, in its own repository.
"""

from __future__ import annotations

from pathlib import Path

from search.store.db import Database, SQLiteDatabase, open_database
from search.store.digests import DigestRepository, Subscription
from search.store.errors import DuplicateError, StoreUnavailableError
from search.store.feeds import Feed, FeedRepository
from search.store.migrations import MIGRATIONS, POSTGRES_MIGRATIONS
from search.store.sources import Change, SourceRepository

__all__ = [
    "MIGRATIONS",
    "POSTGRES_MIGRATIONS",
    "Change",
    "Database",
    "DuplicateError",
    "Feed",
    "SQLiteDatabase",
    "Store",
    "StoreUnavailableError",
    "Subscription",
]


class Store:
    """The state database and its repositories. ``target``: a ``postgresql://`` URL or an SQLite file."""

    def __init__(self, target: Path | str, *, read_only: bool = False) -> None:
        self.db = open_database(target, read_only=read_only)
        self.sources = SourceRepository(self.db)
        self.feeds = FeedRepository(self.db)
        self.digests = DigestRepository(self.db)

    def close(self) -> None:
        self.db.close()
