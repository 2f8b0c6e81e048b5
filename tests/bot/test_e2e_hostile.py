"""Hostile input through Discord: every answer is a short message, user input and page text make no masked link,
and nothing is left stored by a command that failed."""

import re

import pytest

from bot import replies
from tests.bot.fake_discord import GUILD_ID
from tests.conftest import start_site

EVIL = "[x](https://evil.example)"
MASKED_TO_EVIL = re.compile(r"(?<!\\)\[(?:[^\]\\]|\\.)*(?<!\\)\]\(\s*<?https?://evil")
APOLOGY = "something went wrong"
BODY = "Defense ministers agreed to expand the kestrel exercise next spring with a maritime phase near Jeju. " * 5


def text_of(record) -> str:
    """Everything a user reads in the answer and its follow-ups: content, embed titles, descriptions, fields."""
    parts = []
    for message in [record.message or {}, *record.followups]:
        parts.append(message.get("content") or "")
        for embed in message.get("embeds") or []:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields") or []]
    return "\n".join(parts)


def page(title: str, extra: str = "") -> str:
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><article><h1>{title}</h1><p>{BODY}{extra}</p></article></body></html>"


@pytest.fixture
async def web(site):
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>Kestrel</title>'
        "<link>http://a.example/x</link><guid>k1</guid><pubDate>0000-01-01T00:00:00Z</pubDate>"
        f"<description><![CDATA[<p>{BODY}</p>]]></description></item></channel></rss>"
    )
    site.serve("/year0.xml", rss, "application/rss+xml")
    site.serve("/evil", page(f"Kestrel {EVIL}"))
    for n in range(2):
        site.serve(f"/p{n}", page(f"Kestrel {n}", f" Item {n} says the partner talks continue."))
    return await start_site(site)


@pytest.fixture
async def fetching_bot(start_bot):
    return await start_bot(fetch_allow_networks="127.0.0.1/32")


async def added_id(discord_api, url: str) -> str:
    return text_of(await discord_api.command("ingest", {"url": url}, timeout=30)).split("`")[-2]


async def test_a_feed_item_dated_year_0_is_kept_undated(fetching_bot, discord_api, web):
    added = await discord_api.command("feed", {"url": web.url("/year0.xml")}, sub="add", timeout=30)
    assert "1 new item" in text_of(added)
    (source,) = [s for s in fetching_bot.services.library.sources(scope=GUILD_ID) if "kestrel" in s.title.lower()]
    assert source.published is None


async def test_a_host_name_too_long_to_encode_is_one_line_and_no_feed_is_left(bot, discord_api):
    host = "a" * 64 + ".example"
    feed = await discord_api.command("feed", {"url": f"http://{host}/feed"}, sub="add", timeout=30)
    ingest = await discord_api.command("ingest", {"url": f"http://{host}/page"}, timeout=30)
    for record in (feed, ingest):
        assert record.ephemeral and "could not find the host" in text_of(record) and APOLOGY not in text_of(record)
    assert "No feeds yet" in text_of(await discord_api.command("feed", {}, sub="list"))


@pytest.mark.parametrize("time", ["99999999999999999999:00", "9:99999999999999999999"])
async def test_a_digest_time_with_a_huge_number_gets_the_format_hint(bot, discord_api, time):
    record = await discord_api.command("digest", {"time": time, "timezone": "UTC"}, sub="subscribe")
    assert "HH:MM" in text_of(record)


async def test_removing_a_source_shows_its_title_literally(fetching_bot, discord_api, web):
    source_id = await added_id(discord_api, web.url("/evil"))
    removed = text_of(await discord_api.command("source-remove", {"id": source_id}))
    assert removed.startswith("Removed") and not MASKED_TO_EVIL.search(removed)


@pytest.mark.parametrize(
    ("name", "options", "sub"),
    [
        ("source", {"id": EVIL}, None),
        ("source-remove", {"id": EVIL}, None),
        ("search", {"query": "THAAD", "source": EVIL}, None),
        ("digest", {"time": EVIL, "timezone": "UTC"}, "subscribe"),
        ("digest", {"time": "09:00", "timezone": EVIL}, "subscribe"),
    ],
)
async def test_user_input_an_error_echoes_makes_no_masked_link(bot, discord_api, name, options, sub):
    answer = text_of(await discord_api.command(name, options, sub=sub))
    assert "evil.example" in answer and not MASKED_TO_EVIL.search(answer)


async def test_a_passage_button_shows_the_passage_it_cited_or_says_it_is_gone(fetching_bot, discord_api, web):
    ids = [await added_id(discord_api, web.url(f"/p{n}")) for n in range(2)]
    search = await discord_api.command("search", {"query": "partner talks continue", "limit": 1})
    cited = search.message["embeds"][0]["fields"][0]["value"].rsplit("`", 2)[-2]
    button = next(
        b["custom_id"] for row in search.message["components"] for b in row["components"] if b["label"] == "Passage 1"
    )
    shown = await discord_api.click(search.message, button)
    assert cited in shown.message["embeds"][0]["footer"]["text"]
    for source_id in ids:
        await discord_api.command("source-remove", {"id": source_id})
    gone = await discord_api.click(search.message, button)
    assert gone.ephemeral and "no longer in the library" in text_of(gone)


@pytest.mark.parametrize("options", [{"limit": 0}, {"limit": -1}, {"language": "xx"}])
async def test_option_values_discord_would_refuse_get_an_answer(bot, discord_api, options):
    """discord.py does not check ranges or choices (Discord does): a client that skips them gets an answer, and
    a limit below 1 no longer spins a worker thread forever."""
    record = await discord_api.command("search", {"query": "THAAD", **options}, timeout=10)
    assert APOLOGY not in text_of(record) and ("THAAD" in text_of(record) or "language" in text_of(record))


async def test_a_user_error_after_a_public_thinking_state_is_answered_privately(bot, discord_api, monkeypatch):
    """A search slow enough to be acknowledged publicly that then finds nothing: the answer is the asker's."""
    monkeypatch.setattr(replies, "DEFER_AFTER", 0.0)
    record = await discord_api.command("search", {"query": "zyzzogeton"})
    assert record.callback_type == 5 and not record.ephemeral  # the public "thinking…"
    assert record.message["flags"] & 64 and "Nothing in the library matches" in text_of(record)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("source", {"id": "no-such-source"}),
        ("brief", {"topic": "the of and"}),
    ],
)
async def test_source_and_brief_mistakes_after_a_public_thinking_state_are_private(
    bot, discord_api, monkeypatch, name, options
):
    """Checked after the public "thinking…" state (as when the library is slow): the answer is the asker's."""
    monkeypatch.setattr(replies, "DEFER_AFTER", 0.0)
    record = await discord_api.command(name, options)
    assert record.callback_type == 5 and not record.ephemeral
    assert record.message["flags"] & 64 and APOLOGY not in text_of(record)


async def test_a_slow_library_list_is_acknowledged_first(bot, discord_api, monkeypatch):
    monkeypatch.setattr(replies, "DEFER_AFTER", 0.0)
    record = await discord_api.command("sources")
    assert record.callback_type == 5 and "passages" in text_of(record) and not record.message["flags"] & 64


async def test_an_echoed_error_shows_markdown_literally(bot, discord_api):
    answer = text_of(await discord_api.command("source", {"id": "**bold** ||spoiler|| `code`"}))
    assert "bold" in answer and not re.search(r"(?<!\\)[*|`]", answer)
