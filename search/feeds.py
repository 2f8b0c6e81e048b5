"""Feeds: RSS, Atom (feedparser) and WordPress REST post lists, polled with conditional GET and backoff.

An item whose feed carries its full text (at least ``FULL_TEXT_WORDS`` words, as WordPress REST and many RSS
feeds do) is indexed from the feed; otherwise its link is fetched. Items already seen are skipped by key;
a feed that fails is retried later and later (doubling, at most a day), and its last error is kept.

``FeedService`` is what the bot's ``/feed`` and ``briefbot feed`` call. Parsing, extraction and every store
call run in worker threads, so polling never blocks the event loop. Each poll is claimed in the store first
(``FeedRepository.claim_due``), a few feeds at a time, so processes sharing the state database never poll a
feed twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from dataclasses import dataclass

from search.decode import well_formed, without_surrogate_references
from search.errors import FeedError
from search.fetch import FetchError, FetchPolicy, check_link, fetch
from search.ingest import IngestError, RawDocument, from_wordpress, html_fragment_blocks, outlet_from_url
from search.library import Library
from search.nesting import check_nesting
from search.scopes import ALL_SERVERS, OPERATOR
from search.shards import ShardSet
from search.store import DuplicateError, Feed
from search.web import add_raw, canonical_url, ingest_url

log = logging.getLogger(__name__)

FULL_TEXT_WORDS = 80
MAX_ITEMS_PER_POLL = 25
MAX_BACKOFF = dt.timedelta(days=1)
CLAIM_BATCH = 5  # feeds claimed at once: the others stay free for other processes
# How long a claimed poll is left to its poller: longer than a poll can take (the feed and its items, each
# within the fetch timeout); a poller that dies leaves its feeds to others after it.
POLL_LEASE = dt.timedelta(minutes=30)
EVERY = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass
class FeedItem:
    key: str
    url: str | None
    raw: RawDocument | None  # the item's own full text, when the feed carries it


@dataclass
class PollResult:
    feed: Feed
    new: int = 0
    error: str | None = None
    not_modified: bool = False


def parse_feed(text: str) -> list[FeedItem]:
    """Items of an RSS/Atom document or a WordPress REST list, newest first as the feed gives them."""
    head = text.lstrip()[:1]
    if not head:
        raise FeedError("the feed is empty")
    if head in "[{":
        check_nesting(text, FeedError)
        try:
            data = json.loads(text)
        except ValueError:
            import json_repair  # the feed modules load when a feed is parsed, not at every start

            data = json_repair.loads(text)
        if not isinstance(data, list):
            raise FeedError("JSON, but not a WordPress post list")
        items = []
        for post in data:
            if not isinstance(post, dict):
                continue
            try:
                (doc,) = from_wordpress(json.dumps(post))
            except IngestError:
                continue
            items.append(FeedItem(key=well_formed(str(post.get("id") or doc.url)), url=doc.url, raw=doc))
        if not items:
            raise FeedError("a JSON list without WordPress posts")
        return items
    import feedparser

    parsed = feedparser.parse(without_surrogate_references(text))
    if not parsed.entries:
        raise FeedError("no RSS or Atom items found")
    items = []
    for entry in parsed.entries:
        link = entry.get("link")
        key = entry.get("id") or link
        if not key:
            continue
        html = entry["content"][0].get("value", "") if entry.get("content") else entry.get("summary", "")
        lines, kinds = html_fragment_blocks(html) if html else ([], [])
        raw = None
        if sum(len(line.split()) for line in lines) >= FULL_TEXT_WORDS:
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
            raw = RawDocument(
                lines=lines,
                kinds=kinds,
                format="feed",
                title=entry.get("title") or None,
                url=link,
                author=entry.get("author") or None,
                outlet=(parsed.feed.get("title") or outlet_from_url(link)),
                published=_published(stamp),
            )
        items.append(FeedItem(key=key, url=link, raw=raw))
    if not items:
        raise FeedError("malformed feed: no item has a link" if parsed.bozo else "no item of the feed has a link")
    return items


def _published(stamp) -> dt.date | None:
    """A feed item's date, or None when it states none or one no calendar has (year 0, month 0)."""
    try:
        return dt.date(*stamp[:3]) if stamp else None
    except (ValueError, OverflowError):
        return None


def next_poll(feed: Feed, now: dt.datetime, interval: dt.timedelta, failed: bool) -> dt.datetime:
    if not failed:
        return now + interval
    return now + min(interval * 2 ** (feed.failures + 1), MAX_BACKOFF)


