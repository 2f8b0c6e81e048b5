"""The services the bot and the CLI both call: the library (search, brief, sources, summaries) and the
feed, digest and page services over it. Built once, from the settings, and injected."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from search.digests import DigestService
from search.feeds import FeedService
from search.fetch import FetchPolicy
from search.library import Library
from search.pages import PageService
from search.store import Database


@dataclass(frozen=True)
class Services:
    library: Library
    feeds: FeedService
    digests: DigestService
    pages: PageService

    @property
    def database(self) -> Database:
        """The state database, for what a transport keeps beside it (the bot: its buttons' saved searches)."""
        return self.library.store.db

    @classmethod
    def over(
        cls, library: Library, *, policy: FetchPolicy, feed_interval: dt.timedelta, digest_grace: dt.timedelta
    ) -> Services:
        """The services over an opened library (its clock is the one clock)."""
        return cls(
            library,
            FeedService(library, policy, feed_interval),
            DigestService(library, digest_grace),
            PageService(library, policy),
        )
