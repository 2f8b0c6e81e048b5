"""Extractive briefs: every sentence is a verbatim quote from a cited passage.

Pipeline (pure; the Library supplies the retrieved passages and the index's IDF):
whole sentences of the top passages -> score = topic coverage (IDF-weighted share of the topic's terms),
centrality (cosine to the centroid of the relevant sentences) and the passage's retrieval score -> MMR
selection with a same-source penalty and a near-duplicate cutoff, at least two sources whenever two are
relevant -> reading order (dated sources oldest first, then undated by relevance; each source's sentences
in document order) -> numbered citations. ``verify_brief`` checks the verbatim rule.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel

from search.acronyms import Expansion, with_acronyms
from search.analyze import Analyzer, count_words
from search.models import CitedPassage, Passage, Source
from search.names import Name, names_in, with_names
from search.sentences import sentence_spans
from search.vectors import cosine, tfidf

MAX_BRIEF_CHARS = 3800
DEFAULT_SENTENCES = 5
MAX_SENTENCES = 10
MIN_SENTENCE_WORDS = 6
MAX_SENTENCE_WORDS = 90
NEAR_DUPLICATE = 0.6  # cosine above which two sentences say the same thing
NOT_ONE_TOPIC = "No sentence in the library is about “{topic}” as a whole; try fewer words, or search for them."
NOT_QUOTABLE = "The passages about “{topic}” have no whole sentence of 6 to 90 words to quote; search for them instead."
NOT_USED = "No source in the library uses {words}, so no sentence is about “{topic}”; try other words, or search."
CORE_COVERAGE = 0.7  # share of the topic's IDF weight a sentence must hold to be about the topic
PARTIAL_COVERAGE = 0.5  # ... or, when no sentence holds that much, to stand in for one
# An opener that leans on the sentence before it: a connective or a leading pronoun/demonstrative.
# "It is"/"It was" (an expletive: "It is not possible to ...") does not, unless "for this reason" follows.
# Korean connectives and demonstratives stand before a space or comma; Japanese connectives before a comma.
DEPENDENT_OPENER = re.compile(
    r"[“\"'‘(「『]?(?:(?:further(?:more)?|moreover|however|in particular|in addition|also|indeed|thus|therefore|hence|"
    r"but|and|yet|instead|otherwise|similarly|likewise|nevertheless|nonetheless|consequently|as a result|"
    r"for this reason|this|these|that|those|they|he|she|his|her|its|their|such|"
    r"it(?! (?:is|was|seems) (?!for this)))\b"
    r"|(?:그러나|하지만|그런데|또한|게다가|따라서|그래서|그러므로|이에|이는|이것은|이러한|이런|그는|그들은)[\s,，]"
    r"|(?:しかしながら|しかし|だが|また|さらに|そのため|したがって|それでも|一方で?)[、,，])",
    re.IGNORECASE,
)
_MMR_LAMBDA = 0.7
_SAME_SOURCE_PENALTY = 0.08
_SENTENCE_END = re.compile(r"[.!?。！？][\"'”’)\]」』）]*$")


class BriefSentence(BaseModel):
    text: str
    citations: list[int]


class Citation(CitedPassage):
    n: int


class Brief(BaseModel):
    topic: str
    sentences: list[BriefSentence]
    citations: list[Citation]
    suggestions: list[str] = []
    message: str | None = None

    def rendered_length(self) -> int:
        """Characters of the sentences with their " [n]" markers, as a reader sees them."""
        return sum(len(s.text) + sum(len(f" [{n}]") for n in s.citations) + 1 for s in self.sentences)


@dataclass
class Retrieved:
    passage: Passage
    source: Source
    score: float


@dataclass
class _Sentence:
    text: str
    item: Retrieved
    start: int
    vector: dict[str, float]
    coverage: float = 0.0
    score: float = 0.0
    also_in: list[Retrieved] = field(default_factory=list)


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def whole_sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) for each complete sentence of each paragraph, whitespace normalized."""
    out = []
    offset = 0
    for paragraph in text.split("\n\n"):
        for start, end in sentence_spans(paragraph):
            sentence = normalize_space(paragraph[start:end])
            words = count_words(sentence)
            first = sentence[0]
            if (
                MIN_SENTENCE_WORDS <= words <= MAX_SENTENCE_WORDS
                and _SENTENCE_END.search(sentence)
                # a capital, or a letter of a script without case (Hangul, kana, Han): not a fragment
                and ((first.isalpha() and not first.islower()) or first in "“\"'‘(「『" or first.isdigit())
            ):
                out.append((offset + start, sentence))
        offset += len(paragraph) + 2
    return out


