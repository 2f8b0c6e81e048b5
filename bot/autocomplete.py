"""Ranking sources for autocomplete: id or title prefix first, then substring, then fuzzy similarity."""

from __future__ import annotations

import asyncio
import difflib

from discord import app_commands

from search.library import Library
from search.models import SourceInfo

MAX_CHOICES = 25
CHOICE_NAME = 100


def rank_sources(typed: str, sources: list[SourceInfo], limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    """``(name, value)`` pairs, best first: name is "title (id)" within 100 characters, value the id."""
    needle = typed.casefold().strip()
    scored = []
    for position, source in enumerate(sources):
        sid, title = source.source_id.casefold(), source.title.casefold()
        if not needle:
            score = 0.0
        elif sid.startswith(needle) or title.startswith(needle):
            score = 3.0
        elif needle in sid or needle in title:
            score = 2.0
        else:
            score = max(
                difflib.SequenceMatcher(None, needle, title[: len(needle) + 10]).ratio(),
                difflib.SequenceMatcher(None, needle, sid[: len(needle) + 4]).ratio(),
            )
            if score < 0.5:
                continue
        scored.append((-score, position, source))
    scored.sort(key=lambda item: item[:2])
    return [(_choice_name(source), source.source_id[:CHOICE_NAME]) for _, _, source in scored[:limit]]


def _choice_name(source: SourceInfo) -> str:
    suffix = f" ({source.source_id})"
    room = CHOICE_NAME - len(suffix)
    title = source.title if len(source.title) <= room else source.title[: max(0, room - 1)] + "…"
    return (title + suffix)[:CHOICE_NAME]


async def source_choices(library: Library, typed: str, scope: int) -> list[app_commands.Choice[str]]:
    """The /search ``source`` and /source ``id`` choices among the sources ``scope`` sees (source infos are
    computed once per snapshot, in a thread: after the library grew, that takes a while for a long source)."""
    sources = await asyncio.to_thread(library.sources, scope=scope)
    return [app_commands.Choice(name=name, value=value) for name, value in rank_sources(typed, sources)]
