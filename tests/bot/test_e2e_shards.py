"""Sharding in one process: the stand-in routes each server's events to the connection of its shard, a bot
on some shards does the work of their servers only, and ``SHARD_COUNT=auto`` runs every shard Discord
recommends. (Several processes: test_e2e_processes.py.)"""

import pytest

from bot.app import ShardedBriefBot
from tests.bot.fake_discord import CHANNEL_ID, GUILD_ID, Channel
from tests.bot.test_e2e_growth import RSS, START, clock, start  # noqa: F401 (fixtures)
from tests.conftest import start_site

A = GUILD_ID  # on shard 1 of 2
B = GUILD_ID + (1 << 22)  # on shard 0 of 2
B_CHANNEL = CHANNEL_ID + 1


@pytest.fixture
async def feeds_site(site):
    """One feed per server, with one full-text item each."""
    for name in ("a", "b", "shared"):
        body = f"The {name} desk reports that the harbour survey is complete and the results are published. " * 8
        item = RSS.format(url=site.url(f"/{name}-item"), body=body)
        site.serve(f"/{name}.xml", item.replace("<guid>k1</guid>", f"<guid>{name}</guid>"), "application/rss+xml")
    return await start_site(site)


async def test_each_shard_does_the_work_of_its_servers(start, discord_api, clock, feeds_site):  # noqa: F811
    discord_api.guilds = [A, B]
    discord_api.channels.add(B_CHANNEL)
    zero = await start(shard_count=2, shard_ids=[0])
    one = await start(shard_count=2, shard_ids=[1])
    assert isinstance(zero, ShardedBriefBot) and discord_api.shard_connections() == {(0, 2), (1, 2)}

    for guild, channel in ((A, CHANNEL_ID), (B, B_CHANNEL)):
        options = {"time": "09:00", "timezone": "UTC", "channel": Channel(channel)}
        record = await discord_api.command("digest", options, sub="subscribe", guild=guild)
        assert record.message["content"].startswith("Digest #"), record.message
        name = "a" if guild == A else "b"
        record = await discord_api.command("feed", {"url": feeds_site.url(f"/{name}.xml")}, sub="add", guild=guild)
        assert "Following feed" in record.message["content"], record.message
    await one.services.feeds.follow(feeds_site.url("/shared.xml"), None)  # the operator's

    clock.now = START.replace(hour=9)
    assert await zero.get_cog("Digest").post_due() == [2]  # B's subscription, made second
    assert [int(m["channel_id"]) for m in discord_api.channel_messages] == [B_CHANNEL]
    assert await one.get_cog("Digest").post_due() == [1]
    assert [int(m["channel_id"]) for m in discord_api.channel_messages] == [B_CHANNEL, CHANNEL_ID]

    hits = dict(feeds_site.hits)
    polled = [r.feed.url.rsplit("/", 1)[1] for r in await zero.services.feeds.poll_due(shards=zero.settings.shards)]
    assert sorted(polled) == ["b.xml", "shared.xml"]
    polled = [r.feed.url.rsplit("/", 1)[1] for r in await one.services.feeds.poll_due(shards=one.settings.shards)]
    assert polled == ["a.xml"]  # the shared feed was polled just now, by the other shard
    assert feeds_site.hits["/a.xml"] == hits["/a.xml"] + 1 and feeds_site.hits["/b.xml"] == hits["/b.xml"] + 1


@pytest.mark.parametrize("count", ["auto", 2])
async def test_a_count_alone_runs_every_shard_in_this_process(start, discord_api, monkeypatch, count):  # noqa: F811
    """SHARD_COUNT alone (a number, or ``auto``: as many as Discord recommends): every shard, in this process."""

    async def at_once(self, shard_id, *, initial=False):
        """The stand-in does not rate-limit IDENTIFY: no 5 s between shards, as discord.py waits for Discord."""

    monkeypatch.setattr(ShardedBriefBot, "before_identify_hook", at_once)
    discord_api.guilds = [A, B]
    discord_api.recommended_shards = 2
    bot = await start(shard_count=count)
    assert bot.shard_count == 2 and discord_api.shard_connections() == {(0, 2), (1, 2)}
    for guild in (A, B):
        record = await discord_api.command("search", {"query": "THAAD"}, guild=guild)
        assert record.message["embeds"], record.message


async def test_without_shard_settings_the_bot_is_unsharded(start, discord_api):  # noqa: F811
    bot = await start()
    assert not isinstance(bot, ShardedBriefBot) and discord_api.shard_connections() == {(0, 1)}
