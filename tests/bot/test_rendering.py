"""Pure rendering, tested at and beyond every Discord limit; plus autocomplete ranking and cooldowns."""

import asyncio
import datetime as dt
import difflib
import random
import time

import pytest

from bot import autocomplete, embeds
from bot.autocomplete import rank_sources
from bot.buttons import library_view, search_view
from bot.cooldown import Cooldown
from search.brief import Brief, BriefSentence, Citation
from search.models import DropStats, Hit, Passage, SearchResult, SourceInfo
from tests.bot.fake_discord import message_problems

WORD = "Deterrence "


def valid(*embed_list, view=None) -> list[str]:
    body = {"embeds": [e.to_dict() for e in embed_list], "allowed_mentions": {"parse": []}}
    if view is not None:
        body["components"] = view.to_components()
    return message_problems(body)


def no_cut_words(text: str, original: str) -> bool:
    """Every word of the clipped text (but the "…") is a whole word of the original."""
    words = set(original.replace("\n", " ").split())
    return all(w in words for w in text.replace("…", " ").split())


def hit(rank: int, size: int) -> Hit:
    return Hit(
        rank=rank,
        passage_id=f"src{rank:03d}:p{rank}",
        source_id=f"src{rank:03d}",
        title="T" * size,
        url="https://example.org/" + "a" * size,
        outlet="O" * size,
        published=dt.date(2024, 1, 1),
        score=1.0,
        heading=None,
        text=WORD * size,
        snippet=f"**{WORD.strip()}** " + WORD * size,
        matched_terms=["Deterrence"],
    )


def info(n: int, size: int) -> SourceInfo:
    return SourceInfo(
        source_id=f"s{n}" + "x" * size,
        title="Title " * size,
        title_stated=True,
        url="https://x.org/" + "p" * size,
        author="A",
        outlet="Outlet " * size,
        published=None,
        format="text",
        passages=3,
        words=400,
        dropped=DropStats(),
    )


@pytest.mark.parametrize("limit", [10, 50, 256, 1024, 4096])
def test_clip_respects_the_limit_and_never_cuts_a_word(limit):
    text = ("A sentence about trilateral security. " * 300).strip()
    clipped = embeds.clip(text, limit)
    assert len(clipped) <= limit and clipped.endswith("…") and no_cut_words(clipped, text)
    assert embeds.clip("short", limit) == "short"


def test_clip_prefers_a_sentence_end_when_it_keeps_most_of_the_text():
    text = "First sentence is here, and it goes on a while. Second sentence is rather longer than that."
    assert embeds.clip(text, 60) == "First sentence is here, and it goes on a while. …"
    early = "Short one. Then a much longer second sentence follows it here."
    assert embeds.clip(early, 40) == "Short one. Then a much longer second…"


@pytest.mark.parametrize("size", [0, 50, 400, 3000])
@pytest.mark.parametrize("per_page", [1, 5, 10])
def test_search_pages_stay_within_limits(size, per_page):
    result = SearchResult(query="q" * (size + 10), hits=[hit(i, size) for i in range(1, 21)])
    embed = embeds.search_page(result, 1, per_page, filters=" · source `x`")
    assert valid(embed) == []
    assert 1 <= len(embed.fields) <= per_page
    if len(embed.fields) < per_page:
        assert "more on the next page" in embed.footer.text


def test_search_page_without_hits_shows_the_message():
    embed = embeds.search_page(SearchResult(query="x", hits=[], message="Nothing **here**."), 1, 5)
    assert embed.description == "Nothing \\*\\*here\\*\\*." and valid(embed) == []


@pytest.mark.parametrize("size", [1, 100, 1000])
def test_briefs_stay_within_limits(size):
    sentences = [BriefSentence(text=(WORD * 60).strip() + f" {i}.", citations=[i, i + 1]) for i in range(1, 11)]
    citations = [
        Citation(
            n=i,
            passage_id=f"p{i}",
            source_id="s",
            title="Title " * size,
            url="https://e.org/" + "u" * size,
            outlet="Outlet",
            published=dt.date(2020, 1, i),
            text="x",
        )
        for i in range(1, 12)
    ]
    embed = embeds.brief_embed(Brief(topic="t" * size, sentences=sentences, citations=citations))
    assert valid(embed) == []
    assert embed.description.count("[") >= 1 and embed.fields


