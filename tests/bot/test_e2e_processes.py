"""Two real bot processes, shards 0 and 1 of 2, against one stand-in Discord."""

import asyncio

import pytest

from tests.bot.fake_discord import GUILD_ID
from tests.bot.processes import BotProcess

A = GUILD_ID  # on shard 1 of 2
B = GUILD_ID + (1 << 22)  # on shard 0 of 2


@pytest.fixture
async def processes(discord_api, tmp_path, seeds):
    discord_api.guilds = [A, B]
    started = [BotProcess(discord_api, tmp_path / f"shard-{i}", seeds, str(i), SHARD_COUNT="2") for i in (0, 1)]
    times = await asyncio.gather(*(p.start() for p in started))
    print("started in", times)
    yield started
    await asyncio.gather(*(p.stop() for p in started))


async def test_each_process_answers_the_servers_of_its_shard(processes, discord_api):
    assert discord_api.shard_connections() == {(0, 2), (1, 2)}
    for guild in (A, B):
        record = await discord_api.command("search", {"query": "THAAD"}, guild=guild)
        assert record.message["embeds"], record.message
