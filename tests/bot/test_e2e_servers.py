"""Two servers on one bot, end to end: each server's pages, files and feeds are its own; the seed folder is
everyone's. The real client, the stand-in for Discord (which also serves attachments), a local web server."""

import asyncio
import datetime as dt
import json

import pytest
from aiohttp import web

from tests.bot.fake_discord import BOB, CHANNEL_ID, GUILD_ID, Channel
from tests.bot.test_e2e_growth import BODY, PAGE, RSS, START, clock, start  # noqa: F401 (fixtures)
from tests.conftest import start_site

A, B = GUILD_ID, GUILD_ID + 1
B_CHANNEL = CHANNEL_ID + 1
NOTE = b"Numbat briefing\n\n" + b"The numbat convoy reached the northern port, according to the logistics office. " * 4


def everything(record) -> str:
    """All a response shows: its message and follow-ups, as text."""
    return json.dumps([record.message, *record.followups])


@pytest.fixture
async def web_site(site):
    """A page, and a feed whose one item (full text) links elsewhere."""

    async def feed(request):
        return web.Response(text=RSS.format(url=site.url("/kestrel"), body=BODY), content_type="application/rss+xml")

    site.serve("/hotline", PAGE)
    site.route("/feed.xml", feed)
    return await start_site(site)


@pytest.fixture
async def desks(start, discord_api, web_site):  # noqa: F811
    """A bot where server A added a page, an attached file and a feed; B added nothing."""
    bot = await start()
    discord_api.channels.add(B_CHANNEL)
    page = await discord_api.command("ingest", {"url": web_site.url("/hotline")}, guild=A)
    note = discord_api.upload("numbat.txt", NOTE, "text/plain; charset=utf-8")
    attached = await discord_api.command("ingest", guild=A, attachments={"file": note})
    assert "Numbat briefing" in attached.message["content"], attached.message
    feed = await discord_api.command("feed", {"url": web_site.url("/feed.xml")}, sub="add", guild=A)
    assert feed.message["content"] == "Following feed #1: 1 new item(s) added."
    shared = {s.source_id for s in bot.services.library.sources()}
    ids = [s.source_id for s in bot.services.library.sources(scope=A) if s.source_id not in shared]
    assert len(ids) == 3 and sum(i.startswith("file-") for i in ids) == 1, ids
    assert page.ephemeral and "searchable here now" in page.message["content"]
    return bot, ids


async def test_a_servers_sources_are_invisible_to_another(desks, discord_api):
    bot, ids = desks
    for word in ("zephyrine", "numbat", "kestrel"):
        mine = await discord_api.command("search", {"query": word}, guild=A)
        assert not mine.ephemeral, word
        theirs = await discord_api.command("search", {"query": word}, guild=B)
        assert theirs.ephemeral and "Nothing in the library matches" in theirs.message["content"], word
    brief_a = await discord_api.command("brief", {"topic": "zephyrine protocol"}, guild=A)
    brief_b = await discord_api.command("brief", {"topic": "zephyrine protocol"}, guild=B)
    assert not brief_a.ephemeral and brief_b.ephemeral
    assert "zephyrine" in everything(brief_a) and not any(i in everything(brief_b) for i in ids)

    listed_a = await discord_api.command("sources", guild=A)
    listed_b = await discord_api.command("sources", guild=B)
    assert all(i in everything(listed_a) for i in ids) and not any(i in everything(listed_b) for i in ids)
    for typed in ("web-", "file-", "Numbat", "Kestrel", "Allies"):
        choices_b = await discord_api.autocomplete("source", {"id": typed}, "id", guild=B)
        assert not any(c["value"] in ids for c in choices_b), typed
    choices_a = await discord_api.autocomplete("source", {"id": "Numbat"}, "id", guild=A)
    assert choices_a and choices_a[0]["value"] in ids
    shown = await discord_api.command("source", {"id": ids[0]}, guild=B)
    assert shown.ephemeral and "No source with id" in shown.message["content"]
    choices_b = await discord_api.autocomplete("search", {"query": "x", "source": "web-"}, "source", guild=B)
    assert not any(c["value"] in ids for c in choices_b)

    # the seed folder is everyone's
    for guild in (A, B):
        assert not (await discord_api.command("search", {"query": "THAAD"}, guild=guild)).ephemeral


