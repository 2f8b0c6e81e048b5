"""Suggestions when a query finds nothing: indexed words spelled like the query's ("did you mean"), and
two-word topics found in the most sources (what the library covers well). Pure functions over a corpus."""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict

from search.analyze import Analyzer
from search.models import Passage

_NOT_TOPIC_WORDS = frozenset({"will", "would", "can", "could", "may", "might", "must", "shall", "also", "said"})


def surface_words(passages: list[Passage], analyzer: Analyzer) -> dict[str, str]:
    """Lowercased word -> its most common spelling, for every indexed word."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    for passage in passages:
        for token in analyzer.tokens(passage.text):
            word = passage.text[token.start : token.end]
            spellings[word.casefold()][word] += 1
    return {lower: forms.most_common(1)[0][0] for lower, forms in spellings.items()}


def did_you_mean(text: str, words: dict[str, str], analyzer: Analyzer, known) -> list[str]:
    """Up to three indexed words closest in spelling to the query words ``known(term)`` says are absent."""
    suggestions: list[str] = []
    for token in analyzer.tokens(text, query=True):
        if known(token.term):
            continue
        typed = text[token.start : token.end].casefold()
        for match in difflib.get_close_matches(typed, list(words), n=2, cutoff=0.8):
            if words[match] not in suggestions:
                suggestions.append(words[match])
    return suggestions[:3]


def topics(passages: list[Passage], analyzer: Analyzer, n: int = 6) -> list[str]:
    """Two-word phrases found in the most sources (then most often), in their most common spelling."""
    sources: dict[tuple[str, str], set[str]] = defaultdict(set)
    counts: Counter = Counter()
    spellings: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for passage in passages:
        tokens = analyzer.tokens(passage.text)
        for first, second in zip(tokens, tokens[1:], strict=False):
            surface = passage.text[first.start : second.end]
            if (
                second.position != first.position + 1
                or second.start < first.end  # overlapping CJK bigrams are pieces of one word, not two words
                or _NOT_TOPIC_WORDS & set(surface.casefold().split())
            ):
                continue
            key = (first.term, second.term)
            sources[key].add(passage.source_id)
            counts[key] += 1
            spellings[key][surface] += 1
    ranked = sorted(counts, key=lambda k: (-len(sources[k]), -counts[k], k))
    return [spellings[k].most_common(1)[0][0] for k in ranked[:n]]
