"""Weekly and hourly digests end to end: once per period, across restarts, on a clock the test moves."""

import datetime as dt

from tests.bot.test_e2e_growth import clock, start  # noqa: F401 (fixtures)

UTC = dt.UTC
MONDAY = dt.datetime(2025, 6, 2, 0, 0, tzinfo=UTC)  # START in the growth tests is a Monday


async def command(discord_api, **options):
    record = await discord_api.command("digest", options, sub="subscribe")
    return record.message["content"]


async def post_after_restart(start, bot, moment, clock):  # noqa: F811
    """Stop ``bot``, move the clock, start another one and let it post what is due."""
    await bot.close()
    clock.now = moment
    bot = await start()
    return bot, await bot.get_cog("Digest").post_due()


async def test_a_weekly_digest_posts_once_a_week_across_restarts(start, discord_api, clock):  # noqa: F811
    bot = await start()
    answer = await command(discord_api, time="09:00", timezone="UTC", frequency="weekly", weekday="Wednesday")
    assert "every Wednesday at 09:00 UTC" in answer
    bot, posted = await post_after_restart(start, bot, MONDAY.replace(hour=9), clock)
    assert posted == []  # a Monday
    bot, posted = await post_after_restart(start, bot, dt.datetime(2025, 6, 4, 9, 30, tzinfo=UTC), clock)
    assert posted == [1]
    bot, posted = await post_after_restart(start, bot, dt.datetime(2025, 6, 4, 10, 0, tzinfo=UTC), clock)
    assert posted == []  # the same week, after a restart
    for day in (5, 6, 7, 8, 9, 10):
        clock.now = dt.datetime(2025, 6, day, 9, 0, tzinfo=UTC)
        assert await bot.get_cog("Digest").post_due() == []
    bot, posted = await post_after_restart(start, bot, dt.datetime(2025, 6, 11, 9, 0, tzinfo=UTC), clock)
    assert posted == [1]
    headings = [m["embeds"][0]["title"] for m in discord_api.channel_messages]
    assert headings == ["Weekly digest · Wed 04 Jun 2025", "Weekly digest · Wed 11 Jun 2025"]


async def test_an_hourly_digest_posts_once_an_hour_across_restarts(start, discord_api, clock):  # noqa: F811
    bot = await start()
    answer = await command(discord_api, time="00:30", timezone="Asia/Seoul", frequency="hourly")
    assert "every hour at :30 past (Asia/Seoul)" in answer
    clock.now = MONDAY.replace(minute=30)
    assert await bot.get_cog("Digest").post_due() == [1]
    bot, posted = await post_after_restart(start, bot, MONDAY.replace(minute=59), clock)
    assert posted == []  # the same hour, after a restart
    bot, posted = await post_after_restart(start, bot, MONDAY.replace(hour=1, minute=31), clock)
    assert posted == [1]
    clock.now = MONDAY.replace(hour=3, minute=40)  # down from 01:31 to 03:40: only the last hour's is posted
    assert await bot.get_cog("Digest").post_due() == [1]
    assert await bot.get_cog("Digest").post_due() == []
    headings = [m["embeds"][0]["title"] for m in discord_api.channel_messages]
    assert headings == [
        "Hourly digest · Mon 02 Jun 2025 09:30",
        "Hourly digest · Mon 02 Jun 2025 10:30",
        "Hourly digest · Mon 02 Jun 2025 12:30",
    ]


async def test_frequency_options_are_checked(start, discord_api):  # noqa: F811
    await start()
    assert "needs a weekday" in await command(discord_api, time="09:00", timezone="UTC", frequency="weekly")
    answer = await command(discord_api, time="09:00", timezone="UTC", weekday="Monday")
    assert answer == "Only a weekly digest takes a weekday."
    listed = await discord_api.command("digest", sub="list")
    assert "None yet" in listed.message["embeds"][0]["description"]
