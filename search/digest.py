"""Digests, pure: what each subscription's digest holds (when it is due: ``search.schedule``).

Content: the sources first seen since the previous digest, the same story from several sources folded into
one item, each with a one- or two-sentence extractive summary and its link; then, for each topic, the best
new passages with citations.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from search.library import Library
from search.models import Source
from search.scopes import ALL_SERVERS, OPERATOR
from search.vectors import cosine, tfidf

SAME_STORY = 0.5  # cosine of tf-idf vectors above which two new sources tell one story
TOPIC_PASSAGES = 3
SUMMARY_SENTENCES = 2


class SourceRef(BaseModel):
    source_id: str
    title: str
    outlet: str | None
    url: str | None


class DigestItem(BaseModel):
    source_id: str
    title: str
    outlet: str | None
    published: dt.date | None
    url: str | None
    summary: list[str]
    also: list[SourceRef] = []  # other sources telling the same story


class DigestPassage(BaseModel):
    passage_id: str
    source_id: str
    title: str
    url: str | None
    snippet: str


class DigestTopic(BaseModel):
    topic: str
    passages: list[DigestPassage]


class Digest(BaseModel):
    since: dt.datetime | None
    until: dt.datetime
    items: list[DigestItem]
    topics: list[DigestTopic]

    @property
    def empty(self) -> bool:
        return not self.items and not any(t.passages for t in self.topics)


def build_digest(
    library: Library,
    *,
    since: dt.datetime | None,
    until: dt.datetime,
    topics: list[str],
    first_seen: dict[str, dt.datetime],
    scope: int | None = OPERATOR,
) -> Digest:
    """The digest of the sources ``scope`` sees (its own and the shared library's) first seen in (since, until],
    with the topics' best new passages."""
    known = library.corpus.sources
    new_ids = sorted(
        (
            sid
            for sid, seen in first_seen.items()
            if library.can_see(sid, scope) and (since is None or seen > since) and seen <= until
        ),
        key=lambda sid: (first_seen[sid], sid),
    )
    items = [_item(library, story) for story in _stories(library, [known[sid] for sid in new_ids])]
    topic_results = []
    for topic in topics:
        passages: list[DigestPassage] = []
        if new_ids:
            result = library.search(topic, limit=TOPIC_PASSAGES, sources=new_ids, scope=scope)
            passages = [
                DigestPassage(
                    passage_id=h.passage_id, source_id=h.source_id, title=h.title, url=h.url, snippet=h.snippet
                )
                for h in result.hits
            ]
        topic_results.append(DigestTopic(topic=topic, passages=passages))
    return Digest(since=since, until=until, items=items, topics=topic_results)


def _item(library: Library, story: list[Source]) -> DigestItem:
    lead, *others = story
    summary = library.summary(lead.source_id, sentences=SUMMARY_SENTENCES, scope=ALL_SERVERS)  # chosen by scope
    return DigestItem(
        source_id=lead.source_id,
        title=lead.display_title,
        outlet=lead.outlet,
        published=lead.published,
        url=lead.url,
        summary=[s.text for s in summary.sentences],
        also=[SourceRef(source_id=s.source_id, title=s.display_title, outlet=s.outlet, url=s.url) for s in others],
    )


def _stories(library: Library, sources: list[Source]) -> list[list[Source]]:
    """Group sources that tell the same story (greedy, in order: the first of a group leads it)."""
    texts = [" ".join(p.text for p in library.sample_passages(s.source_id)) for s in sources]  # bounded per source
    vectors = [tfidf(library.analyzer.terms(text), library.index.idf) for text in texts]
    stories: list[list[int]] = []
    for i, vector in enumerate(vectors):
        for story in stories:
            if cosine(vector, vectors[story[0]]) >= SAME_STORY:
                story.append(i)
                break
        else:
            stories.append([i])
    return [[sources[i] for i in story] for story in stories]