class FeedService:
    """Follow, unfollow, list and poll feeds, on the library's clock."""

    def __init__(self, library: Library, policy: FetchPolicy, interval: dt.timedelta) -> None:
        self.library = library
        self.policy = policy
        self.interval = interval
        self.repository = library.store.feeds

    async def follow(self, url: str, added_by: str | None, scope: int = OPERATOR) -> PollResult:
        """Follow ``url`` for ``scope`` (search.scopes: its items join that scope's library) and ingest its
        current items; if the first poll fails, unfollow and raise FeedError."""
        url = url.strip()
        check_link(url)  # nothing stored that could not be fetched, or would show a password
        same = canonical_url(url)  # "HTTP://Host/feed#top" is the feed "http://host/feed" is
        followed = await asyncio.to_thread(self.repository.all, scope)
        if known := next((feed for feed in followed if canonical_url(feed.url) == same), None):
            raise DuplicateError("that feed is already followed", known.url)
        now = self.library.clock()  # the first poll is made here, so no other poller takes it meanwhile
        feed = await asyncio.to_thread(self.repository.add, url, added_by, now, scope, now + POLL_LEASE)
        try:
            result = await self._poll(feed)
        except Exception:  # a fault nobody foresaw: the feed is not left followed, and the caller reports it
            await asyncio.to_thread(self.repository.remove, feed.id, scope)
            raise
        if result.error:
            await asyncio.to_thread(self.repository.remove, feed.id, scope)
            raise FeedError(result.error)
        return result

    async def unfollow(self, feed_id: int, scope: int = OPERATOR) -> bool:
        """Stop following a feed ``scope`` follows (its sources stay); False if it follows no such feed."""
        return await asyncio.to_thread(self.repository.remove, feed_id, scope)

    async def followed(self, scope: int | None = None) -> list[Feed]:
        """The feeds ``scope`` follows (every feed for None)."""
        return await asyncio.to_thread(self.repository.all, scope)

    async def poll_due(
        self, *, every: bool = False, scope: int | None = ALL_SERVERS, shards: ShardSet | None = None
    ) -> list[PollResult]:
        """Claim and poll every feed whose next poll time has come (all of them if ``every``), of ``scope``
        (every scope's by default) and, given ``shards``, of the servers on those shards and the operator, a
        batch at a time. A feed that fails in a way nobody foresaw backs off like any failing feed; the feeds
        after it are still polled. Nothing is polled while the data directory is read-only (nothing could be
        recorded)."""
        if self.library.read_only:
            return []
        scopes = None if scope is ALL_SERVERS else (scope,)
        if shards is not None:
            scopes = shards.owns if scopes is None else [s for s in scopes if shards.owns(s)]
        results = []
        while True:
            now = self.library.clock()
            claimed = await asyncio.to_thread(
                self.repository.claim_due,
                now,
                POLL_LEASE,
                None if every else CLAIM_BATCH,
                scopes,
                due_by=EVERY if every else now,
            )
            for feed in claimed:
                try:
                    results.append(await self._poll(feed))
                except Exception as error:  # one broken feed must not starve the others
                    log.exception("feed %s failed unexpectedly", feed.url)
                    results.append(await self._failed(feed, f"could not be read ({type(error).__name__})"))
            if every or not claimed:
                return results

    async def _failed(self, feed: Feed, error: str) -> PollResult:
        now = self.library.clock()
        await asyncio.to_thread(
            self.repository.record_poll, feed.id, now, next_poll(feed, now, self.interval, True), error=error
        )
        return PollResult(feed, error=error)

    async def _poll(self, feed: Feed) -> PollResult:
        """Fetch the feed (conditionally), add its new items; record the outcome on the feed."""
        try:
            page = await fetch(feed.url, self.policy, etag=feed.etag, last_modified=feed.last_modified)
            items = [] if page.not_modified else await asyncio.to_thread(parse_feed, page.text)
        except (FetchError, FeedError) as error:
            log.warning("feed %s failed: %s", feed.url, error)
            return await self._failed(feed, str(error))
        new = 0
        for item in items[:MAX_ITEMS_PER_POLL]:
            if await asyncio.to_thread(self.repository.item_known, feed.id, item.key):
                continue
            source_id = None
            try:
                if item.raw is not None:
                    source = await asyncio.to_thread(
                        add_raw, self.library, item.raw, item.url or feed.url, feed_id=feed.id, scope=feed.scope
                    )
                elif item.url:
                    source = await ingest_url(self.library, item.url, self.policy, feed_id=feed.id, scope=feed.scope)
                else:
                    continue
                source_id, new = source.source_id, new + 1
            except DuplicateError as error:
                source_id = error.existing
            except (FetchError, IngestError) as error:
                log.warning("feed %s: item %s skipped: %s", feed.url, item.url or item.key, error)
            except Exception:  # a fault nobody foresaw costs this item this time, never the items after it
                log.exception("feed %s: item %s failed; it is tried again at the next poll", feed.url, item.key)
                continue
            await asyncio.to_thread(self.repository.remember_item, feed.id, item.key, source_id)
        now = self.library.clock()
        await asyncio.to_thread(
            self.repository.record_poll,
            feed.id,
            now,
            next_poll(feed, now, self.interval, False),
            etag=page.etag,
            last_modified=page.last_modified,
            new_items=new,
        )
        return PollResult(feed, new=new, not_modified=page.not_modified)
