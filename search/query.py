"""Query parsing: free text with optional "quoted phrases" -> terms, phrases, or why nothing can be searched."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from search.acronyms import Expansion
from search.analyze import Analyzer, Token

MAX_QUERY_CHARS = 500
_PHRASE = re.compile(r'"([^"]+)"|“([^”]+)”')


@dataclass
class ParsedQuery:
    text: str
    terms: list[str] = field(default_factory=list)
    phrases: list[list[Token]] = field(default_factory=list)
    problem: str | None = None  # a one-line explanation when there is nothing to search for
    expansions: list[Expansion] = field(default_factory=list)  # what its terms are also written as (Library)


def parse_query(text: str, analyzer: Analyzer) -> ParsedQuery:
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text).strip()
    if not text:
        return ParsedQuery(text, problem="Type some words to search for.")
    if len(text) > MAX_QUERY_CHARS:
        return ParsedQuery(
            text[:MAX_QUERY_CHARS],
            problem=f"That query is {len(text):,} characters long; keep it under {MAX_QUERY_CHARS}.",
        )
    terms = analyzer.terms(text, query=True)
    if not terms:
        if re.search(r"\w", text):
            return ParsedQuery(text, problem="Those words are too common to search for; add a more specific one.")
        return ParsedQuery(text, problem="There are no words to search for in that query.")
    phrases = []
    for match in _PHRASE.finditer(text):
        tokens = analyzer.tokens(match.group(1) or match.group(2), query=True)
        if len(tokens) > 1:
            phrases.append(tokens)
    return ParsedQuery(text, terms, phrases)


def contains_phrase(doc_tokens: list[Token], phrase: list[Token]) -> bool:
    """True if the phrase's terms occur at the same relative word positions (stopwords keep their slots)."""
    at = {t.position: t.term for t in doc_tokens}
    first = phrase[0]
    offsets = [(t.position - first.position, t.term) for t in phrase[1:]]
    return any(
        token.term == first.term and all(at.get(token.position + d) == term for d, term in offsets)
        for token in doc_tokens
    )
