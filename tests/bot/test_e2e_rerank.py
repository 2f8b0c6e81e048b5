"""The bot with semantic reranking: the model is loaded at start-up, off the event loop, and /search uses it."""

import asyncio
import sqlite3

from search.rerank import Reranker
from tests.conftest import full_id


async def test_the_bot_loads_the_model_before_it_connects_and_reranks_search(start_bot, discord_api, reranker):
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
    library = bot.services.library
    embedded = await asyncio.wait_for(bot._warming, 120)  # then every passage, in the background, kept on disk
    with sqlite3.connect(library.data_dir / "embeddings.sqlite3") as db:
        (stored,) = db.execute("SELECT count(*) FROM vectors").fetchone()
    assert embedded == len(library.corpus.passage_source) and stored >= embedded
