"""Ranking sources for autocomplete: id or title prefix first, then substring, then fuzzy similarity."""

from __future__ import annotations

import asyncio
import difflib

from discord import app_commands

from search.library import Library
from search.models import SourceInfo

MAX_CHOICES = 25
CHOICE_NAME = 100
FUZZY_MIN = 0.5  # the least similarity a fuzzy choice needs
ANSWER_WITHIN = 2.5  # seconds: Discord drops an autocomplete answered after 3


def rank_sources(typed: str, sources: list[SourceInfo], limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    """``(name, value)`` pairs, best first: name is "title (id)" within 100 characters, value the id.

    Prefix matches score 3, substring matches 2, the rest their difflib similarity (at most 1, kept from
    FUZZY_MIN): so the fuzzy pass runs only when the first two leave places free, and skips pairs whose cheap
    upper bounds are already too low (thousands of sources per keystroke)."""
    needle = typed.casefold().strip()
    scored, rest = [], []
    for position, source in enumerate(sources):
        sid, title = source.source_id.casefold(), source.title.casefold()
        if not needle:
            scored.append((0.0, position, source))
        elif sid.startswith(needle) or title.startswith(needle):
            scored.append((-3.0, position, source))
        elif needle in sid or needle in title:
            scored.append((-2.0, position, source))
        else:
            rest.append((position, source, sid, title))
    if len(scored) < limit:
        for position, source, sid, title in rest:
            score = max(_similarity(needle, title[: len(needle) + 10]), _similarity(needle, sid[: len(needle) + 4]))
            if score >= FUZZY_MIN:
                scored.append((-score, position, source))
    scored.sort(key=lambda item: item[:2])
    return [(_choice_name(source), source.source_id[:CHOICE_NAME]) for _, _, source in scored[:limit]]


def _similarity(needle: str, text: str) -> float:
    """difflib's ratio, or 0 when its upper bounds show it is below FUZZY_MIN."""
    matcher = difflib.SequenceMatcher(None, needle, text)
    if matcher.real_quick_ratio() < FUZZY_MIN or matcher.quick_ratio() < FUZZY_MIN:
        return 0.0
    return matcher.ratio()


def _choice_name(source: SourceInfo) -> str:
    suffix = f" ({source.source_id})"
    room = CHOICE_NAME - len(suffix)
    title = source.title if len(source.title) <= room else source.title[: max(0, room - 1)] + "…"
    return (title + suffix)[:CHOICE_NAME]


async def source_choices(library: Library, typed: str, scope: int) -> list[app_commands.Choice[str]]:
    """The /search ``source`` and /source ``id`` choices among the sources ``scope`` sees, ranked in a thread (the
    ranking reads every source's title, and the source infos are computed again after the library changed). If
    that takes too long to answer in time, there are no choices this once; the work goes on, so the next
    keystroke finds the infos ready."""
    work = asyncio.to_thread(lambda: rank_sources(typed, library.sources(scope=scope)))
    try:
        ranked = await asyncio.wait_for(work, ANSWER_WITHIN)
    except TimeoutError:
        return []
    return [app_commands.Choice(name=name, value=value) for name, value in ranked]
