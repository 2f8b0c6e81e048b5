"""Rendering results as Discord embeds: pure functions, within Discord's limits by construction.

Every text that could be long is cut with ``clip`` (at a sentence end when one is near, else at a word
boundary, always with "…"), and ``fit`` trims a message's embeds to the 6,000-character total.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import discord

from bot.text import moment
from search.brief import Brief
from search.digest import Digest
from search.language import language_name
from search.markup import escape_markdown, inline_code, plain_url
from search.models import Hit, Passage, SearchResult, SourceInfo
from search.schedule import WEEKDAYS
from search.store import Feed, Subscription

TITLE = 256
DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FIELDS = 25
FOOTER = 2048
AUTHOR = 256
MESSAGE_TOTAL = 6000
CONTENT = 2000
COLOR = discord.Colour.from_rgb(47, 111, 171)
SOURCES_PER_PAGE = 8
META_PART = 120  # characters of an outlet name on a citation line
LINK_IN_TEXT = 400  # the longest link put in a citation line


def clip(text: str, limit: int) -> str:
    """``text`` if it fits, else cut at a sentence end (if one is in the last 40%) or a word boundary + "…"."""
    if len(text) <= limit:
        return text
    room = text[: limit - 1]
    sentence_end = max(room.rfind(". "), room.rfind("! "), room.rfind("? "), room.rfind("\n"))
    if sentence_end >= limit * 0.6:
        cut = room[: sentence_end + 1].rstrip()
        return f"{cut} …" if len(cut) + 2 <= limit else f"{cut}…"
    space = room.rfind(" ")
    cut = room[:space] if space > 0 else room
    return cut.rstrip(" ,;:-") + "…"


def title(text: str, limit: int) -> str:
    """A title or field name from source (or user) text: markdown shown literally, within ``limit``, never blank
    (Discord refuses an empty field name)."""
    return clip(escape_markdown(text), limit) if text.strip() else "Untitled"


def embed_length(embed: discord.Embed) -> int:
    """What Discord counts toward the 6,000-character total."""
    total = len(embed.title or "") + len(embed.description or "")
    total += sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    total += len(embed.footer.text or "") + len(embed.author.name or "")
    return total


def fit(embeds: list[discord.Embed], notice: str = "…more on the next page") -> list[discord.Embed]:
    """Drop trailing fields (then clip the last description) until the message is within 6,000 characters."""
    while sum(map(embed_length, embeds)) > MESSAGE_TOTAL:
        last = embeds[-1]
        if len(last.fields) > 1:
            last.remove_field(len(last.fields) - 1)
            if last.footer.text and notice not in last.footer.text:
                last.set_footer(text=clip(f"{last.footer.text} · {notice}", FOOTER))
        else:
            excess = sum(map(embed_length, embeds)) - MESSAGE_TOTAL
            last.description = clip(last.description or "", max(1, len(last.description or "") - excess - 2))
            if last.fields and embed_length(last) > MESSAGE_TOTAL:
                last.clear_fields()
    return embeds


def _date(value: object) -> str | None:
    return str(value) if value else None


def _meta(outlet: str | None, published: object, url: str | None, passage_id: str | None = None) -> str:
    """The citation line: outlet · date · link · passage id. A link too long to leave room for the excerpt
    beside it in a field is left out (the source's own embed still has it)."""
    parts = [escape_markdown(clip(p, META_PART)) for p in (outlet, _date(published)) if p]
    if link := _link("link", url):
        parts.append(link)
    if passage_id:
        parts.append(inline_code(passage_id))
    return " · ".join(parts)


def _link(label: str, url: str | None) -> str | None:
    """``[label](url)`` for a plain URL short enough to sit in a line of text, else None."""
    return f"[{label}]({url})" if plain_url(url) and len(url) <= LINK_IN_TEXT else None


def search_page(result: SearchResult, page: int, per_page: int, filters: str = "") -> discord.Embed:
    """One page of search hits: matched words in bold, citation line under each excerpt."""
    pages = max(1, math.ceil(len(result.hits) / per_page))
    hits = result.hits[(page - 1) * per_page : page * per_page]
    embed = discord.Embed(title=title(f"Search: {result.query}", TITLE), colour=COLOR)
    if not hits:
        embed.description = clip(escape_markdown(result.message or "No results."), DESCRIPTION)
        return embed
    first, last = hits[0].rank, hits[-1].rank
    embed.description = clip(f"Results {first}–{last} of {len(result.hits)}{filters}", DESCRIPTION)
    for hit in hits[:FIELDS]:
        embed.add_field(name=title(f"{hit.rank}. {hit.title}", FIELD_NAME), value=_hit_value(hit), inline=False)
    embed.set_footer(text=f"Page {page}/{pages} · matched: {_matched(hits)}"[:FOOTER])
    return fit([embed])[0]


def _matched(hits: list[Hit]) -> str:
    words = []
    for hit in hits:
        for word in hit.matched_terms:
            if word.casefold() not in {w.casefold() for w in words}:
                words.append(word)
    return clip(", ".join(words) or "—", 200)


def _hit_value(hit: Hit) -> str:
    meta = _meta(hit.outlet, hit.published, hit.url, hit.passage_id)
    room = FIELD_VALUE - len(meta) - 1
    return f"{clip(hit.snippet, room)}\n{meta}" if room > 20 else clip(meta, FIELD_VALUE)


def passage_embed(passage: Passage, source: SourceInfo) -> discord.Embed:
    embed = discord.Embed(
        title=title(source.title, TITLE),
        url=plain_url(source.url),
        description=clip(escape_markdown(passage.text), DESCRIPTION),
        colour=COLOR,
    )
    if passage.heading:
        embed.set_author(name=clip(passage.heading, AUTHOR))
    embed.set_footer(
        text=clip(" · ".join(filter(None, [source.outlet, _date(source.published), passage.passage_id])), FOOTER)
    )
    return fit([embed])[0]


def brief_embed(brief: Brief) -> discord.Embed:
    """Sentences with [n] markers, then the numbered sources with links; within 6,000 characters."""
    embed = discord.Embed(title=title(f"Brief: {brief.topic}", TITLE), colour=COLOR)
    if not brief.sentences:
        lines = [escape_markdown(brief.message or "Nothing to brief.")]
        if brief.suggestions:
            lines.append("Try: " + ", ".join(map(inline_code, brief.suggestions)))
        embed.description = clip("\n".join(lines), DESCRIPTION)
        return embed
    sentences = [escape_markdown(s.text) + " " + " ".join(f"[{n}]" for n in s.citations) for s in brief.sentences]
    embed.description = clip("\n\n".join(sentences), DESCRIPTION)
    for title_room in (90, 50, 25):
        embed.clear_fields()
        lines = [
            f"**[{c.n}]** {escape_markdown(clip(c.title, title_room))} — "
            + _meta(c.outlet, c.published, c.url, c.passage_id)
            for c in brief.citations
        ]
        _add_line_fields(embed, "Sources", lines)
        if embed_length(embed) <= MESSAGE_TOTAL:
            break
    embed.set_footer(text="Every sentence is quoted verbatim from the passage it cites.")
    return fit([embed], notice="some sources not shown")[0]


def _add_line_fields(embed: discord.Embed, name: str, lines: list[str]) -> None:
    """Pack lines into as few fields as fit (each ≤ 1,024), never splitting a line."""
    chunk = ""
    for line in lines:
        line = clip(line, FIELD_VALUE)
        if chunk and len(chunk) + 1 + len(line) > FIELD_VALUE:
            embed.add_field(name=name if not embed.fields else f"{name} (cont.)", value=chunk, inline=False)
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk and len(embed.fields) < FIELDS:
        embed.add_field(name=name if not embed.fields else f"{name} (cont.)", value=chunk, inline=False)


def sources_page(sources: list[SourceInfo], page: int) -> discord.Embed:
    pages = max(1, math.ceil(len(sources) / SOURCES_PER_PAGE))
    embed = discord.Embed(title="Library", colour=COLOR)
    if not sources:
        embed.description = "The library is empty: add documents to the sources directory."
        return embed
    shown = sources[(page - 1) * SOURCES_PER_PAGE : page * SOURCES_PER_PAGE]
    embed.description = f"{len(sources)} sources, {sum(s.passages for s in sources)} passages"
    for s in shown:
        detail = _meta(s.outlet, s.published, s.url)
        value = f"{s.passages} passages · {s.words:,} words · {language_name(s.language)}"
        value += f" · {detail}" if detail else ""
        embed.add_field(
            name=title(s.title, FIELD_NAME),
            value=clip(f"{value}\n{inline_code(s.source_id)}", FIELD_VALUE),
            inline=False,
        )
    embed.set_footer(text=f"Page {page}/{pages} · /source id:<id> for one source")
    return fit([embed])[0]


def source_embed(info: SourceInfo, summary: Brief) -> discord.Embed:
    embed = discord.Embed(title=title(info.title, TITLE), url=plain_url(info.url), colour=COLOR)
    text = " ".join(escape_markdown(s.text) for s in summary.sentences)
    embed.description = clip(text or "No summary: the source has no complete sentences.", DESCRIPTION)
    for name, value in (
        ("Outlet", info.outlet),
        ("Author", info.author),
        ("Published", _date(info.published)),
        ("Language", language_name(info.language)),
        ("Passages", f"{info.passages} ({info.words:,} words)"),
        ("Link", _link("open", info.url)),
    ):
        if value:
            embed.add_field(name=name, value=clip(escape_markdown(value) if name != "Link" else value, FIELD_VALUE))
    embed.set_footer(text=clip(f"{info.source_id} · summary quoted verbatim from the source", FOOTER))
    return fit([embed])[0]


HELP = [
    (
        "/search query:<words> [source] [limit]",
        'Ranked excerpts with citations. Quote a "phrase" to match it exactly. '
        "Example: `/search query:THAAD deployment`",
    ),
    (
        "/brief topic:<words>",
        "A short briefing: every sentence is quoted verbatim from a cited passage. Example: `/brief topic:trilateral`",
    ),
    ("/sources", "The library: every source with its outlet, date and size."),
    ("/source id:<source>", "One source: metadata, a three-sentence summary and its link."),
    (
        "/sources status:True",
        "Library health, only you see it (Manage Server): what cleaning dropped, this server's feeds' last polls.",
    ),
    (
        "/digest subscribe time:<HH:MM> timezone:<zone> [frequency] [weekday] [channel] [topics]",
        "A daily, weekly or hourly digest of new sources (Manage Server). "
        "Also /digest list, /digest preview, /digest unsubscribe.",
    ),
    ("/ingest url:<link> | file:<attachment>", "Add a web page, PDF, HTML, Markdown or text file (Manage Server)."),
    ("/feed add url:<feed>", "Follow an RSS, Atom or WordPress feed (Manage Server). Also /feed list, /feed remove."),
    ("/source-remove id:<source>", "Remove a page, file or feed item this server added (Manage Server)."),
    ("/help", "This message."),
]


def help_embed() -> discord.Embed:
    embed = discord.Embed(
        title="briefbot — a research desk in Discord",
        description=(
            "Search and brief the team's library. Everything is cited; nothing pings anyone.\n"
            "**Shared and per server:** the base library (the operator's seed folder) is shared by every server. "
            "What a server adds (/ingest, attachments, its feeds) and its digests belong to that server: only it "
            "can search, brief, list or remove them."
        ),
        colour=COLOR,
    )
    for name, value in HELP:
        embed.add_field(name=name, value=value, inline=False)
    return embed


def digest_messages(digest: Digest, heading: str) -> list[list[discord.Embed]]:
    """A digest as messages of whole items: ≤ 10 embeds and ≤ 6,000 characters each, never split mid-item."""
    since = f" since {moment(digest.since)}" if digest.since else ""
    if digest.empty:
        return [
            [discord.Embed(title=clip(heading, TITLE), description=f"Nothing new in the library{since}.", colour=COLOR)]
        ]
    parts = [
        discord.Embed(
            title=clip(heading, TITLE),
            description=clip(
                f"{len(digest.items)} new source(s){since}. Summaries are quoted from the sources.", DESCRIPTION
            ),
            colour=COLOR,
        )
    ]
    for item in digest.items:
        embed = discord.Embed(title=title(item.title, TITLE), url=plain_url(item.url), colour=COLOR)
        text = " ".join(escape_markdown(s) for s in item.summary)
        if item.also:
            others = ", ".join(
                _link(escape_markdown(clip(r.outlet or r.title, 60)), r.url) or escape_markdown(clip(r.title, 60))
                for r in item.also
            )
            text += f"\n\nAlso reported by: {others}"
        embed.description = clip(text or "No summary.", 1500)
        embed.set_footer(
            text=clip(" · ".join(filter(None, [item.outlet, _date(item.published), item.source_id])), FOOTER)
        )
        parts.append(embed)
    for topic in digest.topics:
        embed = discord.Embed(title=title(f"Topic: {topic.topic}", TITLE), colour=COLOR)
        if not topic.passages:
            embed.description = "Nothing new on this topic."
        for p in topic.passages[:FIELDS]:
            meta = _meta(None, None, p.url, p.passage_id)
            embed.add_field(
                name=title(p.title, FIELD_NAME), value=clip(f"{p.snippet}\n{meta}", FIELD_VALUE), inline=False
            )
        parts.append(fit([embed])[0])
    messages: list[list[discord.Embed]] = [[]]
    for embed in parts:
        current = messages[-1]
        if current and (len(current) == 10 or sum(map(embed_length, current)) + embed_length(embed) > MESSAGE_TOTAL):
            messages.append([])
        messages[-1].append(embed)
    return messages


def health_embed(
    sources: list[SourceInfo], feeds: list[Feed], skipped: Sequence[tuple[str, str]] = ()
) -> discord.Embed:
    """Per source: kept passages and what cleaning dropped; per feed: last poll, last error, items."""
    embed = discord.Embed(title="Library health", colour=COLOR)
    undated = sum(1 for s in sources if s.published is None)
    embed.description = f"{len(sources)} sources ({undated} undated), {len(feeds)} feed(s)"
    lines = [
        f"{inline_code(s.source_id)} {s.passages} passages · dropped {s.dropped.boilerplate_lines} boilerplate, "
        f"{s.dropped.duplicate_lines} duplicate, {s.dropped.tail_lines} trailing"
        + ("" if s.published else " · undated")
        for s in sources
    ]
    _add_line_fields(embed, "Sources", lines[:60])
    feed_lines = [
        f"#{f.id} {escape_markdown(clip(f.url, 120))} · {f.items} items · last poll "
        + (f"{f.last_poll:%Y-%m-%d %H:%M}" if f.last_poll else "never")
        + (f" · error: {escape_markdown(clip(f.last_error, 120))}" if f.last_error else "")
        for f in feeds
    ]
    if feed_lines:
        _add_line_fields(embed, "Feeds", feed_lines[:40])
    skipped_lines = [f"{escape_markdown(clip(name, 80))}: {escape_markdown(reason)}" for name, reason in skipped]
    if skipped_lines:
        _add_line_fields(embed, "Skipped files", skipped_lines[:40])
    return fit([embed], notice="more with `briefbot sources --status`")[0]


def _list_embed(title: str, empty: str, name: str, lines: list[str]) -> discord.Embed:
    embed = discord.Embed(title=title, colour=COLOR)
    if not lines:
        embed.description = empty
        return embed
    _add_line_fields(embed, name, lines)
    return fit([embed])[0]


def feeds_embed(feeds: list[Feed]) -> discord.Embed:
    lines = [
        f"**#{f.id}** {escape_markdown(clip(f.url, 150))} · {f.items} items"
        + (f" · last error: {escape_markdown(clip(f.last_error, 100))}" if f.last_error else "")
        for f in feeds
    ]
    return _list_embed("Followed feeds", "No feeds yet. Add one with /feed add url:<feed URL>.", "Feeds", lines)


def when(subscription: Subscription) -> str:
    """ "every day at 09:00 Asia/Seoul", "every Monday at …", "every hour at :30 past (UTC)"."""
    s = subscription
    if s.frequency == "hourly":
        return f"every hour at :{s.time:%M} past ({s.timezone})"
    day = "day" if s.frequency == "daily" else WEEKDAYS[s.weekday]
    return f"every {day} at {s.time:%H:%M} {s.timezone}"


def subscriptions_embed(subscriptions: list[Subscription]) -> discord.Embed:
    lines = [
        f"**#{s.id}** <#{s.channel_id}> {when(s)}"
        + (f" · topics: {escape_markdown(', '.join(s.topics))}" if s.topics else "")
        + (" · quiet when nothing is new" if s.quiet else "")
        + ("" if s.enabled else f" · **disabled**: {escape_markdown(s.disabled_reason or '')}")
        for s in subscriptions
    ]
    empty = "None yet. Add one with /digest subscribe time:09:00 timezone:Asia/Seoul."
    return _list_embed("Digest subscriptions", empty, "Subscriptions", lines)
