"""The real discord.py client against the stand-in for Discord: every command, button and failure path.

The ``discord_api`` fixture fails a test afterwards if any body broke a Discord limit, any message allowed
a mention, any acknowledgement took 3 s or more, or the bot called a route the stand-in does not know.
"""

import asyncio
import logging
import os
import subprocess
import sys
from urllib.parse import urlsplit

from bot.__main__ import REJECTED_TOKEN, run
from bot.app import BriefBot
from bot.settings import open_services
from search.brief import normalize_space
from tests.bot.conftest import Clock
from tests.bot.fake_discord import ALICE, BOB, EPHEMERAL, GUILD_ID
from tests.conftest import ROOT


def buttons(message: dict) -> dict[str, dict]:
    """custom_id -> button, for every button on a message."""
    return {b["custom_id"]: b for row in message["components"] for b in row["components"] if "custom_id" in b}


def button(message: dict, label: str) -> str:
    return next(cid for cid, b in buttons(message).items() if b["label"] == label)


async def test_commands_sync_globally_once_then_only_when_changed(start_bot, discord_api):
    first = await start_bot()
    assert first.synced == "global" and discord_api.sync_requests == ["global"]
    names = {c["name"] for c in discord_api.commands["global"]}
    assert names == {"search", "brief", "sources", "source", "source-remove", "help", "ingest", "feed", "digest"}
    await first.close()
    second = await start_bot()
    assert second.synced == "unchanged" and discord_api.sync_requests == ["global"]


async def test_a_development_guild_gets_its_commands_at_once(start_bot, discord_api):
    bot = await start_bot(discord_guild_id=GUILD_ID)
    assert bot.synced == "guild" and discord_api.sync_requests == [str(GUILD_ID)]


async def test_search_shows_ranked_cited_excerpts(bot, discord_api):
    record = await discord_api.command("search", {"query": "trilateral cooperation", "limit": 3})
    assert record.callback_type == 4 and not record.ephemeral
    (embed,) = record.message["embeds"]
    assert embed["title"] == "Search: trilateral cooperation" and len(embed["fields"]) == 3
    assert embed["fields"][0]["name"].startswith("1. ")
    assert all("**" in f["value"] and "`0" in f["value"] for f in embed["fields"])
    assert embed["footer"]["text"].startswith("Page 1/")
    labels = [b["label"] for b in buttons(record.message).values()]
    assert labels == ["◀ Prev", "Next ▶", "Passage 1", "Passage 2", "Passage 3"]
    assert buttons(record.message)[button(record.message, "◀ Prev")]["disabled"]


async def test_search_with_a_source_filter(bot, discord_api):
    sid = "002_ec1278886a36e2bd"
    record = await discord_api.command("search", {"query": "alliance", "source": sid, "limit": 10})
    fields = record.message["embeds"][0]["fields"]
    assert fields and all(f"`{sid}:p" in f["value"] for f in fields)


async def test_search_with_a_language_filter(bot, discord_api):
    english = await discord_api.command("search", {"query": "THAAD", "language": "en"})
    assert not english.ephemeral and english.message["embeds"][0]["description"].endswith("· English")
    japanese = await discord_api.command("search", {"query": "THAAD", "language": "ja"})
    assert japanese.ephemeral and "with those filters" in japanese.message["content"]


async def test_search_without_results_answers_privately_in_one_line(bot, discord_api):
    for query in ("Blinken", "the of and", "🙂"):
        record = await discord_api.command("search", {"query": query})
        assert record.ephemeral and record.message["embeds"] == [] and "\n" not in record.message["content"]


async def test_an_everyone_query_pings_nobody(bot, discord_api):
    record = await discord_api.command("search", {"query": "@everyone @here trilateral"})
    assert "@everyone" in record.message["embeds"][0]["title"]
    assert discord_api.bodies and all(b["allowed_mentions"] == {"parse": []} for b in discord_api.bodies)


