"""Two real bot processes (``python -m bot``), shards 0 and 1 of 2, each with its own data directory, against
one stand-in Discord."""

import asyncio
import datetime as dt

import pytest

from search.store import Store
from tests.bot.fake_discord import CHANNEL_ID, GUILD_ID
from tests.bot.processes import BotProcess, eventually

A = GUILD_ID  # on shard 1 of 2
B = GUILD_ID + (1 << 22)  # on shard 0 of 2


@pytest.fixture
async def cluster(discord_api, tmp_path, seeds):
    """The two processes (not started; stopped after the test); the stand-in knows both servers."""
    discord_api.guilds = [A, B]
    processes = [BotProcess(discord_api, tmp_path / f"shard-{i}", seeds, str(i), SHARD_COUNT="2") for i in (0, 1)]
    yield processes
    await asyncio.gather(*(p.stop() for p in processes))


async def start(processes: list[BotProcess]) -> None:
    await asyncio.gather(*(p.start() for p in processes))


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


def posted_to(discord_api, channel: int) -> list[dict]:
    return [m for m in discord_api.channel_messages if int(m["channel_id"]) == channel]


async def test_each_process_answers_the_servers_of_its_shard(cluster, discord_api):
    await start(cluster)
    assert discord_api.shard_connections() == {(0, 2), (1, 2)}
    for guild in (A, B):
        record = await discord_api.command("search", {"query": "THAAD"}, guild=guild)
        assert record.message["embeds"], record.message


async def test_a_process_killed_mid_digest_posts_nothing_twice(cluster, discord_api):
    shard_one = cluster[1]
    first, second = CHANNEL_ID + 10, CHANNEL_ID + 11
    discord_api.channels |= {first, second}
    discord_api.slow_channels[first] = 60  # the message is posted, the answer never comes in time
    store = Store(shard_one.workdir / "data" / "briefbot.sqlite3")
    subscribe_due(store, A, first)
    await start(cluster)
    await eventually(lambda: posted_to(discord_api, first), 20, "the digest's first message posted")
    await shard_one.kill()
    discord_api.slow_channels.clear()
    subscribe_due(store, A, second)  # posted in the restarted process's first round, after the first one's turn
    await shard_one.start()
    await eventually(lambda: posted_to(discord_api, second), 20, "the second digest posted")
    assert len(posted_to(discord_api, first)) == 1
