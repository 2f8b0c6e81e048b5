"""People named by part of their name: in a source that writes "President Yoon Suk-yeol" once, a later
"the Suk-yeol administration" or "President Yoon's policies" is about Yoon Suk-yeol too.

News and analysis name a person in full once and by one part of the name after, with or without a title. A
brief about a person reads its passages for that convention and counts a short mention as the whole name
(``with_names``), as an acronym counts as its long form (``search.acronyms``), where the reading is safe:

- the topic holds a name: two or more of its words stand together in the passages, capitalised and in any
  order ("Kishida Fumio" for "Fumio Kishida");
- the name is a person's: a title or role ("President", "Mr.", "CEO", "coach") stands right before it or
  before one of its parts standing alone, in any of the passages;
- a source that writes the name in full is read on its own (one sense per discourse): a part counts there
  when each of its uses in that source is capitalised and within the name or alone (a title before it
  allowed). A part written in lower case is a common word too ("moon", "park"), and "North Korea" never
  makes "Korea" stand for it, since "South Korea" is another name around the same word;
- a source that never writes the name in full gets the parts that pass that test over all the passages:
  where one source writes "Lee Myung-bak" and another "Lee Jae-myung", a third one's "President Lee" is
  neither of them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from search.analyze import HAN_KANA, HANGUL, TOKEN_RE, Analyzer

TITLES = frozenset(
    """
    president minister secretary chairman chairwoman chair chancellor premier senator sen governor gov
    ambassador envoy general gen admiral adm colonel col lieutenant lt commander mayor speaker leader
    representative rep congressman congresswoman king queen prince princess emperor sheikh pope
    mr mrs ms dr professor prof judge justice vice deputy officer sergeant sheriff detective inspector
    ceo cfo coo cto founder cofounder executive chief director spokesman spokeswoman spokesperson analyst economist
    lawyer attorney coach manager captain forward defenseman quarterback pitcher striker goalkeeper
    actor actress singer rapper
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_CJK = re.compile(f"[{HANGUL}{HAN_KANA}]")  # Korean, Japanese and Chinese names are not read here
_WORD = re.compile(rf"(?:{TOKEN_RE.pattern})(?:[-‐‑](?:{TOKEN_RE.pattern}))*")  # hyphens join a word: "Suk-yeol"


@dataclass(frozen=True)
class _Word:
    terms: tuple[str, ...]  # index terms; () for a stopword
    capitalised: bool
    title: bool
    joined_to_next: bool  # only white space (or a title's full stop) before the next word


@dataclass(frozen=True)
class Name:
    """A person's name in one source: its index terms, and the words (each a tuple of index terms) the source
    also names the person by."""

    terms: tuple[str, ...]
    parts: frozenset[tuple[str, ...]]


def names_in(topic: str, sources: Mapping[str, Iterable[str]], analyzer: Analyzer) -> dict[str, list[Name]]:
    """For each source (the texts of the passages a brief reads from it), the people the topic names whom the
    source also names by part of their name."""
    topic_words = [w.terms for w in _words(topic, analyzer) if w.terms]
    if len(topic_words) < 2:
        return {}
    words = {source: [w for text in texts for w in _words(text, analyzer)] for source, texts in sources.items()}
    everywhere = [w for source_words in words.values() for w in source_words]
    found: dict[str, list[Name]] = {}
    taken: set[int] = set()
    for size in range(len(topic_words), 1, -1):  # the longest name first; a shorter one inside it is not another
        for start in range(len(topic_words) - size + 1):
            if taken & set(range(start, start + size)):
                continue
            name = tuple(t for word in topic_words[start : start + size] for t in word)
            own = {source: reading for source, ws in words.items() if (reading := _short_forms(name, ws))}
            if not own:
                continue  # never written in full
            parts, titled = _short_forms(name, everywhere)  # written in full somewhere, so never None
            if not (titled or any(cue for _, cue in own.values())):
                continue  # nothing shows it is a person's
            taken |= set(range(start, start + size))
            for source in words:
                source_parts = own[source][0] if source in own else parts
                if source_parts:
                    found.setdefault(source, []).append(Name(name, source_parts))
    return found


