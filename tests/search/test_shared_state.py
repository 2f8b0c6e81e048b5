"""Libraries of two processes on one PostgreSQL state database, each with its own data directory (as two bot
processes on two machines): a new process starts with the sources the other added, and each feed poll and
each digest happens once when both run their loops at the same moment."""

import asyncio
import datetime as dt
import ipaddress

import pytest

from search.digests import DigestService
from search.feeds import FeedService
from search.fetch import FetchPolicy
from search.library import Library
from search.models import Passage, Source
from tests.conftest import SEEDS, ManualClock, start_site

LOCAL = FetchPolicy(allowed_networks=[ipaddress.ip_network("127.0.0.1/32")], read_timeout=1, total_timeout=3)
HOUR = dt.timedelta(hours=1)
NOW = dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC)
TEXT = "The kestrel survey counted nesting pairs along the ridge for the third year running."
RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
    "<item><title>Osprey</title><link>http://example.invalid/osprey</link><guid>osprey</guid>"
    f"<description><![CDATA[<p>{'The osprey returned to the estuary nest this spring. ' * 20}</p>]]></description>"
    "</item></channel></rss>"
)


@pytest.fixture
def libraries(tmp_path, postgres_url):
    """Two libraries ("processes") on one database, on one manual clock."""
    clock = ManualClock(NOW)
    return [Library(SEEDS, tmp_path / name, clock=clock, database_url=postgres_url).open() for name in "ab"]


def test_a_new_process_starts_with_the_sources_another_added(tmp_path, libraries, postgres_url):
    first, _ = libraries
    source = Source(source_id="web-kestrel", origin="https://x.org/kestrel", format="html", text=TEXT)
    passages = [Passage(passage_id="web-kestrel:p1", source_id=source.source_id, ordinal=1, text=TEXT, start=0,
                        end=len(TEXT))]  # fmt: skip
    first.add_source(source, passages, content_hash="h", scope=42)
    late = Library(SEEDS, tmp_path / "late", database_url=postgres_url).open()
    assert late.search("kestrel", scope=42).hits[0].source_id == "web-kestrel"
    assert late.search("kestrel", scope=7).hits == []  # still that server's alone
    first.remove_source("web-kestrel", 42)
    changes = late.store.sources.changes_since(0)
    assert [(c.op, c.source_id) for c in changes] == [("remove", "web-kestrel")]  # the add is gone with it


async def test_two_processes_poll_a_due_feed_once(libraries, site):
    site.serve("/rss", RSS, "application/rss+xml")
    await start_site(site)
    services = [FeedService(library, LOCAL, HOUR) for library in libraries]
    assert (await services[0].follow(site.url("/rss"), None)).new == 1
    libraries[0].clock.now = NOW + 2 * HOUR
    results = await asyncio.gather(*(service.poll_due() for service in services))
    assert site.hits["/rss"] == 2 and sorted(len(r) for r in results) == [0, 1]  # the follow, then one poll


async def test_two_processes_post_a_due_digest_once(libraries):
    services = [DigestService(library, dt.timedelta(hours=6)) for library in libraries]
    await services[0].subscribe(
        guild_id=1, channel_id=2, time="09:00", timezone="UTC", topics=None, quiet=False, created_by=None
    )
    libraries[0].clock.now = NOW + 2 * HOUR  # 10:00: the 09:00 digest is due
    sent = []

    async def send(subscription, digest, heading):
        sent.append(subscription.id)
        await asyncio.sleep(0.05)  # while the other process looks
        return [len(sent)]

    posted = await asyncio.gather(*(service.run_due(send) for service in services))
    assert len(sent) == 1 and sorted(map(len, posted)) == [0, 1]
    assert await asyncio.gather(*(service.run_due(send) for service in services)) == [[], []]