def make_brief(
    topic: str,
    topic_terms: list[str],
    retrieved: list[Retrieved],
    analyzer: Analyzer,
    idf: Callable[[str], float],
    *,
    sentences: int = DEFAULT_SENTENCES,
    unused: list[str] | None = None,
    expansions: Sequence[Expansion] = (),
) -> Brief:
    """Select, order and cite up to ``sentences`` sentences about the topic from the retrieved passages;
    fewer when fewer are about it (see ``_on_topic``). ``unused``: the topic's words no source uses, named
    when there is no brief; ``expansions``: the long forms of the topic's acronyms, which stand for them."""
    candidates = _candidates(retrieved, analyzer, idf, expansions, _people(topic, retrieved, analyzer))
    wanted = set(topic_terms)
    weight = sum(idf(t) for t in wanted) or 1.0
    for s in candidates:
        s.coverage = sum(idf(t) for t in wanted if t in s.vector) / weight
    pairs = _adjacent_pairs(candidates)
    pool = _on_topic(candidates, wanted, pairs)
    _score(pool, max((r.score for r in retrieved), default=1.0), use_coverage=True)
    sources = len({s.item.source.source_id for s in pool})
    chosen = _select(pool, sentences, min_sources=min(sources, 2), antecedents=_antecedents(pairs))
    if not chosen:
        unquotable = not any(s.coverage for s in candidates)  # no sentence of length to quote holds a topic word
        if unused and not unquotable:
            words = " or ".join(f"“{word}”" for word in unused)
            message = NOT_USED.format(words=words, topic=topic)
        else:
            message = (NOT_QUOTABLE if unquotable else NOT_ONE_TOPIC).format(topic=topic)
        return Brief(topic=topic, sentences=[], citations=[], message=message)
    return _fit(topic, _reading_order(chosen, pool))


def _on_topic(
    candidates: list[_Sentence], wanted: set[str], pairs: list[tuple[_Sentence, _Sentence]]
) -> list[_Sentence]:
    """The sentences that carry the topic as a concept.

    Core: the sentence holds at least ``CORE_COVERAGE`` of the topic's IDF weight, so a two- or three-word
    topic needs all its words unless one is far more common than the rest, and a sentence whose only overlap
    is a frequent word ("sharing", "security") never qualifies. When no sentence does, the best-covering
    sentences with at least two of the topic's words and ``PARTIAL_COVERAGE`` of its weight (or, for one
    word, those containing it) stand in; when none has that much, no sentence is about the topic.
    Continuation: a sentence that leans on a core sentence right before it (a dependent opener: "This
    expenditure contradicted…") qualifies too when it stays within the topic: it holds one of the topic's
    words itself, or the sentence after it is core again. A continuation that moves on to consequences
    ("This has created a sense of uncertainty…") and a neighbour that merely shares a word with the topic do
    not (judged off-topic by readers who never saw a brief: docs/ranking.md). ``pairs``: the candidates'
    ``_adjacent_pairs``.
    """
    core = [s for s in candidates if s.coverage >= CORE_COVERAGE]
    if not core:
        several = [s for s in candidates if len(wanted & s.vector.keys()) >= min(2, len(wanted))]
        best = max((s.coverage for s in several), default=0.0)
        core = [s for s in several if s.coverage >= best - 1e-9 and best >= PARTIAL_COVERAGE]
    chosen = {id(s) for s in core}
    leaning = _antecedents(pairs)
    core_after = {id(before) for before, after in pairs if id(after) in chosen}
    return core + [
        s
        for s in candidates
        if id(s) not in chosen and id(leaning.get(id(s))) in chosen and (s.coverage > 0 or id(s) in core_after)
    ]


