"""What each command and button does: parse, check, call the library off the event loop, render, reply.

User errors get an ephemeral one-line answer; anything unexpected gets an ephemeral apology with an error
id, and the full traceback goes to the log under that id.
"""

from __future__ import annotations

import asyncio
import logging
import math
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from bot import embeds
from bot.autocomplete import rank_sources
from bot.cooldown import Cooldown
from bot.views import library_view, search_view
from search.library import MAX_LIMIT, UnknownSourceError
from search.query import parse_query

if TYPE_CHECKING:
    from bot.app import BriefBot

log = logging.getLogger(__name__)
Interaction = discord.Interaction["BriefBot"]


class UserError(Exception):
    """Something the user can fix; the message is shown to them as is."""


class Handlers:
    def __init__(self, bot: BriefBot, search_cooldown: Cooldown, brief_cooldown: Cooldown) -> None:
        self.bot = bot
        self.library = bot.library
        self.search_cooldown = search_cooldown
        self.brief_cooldown = brief_cooldown

    # -- plumbing ---------------------------------------------------------------------------------------
    async def guarded(self, interaction: Interaction, action: Callable[[], Awaitable[None]]) -> None:
        """Run ``action``; turn failures into an ephemeral answer the user can act on."""
        try:
            await action()
        except (UserError, UnknownSourceError) as error:
            await self.reply(interaction, str(error.args[0]), ephemeral=True)
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            log.exception("error %s while handling %s", error_id, _describe(interaction))
            await self.reply(
                interaction,
                f"Sorry, something went wrong on our side (error id `{error_id}`). It has been logged.",
                ephemeral=True,
            )

    async def reply(self, interaction: Interaction, content: str | None = None, **kwargs) -> None:
        """Respond, or follow up if the interaction was already acknowledged."""
        if content is not None:
            kwargs["content"] = embeds.clip(content, embeds.CONTENT)
        kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)

    @staticmethod
    def _check_cooldown(cooldown: Cooldown, interaction: Interaction, what: str) -> None:
        wait = cooldown.retry_after(interaction.user.id)
        if wait is not None:
            raise UserError(f"You can {what} again in {math.ceil(wait)} s.")

    # -- /search ----------------------------------------------------------------------------------------
    async def search(self, interaction: Interaction, query: str, source: str | None, limit: int) -> None:
        self._check_cooldown(self.search_cooldown, interaction, "search")
        params = {"query": query, "source": source, "limit": limit}
        result = await asyncio.to_thread(self._run_search, params)
        if not result.hits:
            raise UserError(result.message or "No results.")
        key = await asyncio.to_thread(self.library.store.save_query, params)
        await interaction.response.send_message(**self._search_message(result, key, interaction.user.id, 1, params))

    def _run_search(self, params: dict):
        sources = [params["source"]] if params.get("source") else None
        return self.library.search(params["query"], limit=MAX_LIMIT, sources=sources)

    def _search_message(self, result, key: str, owner: int, page: int, params: dict) -> dict:
        per_page = params["limit"]
        pages = max(1, math.ceil(len(result.hits) / per_page))
        page = min(max(page, 1), pages)
        filters = f" · source `{params['source']}`" if params.get("source") else ""
        ranks = [hit.rank for hit in result.hits[(page - 1) * per_page : page * per_page]]
        return {
            "embed": embeds.search_page(result, page, per_page, filters),
            "view": search_view(key, owner, page, pages, ranks),
            "allowed_mentions": discord.AllowedMentions.none(),
        }

    async def _saved(self, key: str) -> dict:
        params = await asyncio.to_thread(self.library.store.load_query, key)
        if params is None:
            raise UserError("This result has expired. Run /search again.")
        return params

    async def turn_search_page(self, interaction: Interaction, key: str, owner: int, page: int) -> None:
        async def action():
            if interaction.user.id != owner:
                raise UserError("Only the person who ran this search can turn its pages; run /search yourself.")
            params = await self._saved(key)
            result = await asyncio.to_thread(self._run_search, params)
            await interaction.response.edit_message(**self._search_message(result, key, owner, page, params))

        await self.guarded(interaction, action)

    async def show_passage(self, interaction: Interaction, key: str, rank: int) -> None:
        async def action():
            params = await self._saved(key)
            result = await asyncio.to_thread(self._run_search, params)
            hit = next((h for h in result.hits if h.rank == rank), None)
            if hit is None:
                raise UserError("That passage is no longer in the results. Run /search again.")
            passage = self.library.get_passage(hit.passage_id)
            info = self.library.source_info(hit.source_id)
            await self.reply(interaction, embed=embeds.passage_embed(passage, info), ephemeral=True)

        await self.guarded(interaction, action)

    async def autocomplete_source(self, current: str) -> list[tuple[str, str]]:
        return rank_sources(current, self.library.sources())

    # -- /brief -----------------------------------------------------------------------------------------
    async def brief(self, interaction: Interaction, topic: str) -> None:
        problem = parse_query(topic, self.library.analyzer).problem
        if problem:
            raise UserError(problem)
        self._check_cooldown(self.brief_cooldown, interaction, "ask for a brief")
        probe = await asyncio.to_thread(self.library.search, topic, limit=1)
        if not probe.hits:  # nothing to brief: answer at once, privately, with suggestions
            brief = await asyncio.to_thread(self.library.brief, topic)
            await self.reply(interaction, embed=embeds.brief_embed(brief), ephemeral=True)
            return
        await interaction.response.defer(thinking=True)
        brief = await asyncio.to_thread(self.library.brief, topic)
        await self.reply(interaction, embed=embeds.brief_embed(brief))

    # -- /sources, /source, /help -------------------------------------------------------------------------
    async def sources(self, interaction: Interaction) -> None:
        await interaction.response.send_message(**self._library_message(interaction.user.id, 1))

    def _library_message(self, owner: int, page: int) -> dict:
        sources = self.library.sources()
        pages = max(1, math.ceil(len(sources) / embeds.SOURCES_PER_PAGE))
        page = min(max(page, 1), pages)
        message = {"embed": embeds.sources_page(sources, page), "allowed_mentions": discord.AllowedMentions.none()}
        view = library_view(owner, page, pages)
        if view is not None:
            message["view"] = view
        return message

    async def turn_library_page(self, interaction: Interaction, owner: int, page: int) -> None:
        async def action():
            if interaction.user.id != owner:
                raise UserError("Only the person who listed the library can turn its pages; run /sources yourself.")
            await interaction.response.edit_message(**self._library_message(owner, page))

        await self.guarded(interaction, action)

    async def source(self, interaction: Interaction, source_id: str) -> None:
        info = self.library.source_info(source_id.strip())
        summary = await asyncio.to_thread(self.library.summary, info.source_id)
        await self.reply(interaction, embed=embeds.source_embed(info, summary))

    async def help(self, interaction: Interaction) -> None:
        await self.reply(interaction, embed=embeds.help_embed(), ephemeral=True)


def _describe(interaction: Interaction) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    custom_id = (interaction.data or {}).get("custom_id")
    return f"component {custom_id}" if custom_id else f"interaction type {interaction.type}"