async def test_paging_by_the_owner_by_someone_else_and_after_a_restart(start_bot, discord_api):
    bot = await start_bot()
    first = await discord_api.command("search", {"query": "China", "limit": 2})
    page2 = await discord_api.click(first.message, button(first.message, "Next ▶"))
    assert page2.callback_type == 7 and page2.message["embeds"][0]["footer"]["text"].startswith("Page 2/")
    assert page2.message["embeds"][0]["fields"][0]["name"].startswith("3. ")

    intruder = await discord_api.click(page2.message, button(page2.message, "Next ▶"), user=BOB)
    assert intruder.ephemeral and "Only the person who ran this search" in intruder.message["content"]

    await bot.close()
    restarted = await start_bot()
    assert restarted is not bot
    page3 = await discord_api.click(page2.message, button(page2.message, "Next ▶"))
    assert page3.callback_type == 7 and page3.message["embeds"][0]["footer"]["text"].startswith("Page 3/")
    back = await discord_api.click(page3.message, button(page3.message, "◀ Prev"))
    assert back.message["embeds"][0]["footer"]["text"].startswith("Page 2/")


async def test_show_passage_gives_the_whole_passage_privately(bot, discord_api):
    record = await discord_api.command("search", {"query": "Dokdo"})
    shown = await discord_api.click(record.message, button(record.message, "Passage 1"), user=BOB)
    (embed,) = shown.message["embeds"]
    assert shown.ephemeral and "Dokdo" in embed["description"] and embed["footer"]["text"].endswith(":p7")


async def test_brief_quotes_with_citations_in_the_channel(bot, discord_api):
    record = await discord_api.command("brief", {"topic": "trilateral"})
    assert record.callback_type in (4, 5) and not record.ephemeral and not record.message.get("flags")
    (embed,) = record.message["embeds"]
    assert embed["title"] == "Brief: trilateral" and "[1]" in embed["description"]
    sources = "\n".join(f["value"] for f in embed["fields"])
    cited = bot.services.library.brief("trilateral").citations
    assert sources.count("**[") >= 3 and all(urlsplit(c.url).hostname in sources for c in cited if c.url)
    corpus = " ".join(normalize_space(p.text) for p in bot.services.library.corpus.passages)
    for paragraph in embed["description"].split("\n\n"):
        sentence = paragraph.rsplit(" [", 1)[0].split(" [")[0].replace("\\", "")
        assert sentence in corpus


async def test_a_brief_with_no_sentence_about_the_whole_topic_answers_privately(bot, discord_api):
    record = await discord_api.command("brief", {"topic": "@everyone trilateral"})
    assert record.ephemeral and record.message["flags"] & 64
    assert "“everyone”" in record.message["embeds"][0]["description"]


async def test_brief_without_matches_suggests_privately(bot, discord_api):
    record = await discord_api.command("brief", {"topic": "thad"})
    assert record.callback_type == 4 and record.ephemeral
    assert "Did you mean: THAAD?" in record.message["embeds"][0]["description"]
    stop = await discord_api.command("brief", {"topic": "the and"})
    assert stop.ephemeral and "too common" in stop.message["content"]


async def test_sources_lists_the_library(bot, discord_api):
    record = await discord_api.command("sources")
    (embed,) = record.message["embeds"]
    assert len(embed["fields"]) == 5 and record.message["components"] == []
    assert "53 passages" in embed["description"]


async def test_sources_paginate_when_long(start_bot, discord_api, data_dir):
    for i in range(6):
        (data_dir / "seeds" / f"extra{i}.txt").write_text(f"Extra {i}\n" + "Alliance talks went on today. " * 9)
    await start_bot()
    record = await discord_api.command("sources")
    assert record.message["embeds"][0]["footer"]["text"].startswith("Page 1/2")
    other = await discord_api.click(record.message, button(record.message, "Next ▶"), user=BOB)
    assert other.ephemeral
    page2 = await discord_api.click(record.message, button(record.message, "Next ▶"))
    assert page2.message["embeds"][0]["footer"]["text"].startswith("Page 2/2")


async def test_source_autocomplete_and_details(bot, discord_api):
    choices = await discord_api.autocomplete("source", {"id": "shortsi"}, focused="id")
    assert 1 <= len(choices) <= 25 and choices[0]["value"] == "004_698c3ea95e86228a"
    everything = await discord_api.autocomplete("search", {"query": "x", "source": ""}, focused="source")
    assert len(everything) == 5
    record = await discord_api.command("source", {"id": choices[0]["value"]})
    (embed,) = record.message["embeds"]
    assert embed["title"] == "The shortsighted US-Japan-South Korea military pact"
    assert embed["footer"]["text"].startswith("004_698c3ea95e86228a") and len(embed["description"]) > 100
    unknown = await discord_api.command("source", {"id": "nope"})
    assert unknown.ephemeral and unknown.message["content"].startswith("No source with id 'nope'")


