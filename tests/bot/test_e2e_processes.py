"""Two real bot processes (``python -m bot``), shards 0 and 1 of 2, each with its own data directory, on one
PostgreSQL state database, against one stand-in Discord: each digest is posted once and each feed polled once
across restarts, a process killed in the middle of a digest posts nothing twice, and a source one process
ingests is found through the other within 5 s."""

import asyncio
import datetime as dt
import json
import time

import pytest
from aiohttp import web

from search.scopes import OPERATOR
from search.store import Store
from tests.bot.fake_discord import CHANNEL_ID, GUILD_ID
from tests.bot.processes import BotProcess, eventually
from tests.bot.test_e2e_growth import RSS
from tests.conftest import start_site

A = GUILD_ID  # on shard 1 of 2
B = GUILD_ID + (1 << 22)  # on shard 0 of 2
FRESH_WITHIN = 5.0
WAIT = 30.0  # seconds to wait for what a process does (its start included) before failing


@pytest.fixture
async def feeds(site):
    """Feeds with one full-text item each, named by path; when each was fetched is kept in ``site.fetched``."""
    site.fetched = {}

    def feed(name: str, animal: str):
        body = f"The {name} desk reports that the {animal} census is complete and its results are published. " * 6
        rss = RSS.format(url=site.url(f"/{name}/item"), body=body).replace("<guid>k1</guid>", f"<guid>{name}</guid>")

        async def serve(request):
            site.fetched.setdefault(request.path, time.monotonic())
            return web.Response(text=rss, content_type="application/rss+xml")

        site.route(f"/{name}.xml", serve)

    for name, animal in (("a", "quokka"), ("a2", "quoll"), ("b", "bilby"), ("b2", "bettong"), ("shared", "wallaby")):
        feed(name, animal)
    return await start_site(site)


@pytest.fixture
async def cluster(discord_api, tmp_path, seeds, postgres_url):
    """The two processes (not started; stopped after the test) and the state database they share."""
    discord_api.guilds = [A, B]
    env = {"SHARD_COUNT": "2", "DATABASE_URL": postgres_url, "SEARCH_COOLDOWN_SECONDS": "0"}
    processes = [BotProcess(discord_api, tmp_path / f"shard-{i}", seeds, str(i), **env) for i in (0, 1)]
    store = Store(postgres_url)
    yield processes, store
    await asyncio.gather(*(p.stop() for p in processes))
    store.close()


async def start(*processes: BotProcess) -> None:
    await asyncio.gather(*(p.start(WAIT) for p in processes))


def subscribe_due(store: Store, guild: int, channel: int) -> None:
    """A daily digest in ``channel`` due now (made two days ago, for a time two minutes ago)."""
    now = dt.datetime.now(dt.UTC)
    moment = (now - dt.timedelta(minutes=2)).time().replace(second=0, microsecond=0)
    store.digests.subscribe(
        guild_id=guild,
        channel_id=channel,
        time=moment,
        timezone="UTC",
        topics=[],
        quiet=False,
        created_by=None,
        now=now - dt.timedelta(days=2),
    )


def follow_due(store: Store, site, name: str, scope: int) -> None:
    store.feeds.add(site.url(f"/{name}.xml"), None, dt.datetime.now(dt.UTC), scope)


def posted_to(discord_api, channel: int) -> list[dict]:
    return [m for m in discord_api.channel_messages if int(m["channel_id"]) == channel]


async def found(discord_api, word: str, guild: int) -> bool:
    """Whether /search in ``guild`` finds ``word`` (nothing found is a private one-line answer)."""
    record = await discord_api.command("search", {"query": word}, guild=guild)
    return not record.ephemeral and word in json.dumps(record.message["embeds"]).lower()


async def test_a_source_ingested_through_one_process_is_found_through_the_other(cluster, discord_api, feeds):
    processes, store = cluster
    follow_due(store, feeds, "shared", OPERATOR)  # polled by whichever process claims it first
    await start(*processes)
    assert discord_api.shard_connections() == {(0, 2), (1, 2)}
    await eventually(lambda: "/shared.xml" in feeds.fetched, WAIT, "the shared feed polled")
    pending = {A, B}  # A is served by shard 1's process, B by shard 0's
    while pending:
        pending -= {guild for guild in list(pending) if await found(discord_api, "wallaby", guild)}
        elapsed = time.monotonic() - feeds.fetched["/shared.xml"]
        assert elapsed < FRESH_WITHIN or not pending, f"not found in {pending} {elapsed:.1f} s after the poll"
        await asyncio.sleep(0.1)
    assert feeds.hits["/shared.xml"] == 1


async def test_digests_and_feed_polls_happen_once_across_restarts_and_a_kill(cluster, discord_api, feeds):
    processes, store = cluster
    channels = {name: CHANNEL_ID + n for n, name in enumerate(("a", "a2", "b", "b2"), 10)}
    discord_api.channels |= set(channels.values())
    for name, guild in (("a", A), ("b", B)):
        subscribe_due(store, guild, channels[name])
        follow_due(store, feeds, name, guild)
    follow_due(store, feeds, "shared", OPERATOR)
    discord_api.slow_channels[channels["a"]] = 60  # A's digest: the first message is posted, its answer is late
    await start(*processes)
    await eventually(lambda: posted_to(discord_api, channels["b"]), WAIT, "B's digest posted")
    await eventually(lambda: posted_to(discord_api, channels["a"]), WAIT, "A's digest begun")
    await eventually(lambda: {"/a.xml", "/b.xml", "/shared.xml"} <= feeds.fetched.keys(), WAIT, "every feed polled")
    b_digest = len(posted_to(discord_api, channels["b"]))

    # Shard 1's process dies while it waits for Discord to confirm A's first digest message; then a restart,
    # which would repeat whatever was not claimed; a digest and a feed added meanwhile mark its first round.
    await processes[1].kill()
    discord_api.slow_channels.clear()
    subscribe_due(store, A, channels["a2"])
    follow_due(store, feeds, "a2", A)
    await start(processes[1])
    await eventually(lambda: posted_to(discord_api, channels["a2"]) and "/a2.xml" in feeds.fetched, WAIT, "round")

    # Shard 0's process is stopped and started again the same way.
    await processes[0].stop()
    subscribe_due(store, B, channels["b2"])
    follow_due(store, feeds, "b2", B)
    await start(processes[0])
    await eventually(lambda: posted_to(discord_api, channels["b2"]) and "/b2.xml" in feeds.fetched, WAIT, "round")

    assert len(posted_to(discord_api, channels["a"])) == 1  # never completed, never repeated
    assert len(posted_to(discord_api, channels["b"])) == b_digest
    assert {path: feeds.hits[path] for path in feeds.fetched} == dict.fromkeys(feeds.fetched, 1)
