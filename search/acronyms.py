"""Acronyms the library defines, so that an acronym in a query also finds its long form.

One source writes "U.S. Forces Korea (USFK)" once and "USFK" after; another only ever writes "U.S. Forces
Korea". A search for ``USFK`` should find both. The library is its own dictionary: a query term is looked
up in the passages that hold it in parentheses, and a definition there (found by the Schwartz–Hearst
algorithm, "A simple algorithm for identifying abbreviation definitions in biomedical text", 2003, as the
abbreviation-extractor package implements it) gives its long form. Ranking then counts each occurrence of
the long form, word for word, as an occurrence of the acronym (``written_out``). The other way round, a query
that writes a long form out ("U.S. Forces Korea") also finds the acronym: runs of its words are read as the
acronyms they could be written as (``spellings``), and one the library defines with that long form joins the
query.

Only an acronym written with at least two capitals counts ("(USFK)", "(GSOMIA)", not "(see below)"), the
long form must have two or more index terms, and the passages read must write the term in capitals at least
as often as not: "Binge Eating Disorder (BED)" does not make "bed" or "bedding" (stemmed to ``bed``) an
acronym where they are words. The lookup reads at most ``LOOKUP_PASSAGES`` passages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from abbreviation_extractor import extract_abbreviation_definition_pairs

from search.analyze import Analyzer

LOOKUP_PASSAGES = 32  # passages holding a query term read for its definition
_PARENTHESISED = re.compile(r"\(\s*([^()]{2,12}?)\s*\)")
_BEFORE = 300  # characters before "(USFK)" read for its long form
_WORD = re.compile(r"[^\W\d_][\w.'’-]*")
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+")  # "U.S."
MINOR_WORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "the", "to"})  # in a long form, or not
MOST_WORDS = 8  # the longest run of words read as one acronym


@dataclass(frozen=True)
class Expansion:
    """A query term and the index terms of what it is also written as: an acronym's long form, ``usfk`` ->
    (``usa``, ``forc``, ``korea``), or a capital's country (search.capitals)."""

    term: str
    long_form: tuple[str, ...]


def define(term: str, texts: Iterable[str], analyzer: Analyzer) -> Expansion | None:
    """The long form the texts define most often for the acronym whose index term is ``term``, if any."""
    texts = list(texts)
    found: Counter = Counter()
    for text in texts:
        for match in _PARENTHESISED.finditer(text):
            written = match.group(1)
            if sum(c.isupper() for c in written) < 2 or analyzer.terms(written) != [term]:
                continue
            before = text[max(0, match.start() - _BEFORE) : match.end()]
            for pair in extract_abbreviation_definition_pairs(before, ignore_errors=True, tokenize=False):
                long_form = tuple(analyzer.terms(pair.definition))
                if pair.abbreviation == written and len(long_form) > 1 and term not in long_form:
                    found[long_form] += 1
    if not found or not _mostly_in_capitals(term, texts, analyzer):
        return None
    return Expansion(term, max(found, key=lambda form: (found[form], form)))


def _mostly_in_capitals(term: str, texts: list[str], analyzer: Analyzer) -> bool:
    """Whether the texts write ``term`` with two or more capitals at least as often as otherwise."""
    written = Counter(
        sum(c.isupper() for c in text[token.start : token.end]) >= 2
        for text in texts
        for token in analyzer.tokens(text)
        if token.term == term
    )
    return written[True] >= written[False]


def spellings(text: str) -> set[str]:
    """The acronyms that runs of the text's words could be written as: their initials ("Terminal High Altitude
    Area Defense": THAAD), a dotted abbreviation's or capitalised word's letters ("U.S. Forces Korea", "US
    Forces Korea": USFK), each part of a hyphenated word's initial or only the first ("Trans-Pacific": TP or
    T), and a minor word's ("of", "and") initial or none. A run starts and ends with a word that is not minor."""
    words = [word.rstrip(".'’-") if not _DOTTED.fullmatch(word) else word for word in _WORD.findall(text)]
    letters = [_letters(word) for word in words]
    found: set[str] = set()
    for start, word in enumerate(words):
        if word.lower() in MINOR_WORDS:
            continue
        runs = {""}
        for end in range(start, min(start + MOST_WORDS, len(words))):
            runs = {run + part for run in runs for part in letters[end]}
            if end > start and words[end].lower() not in MINOR_WORDS:
                found.update(run for run in runs if len(run) > 1)
    return found


def _letters(word: str) -> set[str]:
    """What a word can give an acronym (see ``spellings``)."""
    if _DOTTED.fullmatch(word):
        return {word.replace(".", "").upper()}
    if len(word) > 1 and word.isupper():  # "US", "EU"
        return {word[0], word}
    parts = [part for part in re.split(r"[-‐–]", word) if part]  # a word starts with a letter: never empty
    first = {parts[0][0].upper()}
    if word.lower() in MINOR_WORDS:
        return first | {""}
    return first | {"".join(part[0] for part in parts).upper()}


def written_out(terms: Sequence[str], long_form: Sequence[str]) -> int:
    """How many times the long form's terms occur in ``terms`` in a row."""
    form, n = tuple(long_form), len(long_form)
    return sum(1 for i in range(len(terms) - n + 1) if terms[i] == form[0] and tuple(terms[i : i + n]) == form)


def with_acronyms(terms: Sequence[str], expansions: Sequence[Expansion]) -> list[str]:
    """``terms`` and, for each occurrence of an expansion's long form in them, the term it stands for, and for
    each occurrence of the term, its long form's: each is written for the other."""
    out = list(terms)
    for expansion in expansions:
        out += [expansion.term] * written_out(terms, expansion.long_form)
        out += list(expansion.long_form) * terms.count(expansion.term)
    return out
