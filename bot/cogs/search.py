"""/search: ranked, cited excerpts; its page and passage buttons. The search parameters behind the buttons
are saved (``SavedSearches``) so the buttons work after a restart."""

from __future__ import annotations

import asyncio
import math

import discord
from discord import app_commands
from discord.ext import commands

from bot import embeds
from bot.autocomplete import source_choices
from bot.buttons import SearchPageButton, ShowPassageButton, bind, search_view
from bot.cooldown import Cooldown
from bot.replies import NO_MENTIONS, UserError, check_cooldown, edit, in_time, reply, scope_of
from bot.saved_searches import SavedSearches
from search.language import LANGUAGES, language_name
from search.library import MAX_LIMIT, Library, UnknownSourceError
from search.models import SearchResult
from search.query import MAX_QUERY_CHARS

MAX_PER_PAGE = 10  # results per page: the option's range, and a page of passage buttons (two rows of 5)


class SearchCog(commands.Cog, name="Search"):
    def __init__(self, library: Library, saved: SavedSearches, cooldown: Cooldown) -> None:
        self.library = library
        self.saved = saved
        self.cooldown = cooldown
        self.page_button = bind(SearchPageButton, self.turn_page)
        self.passage_button = bind(ShowPassageButton, self.show_passage)
        self.dynamic_items = (self.page_button, self.passage_button)

    @app_commands.command(name="search", description="Ranked excerpts from the library, with citations")
    @app_commands.describe(
        query='Words to look for; put a phrase in "quotes" to match it exactly',
        source="Only this source",
        limit=f"Results per page (1-{MAX_PER_PAGE})",
        language="Only sources in this language",
    )
    @app_commands.choices(language=[app_commands.Choice(name=name, value=code) for code, name in LANGUAGES.items()])
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, None, MAX_QUERY_CHARS],
        source: str | None = None,
        limit: app_commands.Range[int, 1, MAX_PER_PAGE] = 5,
        language: str | None = None,
    ) -> None:
        check_cooldown(self.cooldown, interaction, "search")
        if language is not None and language not in LANGUAGES:  # Discord offers only the choices; a client may not
            raise UserError("Choose the language from the list.")
        limit = min(max(limit, 1), MAX_PER_PAGE)  # as for the language: Discord checks the range, discord.py does not
        params = {"query": query, "source": source, "limit": limit, "language": language}

        async def run() -> tuple[SearchResult, str]:
            result = await asyncio.to_thread(self._run, params, scope_of(interaction))
            if not result.hits:
                raise UserError(result.message or "No results.")
            return result, await asyncio.to_thread(self.saved.save, params)

        result, key = await in_time(interaction, run())
        await reply(interaction, **self._message(result, key, interaction.user.id, 1, params))

    @search.autocomplete("source")
    async def _complete_source(self, interaction: discord.Interaction, current: str):
        return await source_choices(self.library, current, scope_of(interaction))

    def _run(self, params: dict, scope: int) -> SearchResult:
        sources = [params["source"]] if params.get("source") else None
        return self.library.search(
            params["query"],
            limit=MAX_LIMIT,
            sources=sources,
            language=params.get("language"),
            page_size=params["limit"],
            scope=scope,
        )

    def _message(self, result: SearchResult, key: str, owner: int, page: int, params: dict) -> dict:
        per_page = params["limit"]
        pages = max(1, math.ceil(len(result.hits) / per_page))
        page = min(max(page, 1), pages)
        filters = f" · source {embeds.inline_code(params['source'])}" if params.get("source") else ""
        filters += f" · {language_name(params['language'])}" if params.get("language") else ""
        ranks = [(hit.rank, hit.passage_id) for hit in result.hits[(page - 1) * per_page : page * per_page]]
        view = search_view(
            key, owner, page, pages, ranks, page_button=self.page_button, passage_button=self.passage_button
        )
        return {"embed": embeds.search_page(result, page, per_page, filters), "view": view}

    async def _saved_run(self, key: str, scope: int) -> tuple[dict, SearchResult]:
        params = await asyncio.to_thread(self.saved.load, key)
        if params is None:
            raise UserError("This result has expired. Run /search again.")
        return params, await asyncio.to_thread(self._run, params, scope)

    async def turn_page(self, interaction: discord.Interaction, button: SearchPageButton) -> None:
        if interaction.user.id != button.owner:
            raise UserError("Only the person who ran this search can turn its pages; run /search yourself.")
        params, result = await in_time(interaction, self._saved_run(button.key, scope_of(interaction)))
        message = self._message(result, button.key, button.owner, button.page, params)
        await edit(interaction, allowed_mentions=NO_MENTIONS, **message)

    async def show_passage(self, interaction: discord.Interaction, button: ShowPassageButton) -> None:
        async def run():
            scope = scope_of(interaction)
            passage_id = button.passage
            if passage_id is None:  # a button that does not name its passage: what ranks there now
                _, result = await self._saved_run(button.key, scope)
                hit = next((h for h in result.hits if h.rank == button.rank), None)
                if hit is None:
                    raise UserError("That passage is no longer in the results. Run /search again.")
                passage_id = hit.passage_id
            try:
                passage = await asyncio.to_thread(self.library.get_passage, passage_id, scope=scope)
            except UnknownSourceError:
                raise UserError("That passage is no longer in the library. Run /search again.") from None
            return passage, await asyncio.to_thread(self.library.source_info, passage.source_id, scope=scope)

        passage, info = await in_time(interaction, run(), ephemeral=True)
        await reply(interaction, embed=embeds.passage_embed(passage, info), ephemeral=True)
