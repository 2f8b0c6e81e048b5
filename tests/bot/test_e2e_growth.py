"""Digests, /ingest and feeds end to end: the real client, the stand-in for Discord, a local web server,
and a clock the test moves (no real sleeping)."""

import asyncio
import datetime as dt

import pytest
from aiohttp import web

from tests.bot.fake_discord import ALICE, BOB, CHANNEL_ID, Channel
from tests.conftest import ManualClock, add_failure_routes, start_site

UTC = dt.UTC
START = dt.datetime(2025, 6, 2, 0, 0, tzinfo=UTC)
PAGE = """<html><head><title>Hotline</title><meta property="article:published_time" content="2025-06-01"></head>
<body><article><h1>Allies open a zephyrine missile warning hotline</h1>
<p>The three allies switched on a real-time missile warning hotline on Monday, linking radars in Japan and
South Korea with American command centers so that launches are tracked within seconds, officials said.</p>
<p>The zephyrine protocol was tested for months; the data sharing will continue after the next elections in
Washington, Seoul and Tokyo, according to the defense ministries of the three countries.</p></article></body></html>"""
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Allied Wire</title>
<item><title>Kestrel drills</title><link>{url}</link><guid>k1</guid><description><![CDATA[<p>{body}</p>]]>
</description></item></channel></rss>"""
BODY = "Defense ministers agreed to expand the kestrel exercise next spring with a maritime phase near Jeju. " * 5


@pytest.fixture
async def web_site(site):
    async def feed(request):
        return web.Response(text=RSS.format(url=site.url("/hotline"), body=BODY), content_type="application/rss+xml")

    site.serve("/hotline", PAGE)
    site.route("/feed.xml", feed)
    return await start_site(site)


@pytest.fixture
def clock():
    return ManualClock(START)


@pytest.fixture
def start(start_bot, clock):
    async def go(**overrides):
        return await start_bot(wall_clock=clock, background=False, fetch_allow_networks="127.0.0.1/32", **overrides)

    return go


async def subscribe(discord_api, **options):
    record = await discord_api.command(
        "digest", {"time": "09:00", "timezone": "Asia/Seoul", **options}, sub="subscribe"
    )
    content = record.message["content"]
    assert record.ephemeral and content.startswith("Digest #"), content
    return content


async def test_subscribe_post_at_the_due_time_and_unsubscribe(start, discord_api, web_site, clock):
    bot = await start()
    confirmation = await subscribe(discord_api, topics="THAAD, hotline")
    assert confirmation.startswith("Digest #1 will be posted in <#") and "Asia/Seoul" in confirmation
    clock.now = START + dt.timedelta(minutes=10)
    added = await discord_api.command("ingest", {"url": web_site.url("/hotline")})
    assert added.ephemeral and "Added “Allies open a zephyrine missile warning hotline”" in added.message["content"]

    clock.now = dt.datetime(2025, 6, 2, 23, 59, tzinfo=UTC)  # 08:59 in Seoul: not yet
    assert await bot.get_cog("Digest").post_due() == []
    clock.now = dt.datetime(2025, 6, 3, 0, 0, tzinfo=UTC)  # 09:00 in Seoul
    assert await bot.get_cog("Digest").post_due() == [1]
    (message,) = discord_api.channel_messages
    heading, item, thaad, hotline = message["embeds"]
    assert heading["title"] == "Daily digest · Tue 03 Jun 2025" and "1 new source(s)" in heading["description"]
    assert item["title"] == "Allies open a zephyrine missile warning hotline" and item["url"].endswith("/hotline")
    assert "real-time missile warning hotline" in item["description"]
    assert hotline["title"] == "Topic: hotline" and hotline["fields"]
    assert thaad["description"] == "Nothing new on this topic."
    assert message["channel_id"] == str(CHANNEL_ID)

    clock.now += dt.timedelta(minutes=5)
    assert await bot.get_cog("Digest").post_due() == []  # never twice on one day
    listed = await discord_api.command("digest", sub="list")
    assert "#1" in listed.message["embeds"][0]["fields"][0]["value"]
    gone = await discord_api.command("digest", {"id": 1}, sub="unsubscribe")
    assert gone.message["content"] == "Digest #1 is cancelled."
    clock.now += dt.timedelta(days=1)
    assert await bot.get_cog("Digest").post_due() == [] and len(discord_api.channel_messages) == 1


async def test_a_restart_inside_the_window_posts_once_and_after_it_nothing(start, discord_api, clock):
    first = await start()
    await subscribe(discord_api, time="09:00", timezone="UTC")
    await first.close()
    clock.now = dt.datetime(2025, 6, 2, 11, 0, tzinfo=UTC)  # the bot was down at 09:00; 2 h late is within 6 h
    second = await start()
    assert await second.get_cog("Digest").post_due() == [1]
    await second.close()
    third = await start()
    assert await third.get_cog("Digest").post_due() == []  # restarted again the same day: nothing more
    clock.now = dt.datetime(2025, 6, 3, 16, 0, tzinfo=UTC)  # 7 h after the next 09:00: missed, skipped
    assert await third.get_cog("Digest").post_due() == []
    assert len(discord_api.channel_messages) == 1
    quiet_day = discord_api.channel_messages[0]["embeds"][0]
    assert quiet_day["description"].startswith("Nothing new in the library since")


async def test_two_bot_processes_on_one_database_post_once(start, discord_api, clock):
    one, two = await start(), await start()
    await subscribe(discord_api, time="09:00", timezone="Europe/London")
    clock.now = dt.datetime(2025, 6, 2, 8, 0, tzinfo=UTC)  # 09:00 BST
    results = await asyncio.gather(one.get_cog("Digest").post_due(), two.get_cog("Digest").post_due())
    assert sorted(map(len, results)) == [0, 1] and len(discord_api.channel_messages) == 1


async def test_a_quiet_subscription_posts_nothing_when_nothing_is_new(start, discord_api, clock):
    bot = await start()
    await subscribe(discord_api, time="09:00", timezone="UTC", quiet=True)
    clock.now = dt.datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    assert await bot.get_cog("Digest").post_due() == [] and discord_api.channel_messages == []


@pytest.mark.parametrize(
    ("lose_it", "reason"),
    [
        (lambda api, channel: api.channels.discard(channel), "the channel no longer exists"),
        (lambda api, channel: api.forbidden_channels.add(channel), "briefbot is not allowed to post in the channel"),
    ],
    ids=["deleted", "forbidden"],
)
async def test_a_lost_channel_disables_the_subscription_and_tells_the_subscriber(
    start, discord_api, clock, lose_it, reason
):
    bot = await start()
    other = CHANNEL_ID + 1
    discord_api.channels.add(other)
    await subscribe(discord_api, time="09:00", timezone="UTC", channel=Channel(other))
    lose_it(discord_api, other)
    clock.now = dt.datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    assert await bot.get_cog("Digest").post_due() == []
    (subscription,) = bot.services.library.store.digests.subscriptions()
    assert not subscription.enabled and subscription.disabled_reason == reason
    (note,) = discord_api.channel_messages
    assert discord_api.dm_channels[int(note["channel_id"])] == int(ALICE["id"])
    assert f"was turned off: {reason}" in note["content"]
    listed = await discord_api.command("digest", sub="list")
    assert "disabled" in listed.message["embeds"][0]["fields"][0]["value"]


async def test_ingest_makes_a_page_searchable_without_a_restart(start, discord_api, web_site):
    await start()
    assert (await discord_api.command("search", {"query": "zephyrine"})).ephemeral  # nothing yet
    await discord_api.command("ingest", {"url": web_site.url("/hotline")})
    found = await discord_api.command("search", {"query": "zephyrine"})
    assert not found.ephemeral and "zephyrine" in found.message["embeds"][0]["fields"][0]["value"]
    again = await discord_api.command("ingest", {"url": web_site.url("/hotline?utm_source=chat")})
    assert again.ephemeral and again.message["content"].startswith("already in the library as web-")


@pytest.mark.parametrize(
    ("url", "answer"),
    [
        ("http://127.0.0.2:1/page", "refused: 127.0.0.2 is a loopback address"),
        ("ftp://example.org/x", "only http and https"),
        ("http://169.254.169.254/latest/meta-data/", "link-local (metadata)"),
    ],
)
async def test_ingest_refusals_are_one_line(start, discord_api, url, answer):
    await start()
    record = await discord_api.command("ingest", {"url": url})
    assert record.ephemeral and answer in record.message["content"]


async def test_changing_the_library_needs_manage_server(start, discord_api, web_site):
    await start()
    for name, options, sub in (
        ("ingest", {"url": web_site.url("/hotline")}, None),
        ("feed", {"url": web_site.url("/feed.xml")}, "add"),
        ("digest", {"time": "09:00", "timezone": "UTC"}, "subscribe"),
    ):
        record = await discord_api.command(name, options, user=BOB, sub=sub, permissions="0")
        assert record.ephemeral and record.message["content"] == "You need the Manage Server permission for that."


async def test_feeds_add_list_and_remove(start, discord_api, web_site):
    await start()
    added = await discord_api.command("feed", {"url": web_site.url("/feed.xml")}, sub="add")
    assert added.message["content"] == "Following feed #1: 1 new item(s) added."
    assert not (await discord_api.command("search", {"query": "kestrel"})).ephemeral
    listed = await discord_api.command("feed", sub="list")
    assert "feed.xml" in listed.message["embeds"][0]["fields"][0]["value"]
    twice = await discord_api.command("feed", {"url": web_site.url("/feed.xml")}, sub="add")
    assert twice.message["content"] == "that feed is already followed"
    removed = await discord_api.command("feed", {"id": 1}, sub="remove")
    assert removed.message["content"].startswith("Stopped following feed #1")
    missing = await discord_api.command("feed", {"id": 7}, sub="remove")
    assert missing.message["content"] == "This server follows no feed #7. See /feed list."


async def test_sources_status_shows_health(start, discord_api, web_site):
    await start()
    await discord_api.command("feed", {"url": web_site.url("/feed.xml")}, sub="add")
    record = await discord_api.command("sources", {"status": True})
    (embed,) = record.message["embeds"]
    assert embed["title"] == "Library health" and "1 feed(s)" in embed["description"]
    values = "\n".join(f["value"] for f in embed["fields"])
    assert "`004_698c3ea95e86228a` 17 passages · dropped 3 boilerplate, 1 duplicate, 23 trailing" in values
    assert "feed.xml" in values and "1 items" in values


async def test_preview_is_private(start, discord_api, web_site, clock):
    await start()
    await discord_api.command("ingest", {"url": web_site.url("/hotline")})
    record = await discord_api.command("digest", {"topics": "hotline"}, sub="preview")
    assert record.ephemeral and record.message["embeds"][0]["title"] == "Digest preview (only you see this)"
    assert any(e["title"] == "Topic: hotline" for e in record.message["embeds"])


@pytest.mark.parametrize(
    ("options", "answer"),
    [
        ({"time": "9am", "timezone": "UTC"}, "Give the time as HH:MM"),
        ({"time": "25:00", "timezone": "UTC"}, "Give the time as HH:MM"),
        ({"time": "09:00", "timezone": "Mars/Olympus"}, "Unknown time zone 'Mars/Olympus'"),
        ({"time": "09:00", "timezone": "UTC", "topics": "the, and"}, "too common"),
    ],
)
async def test_subscribe_validates_its_options(start, discord_api, options, answer):
    await start()
    record = await discord_api.command("digest", options, sub="subscribe")
    assert record.ephemeral and answer in record.message["content"]


async def test_timezone_autocomplete(start, discord_api):
    await start()
    choices = await discord_api.autocomplete(
        "digest", {"time": "09:00", "timezone": "seoul"}, "timezone", sub="subscribe"
    )
    assert choices[0]["value"] == "Asia/Seoul" and len(choices) <= 25


async def test_background_loops_post_a_due_digest_and_survive_a_gateway_reconnect(
    start_bot, discord_api, clock, data_dir
):
    from search.store import Store

    store = Store(data_dir / "data" / "briefbot.sqlite3")
    store.digests.subscribe(
        guild_id=1,
        channel_id=CHANNEL_ID,
        time=dt.time(9, 0),
        timezone="UTC",
        topics=[],
        quiet=False,
        created_by=int(ALICE["id"]),
        now=START,
    )
    clock.now = dt.datetime(2025, 6, 2, 9, 30, tzinfo=UTC)  # due: the first loop round posts it by itself
    bot = await start_bot(wall_clock=clock, background=True)
    for _ in range(100):
        if discord_api.channel_messages:
            break
        await asyncio.sleep(0.05)
    assert len(discord_api.channel_messages) == 1
    sockets = len(discord_api.sockets)
    await discord_api.ask_to_reconnect()
    assert len(discord_api.sockets) == sockets + 1
    assert (await discord_api.command("help")).ephemeral  # interactions arrive on the new connection
    assert all(loop.is_running() for loop in bot.loops)
    assert (
        await bot.get_cog("Digest").post_due() == [] and len(discord_api.channel_messages) == 1
    )  # still once that day


@pytest.fixture
async def bad_site(site):
    add_failure_routes(site, PAGE)
    return await start_site(site)


@pytest.mark.parametrize(
    ("path", "answer"),
    [
        ("/slow", "the site took too long to answer"),
        ("/error", "the site answered HTTP 500"),
        ("/garbage", "no article text found"),
        ("/huge", "too large (over 5 MB)"),
        ("/loop", "too many redirects"),
        ("/to-private", "refused: 10.1.2.3 is a private address"),
    ],
)
async def test_bad_pages_are_reported_in_one_line_and_the_bot_goes_on(start, discord_api, bad_site, path, answer):
    await start(fetch_timeout_seconds=1)
    record = await discord_api.command("ingest", {"url": bad_site.url(path)})
    assert record.ephemeral and answer in record.message["content"] and "\n" not in record.message["content"]
    assert not (await discord_api.command("search", {"query": "THAAD"})).ephemeral  # still serving