def test_a_brief_without_sentences_shows_message_and_suggestions():
    embed = embeds.brief_embed(
        Brief(topic="thad", sentences=[], citations=[], message="Nothing.", suggestions=["THAAD", "South Korea"])
    )
    assert "`THAAD`" in embed.description and valid(embed) == []


@pytest.mark.parametrize("size", [1, 60, 600])
def test_library_pages_stay_within_limits(size):
    sources = [info(i, size) for i in range(20)]
    for page in (1, 2, 3):
        embed = embeds.sources_page(sources, page)
        assert valid(embed) == [] and len(embed.fields) <= embeds.SOURCES_PER_PAGE
    assert embeds.sources_page([], 1).description.startswith("The library is empty")


@pytest.mark.parametrize("size", [1, 700])
def test_source_and_passage_embeds_stay_within_limits(size):
    summary = Brief(topic="t", sentences=[BriefSentence(text=WORD * size, citations=[1])] * 3, citations=[])
    assert valid(embeds.source_embed(info(1, size), summary)) == []
    passage = Passage(
        passage_id="s:p1", source_id="s", ordinal=1, heading="H" * 3 * size, text=WORD * 3 * size, start=0, end=1
    )
    assert valid(embeds.passage_embed(passage, info(1, size))) == []


def test_help_is_within_limits():
    assert valid(embeds.help_embed()) == []


def test_fit_trims_a_message_to_6000_characters():
    embed = embeds.search_page(SearchResult(query="q", hits=[hit(i, 900) for i in range(1, 11)]), 1, 10)
    assert embeds.embed_length(embed) <= embeds.MESSAGE_TOTAL


def test_views_respect_component_limits():
    key, owner = "0123456789abcdef", 2**63 - 1
    ranks = [(rank, ("s" * 80 if rank % 2 else "web-0123456789ab") + f":p{rank}") for rank in range(21, 31)]
    view = search_view(key, owner, page=3, pages=9, ranks=ranks)
    assert valid(embeds.help_embed(), view=view) == []
    rows = view.to_components()
    assert len(rows) == 3 and [len(r["components"]) for r in rows] == [2, 5, 5]
    ids = [button["custom_id"] for row in rows[1:] for button in row["components"]]
    assert all(len(i) <= 100 for i in ids)
    assert ids[:2] == [f"bb:show:{key}:21", f"bb:show:{key}:22:web-0123456789ab:p22"]  # a passage id too long: none
    assert library_view(owner, 1, 1) is None
    assert valid(embeds.help_embed(), view=library_view(owner, 2, 3)) == []


def test_autocomplete_ranks_prefix_then_substring_then_fuzzy():
    sources = [info(i, 1) for i in range(40)]
    sources[7] = sources[7].model_copy(update={"source_id": "004_698c", "title": "The shortsighted pact"})
    sources[9] = sources[9].model_copy(update={"source_id": "zzz", "title": "A short note"})
    ranked = rank_sources("short", sources)
    assert [value for _, value in ranked[:2]] == ["004_698c", "zzz"]
    assert rank_sources("shrotsighted", sources)[0][1] == "004_698c"  # a typo still finds it
    everything = rank_sources("", sources)
    assert len(everything) == 25 and all(len(name) <= 100 and len(value) <= 100 for name, value in everything)
    long_title = [info(1, 300).model_copy(update={"source_id": "s" * 64})]
    ((name, value),) = rank_sources("", long_title)
    assert len(name) <= 100 and value == "s" * 64 and name.endswith(f"({'s' * 64})")