def with_names(text: str, terms: list[str], names: Sequence[Name], analyzer: Analyzer) -> list[str]:
    """``terms`` (the text's) and the name's terms once more for each capitalised short mention of one of the
    names in ``text``."""
    present = set(terms)
    names = [name for name in names if any(present.issuperset(part) for part in name.parts)]
    if not names:
        return terms
    out = list(terms)
    words = _words(text, analyzer)
    for name in names:
        full = _inside(_occurrences(name.terms, words))
        out += [
            t
            for i, w in enumerate(words)
            if i not in full and w.capitalised and w.terms in name.parts
            for t in name.terms
        ]
    return out


def _short_forms(name: tuple[str, ...], words: list[_Word]) -> tuple[frozenset[tuple[str, ...]], bool] | None:
    """The words whose every use in ``words`` is capitalised and alone, and whether a title stands before the
    name written in full or one of those words; None if ``words`` never write the name in full."""
    spans = _occurrences(name, words)
    if not spans:
        return None
    inside = _inside(spans)
    uses: dict[tuple[str, ...], list[int]] = {}
    for i, w in enumerate(words):
        if i not in inside and w.terms and set(w.terms) <= set(name):
            uses.setdefault(w.terms, []).append(i)
    parts = {
        part for part, at in uses.items() if all(words[i].capitalised and _alone(words, i) for i in at)
    }  # a part also written in lower case is a common word too ("moon", "park")
    titled = [start for start, _ in spans] + [i for part in parts for i in uses[part]]
    return frozenset(parts), any(_after_title(words, i) for i in titled)


def _occurrences(name: tuple[str, ...], words: list[_Word]) -> list[tuple[int, int]]:
    """(start, number of words) of each run of capitalised words whose terms are exactly the name's, in any
    order and however hyphenated ("Yoon Suk-yeol", "Yoon Suk Yeol", "Kishida Fumio" for "Fumio Kishida")."""
    wanted = Counter(name)
    spans = []
    for start in range(len(words)):
        if not (words[start].capitalised and words[start].terms and wanted.keys() >= set(words[start].terms)):
            continue
        held: Counter = Counter()
        for end in range(start, len(words)):
            if not words[end].capitalised or (end > start and not words[end - 1].joined_to_next):
                break
            held.update(words[end].terms)
            if held == wanted:
                spans.append((start, end - start + 1))
            if held.total() >= len(name):
                break
    return spans


def _inside(spans: list[tuple[int, int]]) -> set[int]:
    return {i for start, size in spans for i in range(start, start + size)}


def _alone(words: list[_Word], i: int) -> bool:
    """No capitalised word but a title is joined to word ``i``: it is not part of another name."""
    before = i > 0 and words[i - 1].joined_to_next and _names_something(words[i - 1]) and not words[i - 1].title
    after = i + 1 < len(words) and words[i].joined_to_next and _names_something(words[i + 1])
    return not before and not after


def _after_title(words: list[_Word], i: int) -> bool:
    return i > 0 and words[i - 1].title and words[i - 1].joined_to_next


def _names_something(word: _Word) -> bool:
    return word.capitalised and bool(word.terms)


def _words(text: str, analyzer: Analyzer) -> list[_Word]:
    """The text's words, a hyphenated word as one; a word holding CJK characters is never part of a name."""
    matches = list(_WORD.finditer(text))
    cjk = _CJK.search(text) is not None
    words: list[_Word] = []
    for n, match in enumerate(matches):
        surface = match.group()
        pieces = TOKEN_RE.findall(surface)
        foreign = cjk and _CJK.search(surface) is not None
        terms = () if foreign else tuple(t for piece in pieces if (t := analyzer.term(piece)) is not None)
        title = len(pieces) == 1 and surface.casefold() in TITLES
        gap = text[match.end() : matches[n + 1].start()] if n + 1 < len(matches) else "."
        joined = gap.isspace() or (title and gap.startswith(".") and gap[1:].isspace())
        words.append(_Word(terms, not foreign and surface[0].isupper(), title, joined))
    return words
