"""Buttons that keep working after a restart: each custom_id carries what its callback needs.

``bb:page:{key}:{owner}:{page}`` turns a search's page (key: the saved query in the store),
``bb:show:{key}:{rank}`` shows one hit's whole passage, ``bb:lib:{owner}:{page}`` turns the library list.
They are ``DynamicItem``s registered on the client, so no view has to be kept in memory.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from bot.app import BriefBot

BUTTON_LABEL = 80
CUSTOM_ID = 100
PER_ROW = 5


class SearchPageButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"bb:page:(?P<key>[0-9a-f]+):(?P<owner>\d+):(?P<page>\d+)"
):
    def __init__(self, key: str, owner: int, page: int, *, label: str = "", disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or f"Page {page}",
                style=discord.ButtonStyle.secondary,
                custom_id=f"bb:page:{key}:{owner}:{page}",
                disabled=disabled,
                row=0,
            )
        )
        self.key, self.owner, self.page = key, owner, page

    @classmethod
    async def from_custom_id(cls, interaction, item: discord.ui.Button, match: re.Match[str]):
        return cls(match["key"], int(match["owner"]), int(match["page"]), label=item.label or "")

    async def callback(self, interaction: discord.Interaction[BriefBot]) -> None:
        await interaction.client.handlers.turn_search_page(interaction, self.key, self.owner, self.page)


class ShowPassageButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"bb:show:(?P<key>[0-9a-f]+):(?P<rank>\d+)"
):
    def __init__(self, key: str, rank: int, *, row: int = 1) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"Passage {rank}", style=discord.ButtonStyle.primary, custom_id=f"bb:show:{key}:{rank}", row=row
            )
        )
        self.key, self.rank = key, rank

    @classmethod
    async def from_custom_id(cls, interaction, item: discord.ui.Button, match: re.Match[str]):
        return cls(match["key"], int(match["rank"]))

    async def callback(self, interaction: discord.Interaction[BriefBot]) -> None:
        await interaction.client.handlers.show_passage(interaction, self.key, self.rank)


class LibraryPageButton(discord.ui.DynamicItem[discord.ui.Button], template=r"bb:lib:(?P<owner>\d+):(?P<page>\d+)"):
    def __init__(self, owner: int, page: int, *, label: str = "", disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or f"Page {page}",
                style=discord.ButtonStyle.secondary,
                custom_id=f"bb:lib:{owner}:{page}",
                disabled=disabled,
            )
        )
        self.owner, self.page = owner, page

    @classmethod
    async def from_custom_id(cls, interaction, item: discord.ui.Button, match: re.Match[str]):
        return cls(int(match["owner"]), int(match["page"]), label=item.label or "")

    async def callback(self, interaction: discord.Interaction[BriefBot]) -> None:
        await interaction.client.handlers.turn_library_page(interaction, self.owner, self.page)


DYNAMIC_ITEMS = (SearchPageButton, ShowPassageButton, LibraryPageButton)


def search_view(key: str, owner: int, page: int, pages: int, ranks: list[int]) -> discord.ui.View:
    """Prev/Next on the first row, one "Passage n" button per hit on the page below (≤ 2 rows of 5)."""
    view = discord.ui.View(timeout=None)
    if pages > 1:
        view.add_item(SearchPageButton(key, owner, max(page - 1, 0), label="◀ Prev", disabled=page <= 1))
        view.add_item(SearchPageButton(key, owner, page + 1, label="Next ▶", disabled=page >= pages))
    for i, rank in enumerate(ranks[: 2 * PER_ROW]):
        view.add_item(ShowPassageButton(key, rank, row=1 + i // PER_ROW))
    return view


def library_view(owner: int, page: int, pages: int) -> discord.ui.View | None:
    if pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(LibraryPageButton(owner, max(page - 1, 0), label="◀ Prev", disabled=page <= 1))
    view.add_item(LibraryPageButton(owner, page + 1, label="Next ▶", disabled=page >= pages))
    return view
