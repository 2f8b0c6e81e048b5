"""The state that outlives a restart, in one SQLite database: a ``Database`` (connections, transactions,
migrations) and one small repository per record type.

    store = Store(data_dir / "briefbot.sqlite3")
    store.sources   # sources added after start-up; when each source was first seen
    store.feeds     # followed feeds and their polling state
    store.digests   # digest subscriptions and the digest log

Only the services (the library, ``FeedService``, ``DigestService``) use it; the bot keeps the parameters
behind its paging buttons in the same database, in its own repository.
"""

from __future__ import annotations

from pathlib import Path

from search.store.db import Database
from search.store.digests import DigestRepository, Subscription
from search.store.errors import DuplicateError
from search.store.feeds import Feed, FeedRepository
from search.store.migrations import MIGRATIONS
from search.store.sources import SourceRepository

__all__ = ["MIGRATIONS", "Database", "DuplicateError", "Feed", "Store", "Subscription"]


class Store:
    """The state database and its repositories."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.db = Database(path, read_only=read_only)
        self.sources = SourceRepository(self.db)
        self.feeds = FeedRepository(self.db)
        self.digests = DigestRepository(self.db)
