"""Rendering results as Discord embeds: pure functions, within Discord's limits by construction.

Every text that could be long is cut with ``clip`` (at a sentence end when one is near, else at a word
boundary, always with "…"), and ``fit`` trims a message's embeds to the 6,000-character total.
"""

from __future__ import annotations

import math

import discord

from search.brief import Brief
from search.models import Hit, Passage, SearchResult, SourceInfo
from search.snippet import escape_markdown

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
    parts = [escape_markdown(p) for p in (outlet, _date(published)) if p]
    if url:
        parts.append(f"[link]({url})")
    if passage_id:
        parts.append(f"`{passage_id}`")
    return " · ".join(parts)


def search_page(result: SearchResult, page: int, per_page: int, filters: str = "") -> discord.Embed:
    """One page of search hits: matched words in bold, citation line under each excerpt."""
    pages = max(1, math.ceil(len(result.hits) / per_page))
    hits = result.hits[(page - 1) * per_page : page * per_page]
    embed = discord.Embed(title=clip(f"Search: {result.query}", TITLE), colour=COLOR)
    if not hits:
        embed.description = clip(escape_markdown(result.message or "No results."), DESCRIPTION)
        return embed
    first, last = hits[0].rank, hits[-1].rank
    embed.description = clip(f"Results {first}–{last} of {len(result.hits)}{filters}", DESCRIPTION)
    for hit in hits[:FIELDS]:
        embed.add_field(name=clip(f"{hit.rank}. {hit.title}", FIELD_NAME), value=_hit_value(hit), inline=False)
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
        title=clip(source.title, TITLE),
        url=source.url,
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
    embed = discord.Embed(title=clip(f"Brief: {brief.topic}", TITLE), colour=COLOR)
    if not brief.sentences:
        lines = [escape_markdown(brief.message or "Nothing to brief.")]
        if brief.suggestions:
            lines.append("Try: " + ", ".join(f"`{s}`" for s in brief.suggestions))
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
        value = f"{s.passages} passages · {s.words:,} words" + (f" · {detail}" if detail else "")
        embed.add_field(
            name=clip(s.title, FIELD_NAME), value=clip(f"{value}\n`{s.source_id}`", FIELD_VALUE), inline=False
        )
    embed.set_footer(text=f"Page {page}/{pages} · /source id:<id> for one source")
    return fit([embed])[0]


def source_embed(info: SourceInfo, summary: Brief) -> discord.Embed:
    embed = discord.Embed(title=clip(info.title, TITLE), url=info.url, colour=COLOR)
    text = " ".join(escape_markdown(s.text) for s in summary.sentences)
    embed.description = clip(text or "No summary: the source has no complete sentences.", DESCRIPTION)
    for name, value in (
        ("Outlet", info.outlet),
        ("Author", info.author),
        ("Published", _date(info.published)),
        ("Passages", f"{info.passages} ({info.words:,} words)"),
        ("Link", f"[open]({info.url})" if info.url else None),
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
    ("/help", "This message."),
]


def help_embed() -> discord.Embed:
    embed = discord.Embed(
        title="briefbot — a research desk in Discord",
        description="Search and brief the team's library. Everything is cited; nothing pings anyone.",
        colour=COLOR,
    )
    for name, value in HELP:
        embed.add_field(name=name, value=value, inline=False)
    return embed
