"""The bot with semantic reranking: the model is loaded at start-up, off the event loop, and /search uses it."""

import asyncio
import contextlib
import sqlite3

from search.rerank import Reranker
from tests.conftest import full_id
from tests.search.test_digest import add_story


async def test_the_bot_loads_the_model_before_it_connects_and_reranks_search(
    start_bot, discord_api, reranker, monkeypatch
):
    monkeypatch.setattr("bot.app.WARM_SECONDS", 0.2)  # how often it looks for new passages to embed
    await asyncio.to_thread(reranker.load)  # the real model, loaded once for the whole test run
    made = []

    def encoder():
        made.append(True)
        return reranker.load()

    bot = await start_bot(reranker=Reranker(encoder=encoder))
    assert made == [True]  # in setup_hook, before the gateway connected
    record = await discord_api.command("search", {"query": "security dilemma North Korea", "limit": 5})
    (embed,) = record.message["embeds"]
    passage = full_id("004:p5")  # "insecurity about regime survival": no word of the query but North Korea
    assert any(f"`{passage}`" in field["value"] for field in embed["fields"]), embed["fields"]
    assert made == [True]
    library = bot.services.library  # then every passage, in the background, kept on disk
    await asyncio.wait_for(stored(library, len(library.corpus.passage_source)), 120)
    add_story(library, "warm", "Allies weighed the cost of the new basing plan.\n\n" * 3, "example.org")
    await asyncio.wait_for(stored(library, len(library.corpus.passage_source)), 30)  # a new source's passages too


async def stored(library, count: int) -> None:
    """Wait until the library's embeddings file holds at least ``count`` vectors."""
    path = library.data_dir / "embeddings.sqlite3"
    while True:
        with (
            contextlib.suppress(sqlite3.OperationalError),  # not made yet
            contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db,
        ):
            if db.execute("SELECT count(*) FROM vectors").fetchone()[0] >= count:
                return
        await asyncio.sleep(0.2)
