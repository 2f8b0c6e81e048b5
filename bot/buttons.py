"""Buttons that keep working after a restart: each custom_id carries what its callback needs.

``bb:page:{key}:{owner}:{page}`` turns a search's page (key: the saved search), ``bb:show:{key}:{rank}``
shows one hit's whole passage, ``bb:lib:{owner}:{page}`` turns the library list. They are ``DynamicItem``s:
no view is kept in memory. A cog ``bind``s each to its own handler and registers the bound class, so the
button needs no way back to the bot (these templates are a contract: old messages carry them).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import discord

from bot.tree import report_error

PER_ROW = 5
CUSTOM_ID_CHARS = 100  # Discord's limit


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


class ShowPassageButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"bb:show:(?P<key>[0-9a-f]+):(?P<rank>\d+)(?::(?P<passage>.+))?",
):
    """Shows the passage the page cited at ``rank``: ``passage`` is its id when it fits in the custom_id
    (Discord allows 100 characters); otherwise, and on buttons made before it was added, whatever the search
    ranks there now."""

    def __init__(self, key: str, rank: int, passage: str | None = None, *, row: int = 1) -> None:
        custom_id = f"bb:show:{key}:{rank}"
        if passage and len(f"{custom_id}:{passage}") <= CUSTOM_ID_CHARS:
            custom_id = f"{custom_id}:{passage}"
        else:
            passage = None
        super().__init__(
            discord.ui.Button(label=f"Passage {rank}", style=discord.ButtonStyle.primary, custom_id=custom_id, row=row)
        )
        self.key, self.rank, self.passage = key, rank, passage

    @classmethod
    async def from_custom_id(cls, interaction, item: discord.ui.Button, match: re.Match[str]):
        return cls(match["key"], int(match["rank"]), match["passage"])


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


Handler = Callable[[discord.Interaction, discord.ui.DynamicItem], Awaitable[None]]


def bind(button: type[discord.ui.DynamicItem], handler: Handler) -> type[discord.ui.DynamicItem]:
    """A subclass of ``button`` (same template) whose clicks go to ``handler``; failures are answered like a
    command's."""

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await handler(interaction, self)
        except Exception as error:
            await report_error(interaction, error)

    return type(button.__name__, (button,), {"callback": callback}, template=button.__discord_ui_compiled_template__)


def search_view(
    key: str,
    owner: int,
    page: int,
    pages: int,
    ranks: list[tuple[int, str]],
    *,
    page_button: type[SearchPageButton] = SearchPageButton,
    passage_button: type[ShowPassageButton] = ShowPassageButton,
) -> discord.ui.View:
    """Prev/Next on the first row, one "Passage n" button per (rank, passage id) of the page below (≤ 2 rows
    of 5)."""
    view = discord.ui.View(timeout=None)
    if pages > 1:
        view.add_item(page_button(key, owner, max(page - 1, 0), label="◀ Prev", disabled=page <= 1))
        view.add_item(page_button(key, owner, page + 1, label="Next ▶", disabled=page >= pages))
    for i, (rank, passage) in enumerate(ranks[: 2 * PER_ROW]):
        view.add_item(passage_button(key, rank, passage, row=1 + i // PER_ROW))
    return view


def library_view(
    owner: int, page: int, pages: int, *, page_button: type[LibraryPageButton] = LibraryPageButton
) -> discord.ui.View | None:
    if pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(page_button(owner, max(page - 1, 0), label="◀ Prev", disabled=page <= 1))
    view.add_item(page_button(owner, page + 1, label="Next ▶", disabled=page >= pages))
    return view