async def test_help_lists_every_command(bot, discord_api):
    record = await discord_api.command("help")
    names = [f["name"].split()[0] for f in record.message["embeds"][0]["fields"]]
    assert record.ephemeral and names == [
        "/search",
        "/brief",
        "/sources",
        "/source",
        "/sources",
        "/digest",
        "/ingest",
        "/feed",
        "/source-remove",
        "/help",
    ]
    assert "shared by every server" in record.message["embeds"][0]["description"]


async def test_cooldowns_say_when_to_retry(start_bot, discord_api):
    clock = Clock()
    await start_bot(clock=clock, search_cooldown_seconds=5, brief_cooldown_seconds=30)
    assert not (await discord_api.command("search", {"query": "THAAD"})).ephemeral
    blocked = await discord_api.command("search", {"query": "THAAD"})
    assert blocked.ephemeral and blocked.message["content"] == "You can search again in 5 s."
    assert not (await discord_api.command("search", {"query": "THAAD"}, user=BOB)).ephemeral  # per user
    clock.now += 5
    assert not (await discord_api.command("search", {"query": "THAAD"})).ephemeral
    await discord_api.command("brief", {"topic": "Taiwan"})
    clock.now += 10
    again = await discord_api.command("brief", {"topic": "Taiwan"})
    assert again.message["content"] == "You can ask for a brief again in 20 s."


async def test_unexpected_errors_apologise_with_an_id_and_log_the_traceback(bot, discord_api, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(bot.services.library, "search", broken)
    with caplog.at_level(logging.ERROR):
        record = await discord_api.command("search", {"query": "THAAD"})
    assert record.ephemeral and record.message["content"].startswith("Sorry, something went wrong")
    error_id = record.message["content"].split("`")[1]
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info and "index exploded" in str(logged[0].exc_info[1])


async def test_acknowledgements_are_fast(bot, discord_api):
    for name, options in (("search", {"query": "THAAD"}), ("brief", {"topic": "USFK"}), ("sources", {})):
        record = await discord_api.command(name, options)
        assert record.latency < 1.0, (name, record.latency)


async def test_a_rejected_token_is_one_clear_line(discord_api, make_settings, capsys):
    settings = make_settings()
    services = await asyncio.to_thread(open_services, settings)
    code = await run(BriefBot(settings, services), "not-the-token")
    assert code == 1 and capsys.readouterr().err.strip() == REJECTED_TOKEN


def test_a_missing_token_is_one_clear_line_and_no_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD")}
    env.update(DISCORD_TOKEN="", SEEDS_DIR=str(ROOT / "seeds"), DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("briefbot: DISCORD_TOKEN is not set") and len(done.stderr.splitlines()) == 1


def test_the_token_never_appears_in_settings_output(make_settings):
    settings = make_settings()
    assert "stand-in-token" not in repr(settings) and "stand-in-token" not in str(settings.model_dump())
    assert EPHEMERAL == 64 and ALICE["id"] != BOB["id"]


async def test_start_up_logs_no_warnings_that_do_not_apply(start_bot, caplog):
    with caplog.at_level(logging.WARNING):
        await start_bot()
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_the_search_query_is_limited_to_what_the_library_accepts(bot, discord_api):
    (search,) = [c for c in discord_api.commands["global"] if c["name"] == "search"]
    query = next(o for o in search["options"] if o["name"] == "query")
    assert query["max_length"] == 500


async def test_an_expired_interaction_is_one_log_line_not_a_cascade(bot, discord_api, caplog):
    record = discord_api.command_interaction("help")
    record.created -= 5  # Discord's 3 s have passed: every answer gets 10062 Unknown interaction
    with caplog.at_level(logging.WARNING):
        await discord_api.dispatch("INTERACTION_CREATE", record.payload)
        for _ in range(100):
            if any("expired" in r.getMessage() for r in caplog.records):
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)  # room for any further complaint
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert messages == ["/help expired before it was answered"], messages
    assert not any(r.exc_info for r in caplog.records)