def _antecedents(pairs: list[tuple[_Sentence, _Sentence]]) -> dict[int, _Sentence]:
    """For each sentence opening with a word that leans on the sentence before, that sentence."""
    return {id(after): before for before, after in pairs if DEPENDENT_OPENER.match(after.text)}


def _adjacent_pairs(candidates: list[_Sentence]) -> list[tuple[_Sentence, _Sentence]]:
    """(sentence, next sentence) where nothing but white space separates them in the source: in one passage,
    or the last of a passage and the first of the next one."""
    ordered = sorted(candidates, key=lambda s: (s.item.source.source_id, s.item.passage.ordinal, s.start))
    pairs = []
    for a, b in zip(ordered, ordered[1:], strict=False):
        pa, pb = a.item.passage, b.item.passage
        if pa.source_id != pb.source_id:
            continue
        a_end = _end_in_passage(a)
        same_passage = pa.ordinal == pb.ordinal and not pa.text[a_end : b.start].strip()
        next_passage = pb.ordinal == pa.ordinal + 1 and not pa.text[a_end:].strip() and not pb.text[: b.start].strip()
        if same_passage or next_passage:
            pairs.append((a, b))
    return pairs


def _end_in_passage(s: _Sentence) -> int:
    """Where the sentence ends in its passage's text (sentences are whitespace-normalised copies)."""
    text, i = s.item.passage.text, s.start
    for word in s.text.split():
        i = text.index(word, i) + len(word)
    return i


def summarize(source: Source, passages: list[Passage], analyzer: Analyzer, idf, *, sentences: int = 3) -> Brief:
    """A source's most central sentences, in document order."""
    items = [Retrieved(p, source, 1.0) for p in passages]
    pool = _candidates(items, analyzer, idf)
    _score(pool, 1.0, use_coverage=False)
    chosen = _select(pool, sentences, min_sources=1, antecedents=_antecedents(_adjacent_pairs(pool)))
    chosen.sort(key=lambda s: (s.item.passage.ordinal, s.start))
    return _fit(source.display_title, chosen)


def verify_brief(brief: Brief) -> list[str]:
    """Problems with a brief: a sentence missing from a passage it cites, or a citation out of range."""
    by_number = {c.n: normalize_space(c.text) for c in brief.citations}
    problems = []
    for sentence in brief.sentences:
        if not sentence.citations:
            problems.append(f"uncited: {sentence.text!r}")
        for n in sentence.citations:
            if n not in by_number:
                problems.append(f"citation [{n}] does not exist")
            elif normalize_space(sentence.text) not in by_number[n]:
                problems.append(f"not in passage [{n}]: {sentence.text!r}")
    return problems


def _people(topic: str, retrieved: list[Retrieved], analyzer: Analyzer) -> dict[str, list[Name]]:
    """For each source, the people the topic names whom it also names by part of their name."""
    texts: dict[str, list[str]] = {}
    for item in retrieved:
        texts.setdefault(item.source.source_id, []).append(item.passage.text)
    return names_in(topic, texts, analyzer)


def _candidates(
    retrieved: list[Retrieved],
    analyzer: Analyzer,
    idf,
    expansions: Sequence[Expansion] = (),
    people: dict[str, list[Name]] | None = None,
) -> list[_Sentence]:
    """The whole sentences of the retrieved passages, each with its terms' tf-idf vector: an acronym's long
    form counts as the acronym, and a person named by part of their name (``people``) as named in full."""
    seen: dict[str, _Sentence] = {}
    for item in retrieved:
        for start, text in whole_sentences(item.passage.text):
            if text in seen:  # the same sentence again: in another passage, cite both; in the same one, once
                first = seen[text]
                if all(item.passage.passage_id != i.passage.passage_id for i in [first.item, *first.also_in]):
                    first.also_in.append(item)
                continue
            names = (people or {}).get(item.source.source_id, [])
            terms = with_acronyms(with_names(text, analyzer.terms(text), names, analyzer), expansions)
            seen[text] = _Sentence(text, item, start, tfidf(terms, idf))
    return list(seen.values())


