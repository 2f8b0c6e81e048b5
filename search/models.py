"""Pydantic models: what the library produces and what the bot and the CLI render."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from search.analyze import count_words

UNTITLED_CHARS = 60  # at most this much of an untitled source's opening words stands for its title


class DropStats(BaseModel):
    """What cleaning removed from one source, for the health report."""

    boilerplate_lines: int = 0
    duplicate_lines: int = 0
    tail_lines: int = 0
    metadata_lines: int = 0


class Source(BaseModel):
    """One document, cleaned. Metadata fields are filled only where the document (or a sidecar) states them."""

    source_id: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: dt.date | None = None
    origin: str = Field(description="file path or URL the source was read from")
    format: str = Field(description="wordpress-json, html, markdown or text")
    text: str = Field(description="cleaned text: headings and paragraphs separated by blank lines")
    dropped: DropStats = Field(default_factory=DropStats)
    language: str | None = Field(default=None, description="detected language code (en, ko, ja, zh), if known")

    @property
    def display_title(self) -> str:
        """The stated title, or a label that says there is none."""
        if self.title:
            return self.title
        opening = " ".join(self.text[: UNTITLED_CHARS * 4].split()[:8])  # the text's start, never all of it
        if len(opening) > UNTITLED_CHARS:  # cut at a space; unspaced scripts (Japanese, Chinese) mid-text
            cut = opening[: UNTITLED_CHARS + 1]
            opening = cut.rsplit(" ", 1)[0] if " " in cut else cut[:UNTITLED_CHARS]
        return f"Untitled: {opening}…" if opening else f"Untitled ({self.source_id})"


class Passage(BaseModel):
    """A citable chunk of a source: ``text == source.text[start:end]``."""

    passage_id: str
    source_id: str
    ordinal: int
    heading: str | None = None
    text: str
    start: int
    end: int

    @property
    def words(self) -> int:
        return count_words(self.text)


class CitedPassage(BaseModel):
    """A passage with what it takes to cite it."""

    passage_id: str
    source_id: str
    title: str
    url: str | None
    outlet: str | None
    published: dt.date | None
    text: str

    @classmethod
    def cite(cls, passage: Passage, source: Source, **fields):
        return cls(
            passage_id=passage.passage_id,
            source_id=source.source_id,
            title=source.display_title,
            url=source.url,
            outlet=source.outlet,
            published=source.published,
            text=passage.text,
            **fields,
        )


class Hit(CitedPassage):
    rank: int
    score: float
    heading: str | None
    snippet: str = Field(description="an excerpt with matched words marked **like this**")
    matched_terms: list[str]


class SearchResult(BaseModel):
    query: str
    hits: list[Hit]
    message: str | None = Field(default=None, description="why there are no hits, when there are none")


class SourceInfo(BaseModel):
    source_id: str
    title: str
    title_stated: bool
    url: str | None
    author: str | None
    outlet: str | None
    published: dt.date | None
    format: str
    passages: int
    words: int
    dropped: DropStats
    language: str | None = None
