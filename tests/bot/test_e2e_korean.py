"""The Korean model is loaded off the event loop: during start-up when the library holds Korean sources, never
for an English-only library, and a Korean /brief or /digest topic is analysed in a worker thread."""

from __future__ import annotations

import asyncio
import shutil
import threading

import pytest

from bot.app import BriefBot
from bot.settings import open_services
from search import analyze
from tests.search.test_cjk import FIXTURES


class _FakeKiwi:
    def tokenize(self, text):
        return []


@pytest.fixture
def kiwi_loads(monkeypatch):
    """The threads that asked for the Korean model, from now on (a stand-in model: nothing is loaded)."""
    threads: list[threading.Thread] = []

    def load():
        threads.append(threading.current_thread())
        return _FakeKiwi()

    monkeypatch.setattr(analyze, "_kiwi", load)
    return threads


async def _start(make_settings, kiwi_loads) -> BriefBot:
    settings = make_settings()
    services = await asyncio.to_thread(open_services, settings)  # builds the index: analyses every source
    kiwi_loads.clear()
    bot = BriefBot(settings, services, guild_ready_timeout=0.01, background=False)
    bot.runner = asyncio.create_task(bot.start(settings.discord_token.get_secret_value()))
    await asyncio.wait_for(bot.wait_until_ready(), 10)
    return bot


async def test_a_library_with_korean_sources_loads_the_model_in_a_thread_at_start_up(
    discord_api, make_settings, data_dir, kiwi_loads
):
    for path in FIXTURES.glob("ko_*.txt"):
        shutil.copy(path, data_dir / "seeds" / path.name)
    bot = await _start(make_settings, kiwi_loads)
    try:
        assert kiwi_loads and threading.main_thread() not in kiwi_loads
    finally:
        await bot.close()


async def test_an_english_library_does_not_load_the_model_and_korean_topics_load_it_off_the_loop(
    discord_api, make_settings, kiwi_loads
):
    bot = await _start(make_settings, kiwi_loads)
    try:
        assert kiwi_loads == []
        await discord_api.command("brief", {"topic": "사드를"})
        await discord_api.command("digest", {"time": "09:00", "timezone": "UTC", "topics": "사드"}, sub="subscribe")
        await discord_api.command("digest", {"topics": "배치"}, sub="preview")
        assert len(kiwi_loads) == 3 and threading.main_thread() not in kiwi_loads
    finally:
        await bot.close()


def test_warming_loads_the_korean_model():
    assert analyze.warm_korean() is True
    assert analyze._kiwi.cache_info().currsize == 1
