"""End-to-end fixtures: the stand-in for Discord and the real briefbot client logged in to it."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import discord
import pytest
import yarl

from bot.app import BriefBot, make_bot
from bot.cli import main
from bot.settings import Settings, open_services
from tests.bot.fake_discord import TOKEN, FakeDiscord
from tests.conftest import SEEDS


class Clock:
    """A clock the tests move by hand (for cooldowns)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def discord_api(monkeypatch):
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    yield fake
    await fake.stop()
    assert fake.violations == [], fake.violations
    assert fake.unexpected == [], fake.unexpected
    assert all(r.latency is None or r.latency < 3 for r in fake.interactions.values())


@pytest.fixture
def data_dir(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return tmp_path


@pytest.fixture
def make_settings(data_dir):
    def make(**overrides) -> Settings:
        values = {
            "seeds_dir": data_dir / "seeds",
            "data_dir": data_dir / "data",
            "discord_token": TOKEN,
            "search_cooldown_seconds": 0,
            "brief_cooldown_seconds": 0,
            **overrides,
        }
        return Settings(_env_file=None, **values)

    return make


@pytest.fixture
async def start_bot(discord_api, make_settings):
    """Start a BriefBot against the stand-in; returns it once it is ready. All are closed after the test."""
    running: list[BriefBot] = []

    async def start(clock=None, wall_clock=None, background=True, reranker=None, **overrides) -> BriefBot:
        settings = make_settings(**overrides)
        options = {"clock": wall_clock} if wall_clock else {}
        services = await asyncio.to_thread(open_services, settings, reranker=reranker, **options)
        options = {"cooldown_clock": clock} if clock else {}
        bot = make_bot(settings, services, guild_ready_timeout=0.01, background=background, **options)
        bot.runner = asyncio.create_task(bot.start(settings.discord_token.get_secret_value()))
        running.append(bot)
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        return bot

    yield start
    for bot in running:
        await bot.close()


@pytest.fixture
async def bot(start_bot):
    return await start_bot()


@pytest.fixture
def cli_seeds() -> Path:
    """The sources directory the ``cli`` fixture uses (a module may override it with a copy it changes)."""
    return SEEDS


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys, cli_seeds):
    """Run the CLI in an empty working directory with SEEDS_DIR/DATA_DIR set; returns (code, out, err)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEEDS_DIR", str(cli_seeds))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))

    def run(*argv):
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        return code, out, err

    return run