def _score(pool: list[_Sentence], best_passage: float, *, use_coverage: bool) -> None:
    centroid: Counter = Counter()
    for s in pool:
        centroid.update(s.vector)
    norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
    centroid_vector = {t: v / norm for t, v in centroid.items()}
    for s in pool:
        centrality = cosine(s.vector, centroid_vector)
        passage = s.item.score / best_passage if best_passage else 0.0
        s.score = 0.5 * s.coverage + 0.3 * centrality + 0.2 * passage if use_coverage else centrality


def _select(pool: list[_Sentence], n: int, *, min_sources: int, antecedents: dict[int, _Sentence]) -> list[_Sentence]:
    """MMR: relevance minus redundancy, with a small penalty for piling up one source. A sentence that leans
    on the one before it comes with that sentence (which must be in the pool too) or not at all."""
    chosen: list[_Sentence] = []
    in_pool = {id(s) for s in pool}
    remaining = sorted(pool, key=lambda s: -s.score)
    while remaining and len(chosen) < n:
        missing_sources = min_sources - len({s.item.source.source_id for s in chosen})
        best, best_value = None, -math.inf
        for s in remaining:
            redundancy = max((cosine(s.vector, c.vector) for c in chosen), default=0.0)
            if redundancy > NEAR_DUPLICATE:
                continue
            same_source = sum(c.item.source.source_id == s.item.source.source_id for c in chosen)
            if missing_sources >= n - len(chosen) and same_source:
                continue  # the last slots go to sources not yet quoted
            value = _MMR_LAMBDA * s.score - (1 - _MMR_LAMBDA) * redundancy - _SAME_SOURCE_PENALTY * same_source
            if value > best_value:
                best, best_value = s, value
        if best is None:
            break
        remaining.remove(best)
        unit = _with_context(best, chosen, antecedents)
        # the context a sentence leans on must be on the topic too, unless the sentence itself is central to it
        supported = best.coverage >= CORE_COVERAGE or all(id(s) in in_pool for s in unit or ())
        if unit and supported and len(chosen) + len(unit) <= n:
            chosen += unit
            added = {id(s) for s in unit}
            remaining = [s for s in remaining if id(s) not in added]
    return chosen


def _with_context(s: _Sentence, chosen: list[_Sentence], antecedents: dict[int, _Sentence]) -> list[_Sentence] | None:
    """The sentence and the chain of sentences it leans on that are not chosen yet; None if one of them is
    not among the candidates (the sentence cannot stand alone)."""
    unit = [s]
    taken = {id(c) for c in chosen}
    while DEPENDENT_OPENER.match(unit[-1].text):
        before = antecedents.get(id(unit[-1]))
        if before is None:
            return None
        if id(before) in taken:
            break
        unit.append(before)
    return unit


def _reading_order(chosen: list[_Sentence], pool: list[_Sentence]) -> list[_Sentence]:
    """Dated sources oldest first, then undated ones by their best sentence; document order within."""
    rank = {}
    for i, s in enumerate(sorted(pool, key=lambda s: -s.score)):
        rank.setdefault(s.item.source.source_id, i)

    def key(s: _Sentence):
        published = s.item.source.published
        group = (0, published.toordinal()) if published else (1, rank[s.item.source.source_id])
        return (*group, s.item.source.source_id, s.item.passage.ordinal, s.start)

    return sorted(chosen, key=key)


def _assemble(topic: str, chosen: list[_Sentence]) -> Brief:
    citations: dict[str, Citation] = {}
    sentences = []
    for s in chosen:
        numbers = []
        for item in [s.item, *s.also_in]:
            key = item.passage.passage_id
            if key not in citations:
                citations[key] = Citation.cite(item.passage, item.source, n=len(citations) + 1)
            numbers.append(citations[key].n)
        sentences.append(BriefSentence(text=s.text, citations=numbers))
    return Brief(topic=topic, sentences=sentences, citations=list(citations.values()))


def _fit(topic: str, ordered: list[_Sentence]) -> Brief:
    """Assemble, dropping the least relevant sentences until the brief fits MAX_BRIEF_CHARS."""
    chosen = list(ordered)
    while True:
        brief = _assemble(topic, chosen)
        if brief.rendered_length() <= MAX_BRIEF_CHARS or len(chosen) <= 1:
            return brief
        chosen.remove(min(chosen, key=lambda s: s.score))