async def test_feeds_and_status_are_the_servers_own_and_private(desks, discord_api):
    _, ids = desks
    feeds_a = await discord_api.command("feed", sub="list", guild=A)
    feeds_b = await discord_api.command("feed", sub="list", guild=B)
    assert "feed.xml" in everything(feeds_a) and "feed.xml" not in everything(feeds_b)
    status_b = await discord_api.command("sources", {"status": True}, guild=B)
    assert status_b.ephemeral and "0 feed(s)" in everything(status_b) and "feed.xml" not in everything(status_b)
    assert not any(i in everything(status_b) for i in ids)
    status_a = await discord_api.command("sources", {"status": True}, guild=A)
    assert status_a.ephemeral and "feed.xml" in everything(status_a)
    member = await discord_api.command("sources", {"status": True}, user=BOB, permissions="0", guild=A)
    assert member.ephemeral and member.message["content"] == "You need the Manage Server permission for that."
    listed = await discord_api.command("feed", sub="list", user=BOB, permissions="0", guild=A)
    assert "feed.xml" not in everything(listed)


async def test_a_server_cannot_remove_another_servers_feed_or_source(desks, discord_api):
    bot, ids = desks
    removed = await discord_api.command("feed", {"id": 1}, sub="remove", guild=B)
    assert removed.message["content"] == "This server follows no feed #1. See /feed list."
    for source_id in ids:
        refused = await discord_api.command("source-remove", {"id": source_id}, guild=B)
        assert refused.ephemeral and "No source with id" in refused.message["content"]
    seed = bot.services.library.sources()[0].source_id
    refused = await discord_api.command("source-remove", {"id": seed}, guild=A)
    assert "seed folder" in refused.message["content"]
    member = await discord_api.command("source-remove", {"id": ids[0]}, user=BOB, permissions="0", guild=A)
    assert member.message["content"] == "You need the Manage Server permission for that."
    assert "feed.xml" in everything(await discord_api.command("feed", sub="list", guild=A))

    page = next(
        i for i in ids if i.startswith("web-") and "zephyrine" in bot.services.library.source_info(i, scope=A).title
    )
    gone = await discord_api.command("source-remove", {"id": page}, guild=A)
    assert gone.ephemeral and gone.message["content"].startswith("Removed “Allies open")
    assert (await discord_api.command("search", {"query": "zephyrine"}, guild=A)).ephemeral


async def test_digests_cover_the_servers_own_and_the_shared_new_sources(desks, discord_api, clock):  # noqa: F811
    bot, _ = desks
    for guild, channel in ((A, CHANNEL_ID), (B, B_CHANNEL)):
        options = {"time": "09:00", "timezone": "UTC", "channel": Channel(channel)}
        record = await discord_api.command("digest", options, sub="subscribe", guild=guild)
        assert record.message["content"].startswith("Digest #"), record.message
    clock.now = START + dt.timedelta(minutes=5)
    for guild, animal in ((A, b"Quokka"), (B, b"Wombat")):
        memo = animal + b" memo\n\n" + b"The " + animal.lower() + b" plan was approved by the ministry on Friday. " * 4
        upload = discord_api.upload(f"{animal.decode().lower()}.md", memo, "text/markdown")
        assert (await discord_api.command("ingest", guild=guild, attachments={"file": upload})).ephemeral
    library = bot.services.library
    (library.seeds_dir / "osprey.txt").write_text("Osprey survey\n\n" + "The osprey survey counted nests. " * 6)
    assert await asyncio.to_thread(library.refresh_seeds)

    clock.now = START.replace(hour=9)
    assert sorted(await bot.get_cog("Digest").post_due()) == [1, 2]
    posted = {int(m["channel_id"]): json.dumps(m) for m in discord_api.channel_messages}
    assert "quokka plan" in posted[CHANNEL_ID] and "wombat" not in posted[CHANNEL_ID]
    assert "wombat plan" in posted[B_CHANNEL] and "quokka" not in posted[B_CHANNEL]
    assert "Osprey survey" in posted[CHANNEL_ID] and "Osprey survey" in posted[B_CHANNEL]