def _plain_ranking(typed: str, sources: list[SourceInfo]) -> list[str]:
    """Every source scored (prefix 3, substring 2, else difflib's ratio from 0.5): the oracle for the pruned one."""
    needle, scored = typed.casefold(), []
    for position, source in enumerate(sources):
        sid, title = source.source_id.casefold(), source.title.casefold()
        if sid.startswith(needle) or title.startswith(needle):
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
        scored.append((-score, position, source.source_id))
    return [sid for _, _, sid in sorted(scored)[:25]]


@pytest.mark.parametrize("typed", ["short", "shrot", "pact", "ab", "zz", "the deterrence", "x9q"])
def test_autocomplete_pruning_keeps_the_full_ranking(typed):
    rng = random.Random(3)
    words = ["short", "pact", "deterrence", "alliance", "abacus", "shore", "the", "zebra", "sort", "path"]
    sources = [
        info(i, 1).model_copy(
            update={"source_id": f"{rng.choice(words)[:4]}_{i}", "title": " ".join(rng.choices(words, k=3)).title()}
        )
        for i in range(300)
    ]
    assert [value for _, value in rank_sources(typed, sources)] == _plain_ranking(typed, sources)


def test_cooldown_counts_per_user_with_an_injected_clock():
    now = [0.0]
    cooldown = Cooldown(10, clock=lambda: now[0])
    assert cooldown.retry_after(1) is None
    assert cooldown.retry_after(1) == 10 and cooldown.retry_after(2) is None
    now[0] = 9.5
    assert cooldown.retry_after(1) == pytest.approx(0.5)
    now[0] = 10
    assert cooldown.retry_after(1) is None
    assert (
        Cooldown(0, clock=lambda: 0.0).retry_after(1) is None and Cooldown(0, clock=lambda: 0.0).retry_after(1) is None
    )


def test_sources_and_source_show_the_language():
    korean = info(1, 1).model_copy(update={"language": "ko"})
    assert "Korean" in embeds.sources_page([korean, info(2, 1)], 1).fields[0].value
    assert "unknown" in embeds.sources_page([korean, info(2, 1)], 1).fields[1].value
    summary = Brief(topic="t", sentences=[], citations=[])
    fields = {f.name: f.value for f in embeds.source_embed(korean, summary).fields}
    assert fields["Language"] == "Korean"


def test_a_link_too_long_for_a_citation_line_leaves_the_excerpt_and_passage_id():
    long_link = hit(1, 10).model_copy(update={"url": "https://example.org/" + "a" * 1000})
    value = embeds.search_page(SearchResult(query="q", hits=[long_link]), 1, 5).fields[0].value
    assert value.startswith("**Deterrence**") and value.endswith("`src001:p1`") and "example.org" not in value
    short_link = embeds.search_page(SearchResult(query="q", hits=[hit(1, 10)]), 1, 5).fields[0].value
    assert "[link](https://example.org/" in short_link


def test_blank_titles_still_make_valid_fields():
    blank = [info(n, 1).model_copy(update={"title": " \n "}) for n in range(2)]
    assert embeds.title(" ", 256) == "Untitled"
    assert valid(embeds.sources_page(blank, 1)) == []


async def test_autocomplete_ranks_off_the_event_loop_and_gives_up_in_time(monkeypatch):
    """Listing and ranking thousands of sources run in a thread; past the deadline there are no choices, and
    the loop kept ticking meanwhile."""

    class SlowLibrary:
        def sources(self, scope):
            time.sleep(0.5)  # the source infos computed again after a change
            return [info(n, 1) for n in range(50)]

    monkeypatch.setattr(autocomplete, "ANSWER_WITHIN", 0.2)
    ticks = 0

    async def tick():
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    assert await autocomplete.source_choices(SlowLibrary(), "s1", 0) == []
    assert ticks >= 10
    monkeypatch.setattr(autocomplete, "ANSWER_WITHIN", 5.0)
    choices = await autocomplete.source_choices(SlowLibrary(), "s1", 0)
    ticker.cancel()
    assert choices[0].value.startswith("s1")
