"""Cleaned blocks -> the source's text and its passages.

A passage is built from paragraphs of one section (headings are context, never passages): short paragraphs
are merged until about ``MIN_WORDS``, long ones are split at sentence boundaries into near-equal parts of
at most ``MAX_WORDS``; a "sentence" longer than that (a text with no full stops) is cut between words into
near-equal parts too, so no passage has more than ``MAX_WORDS`` words. Ids are ``{source_id}:p{n}``,
numbered in reading order, so the same source gives the same ids on every run; ``start``/``end`` are
offsets into the cleaned text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from search.analyze import HAN_KANA, count_words
from search.clean import Block
from search.models import Passage
from search.sentences import sentence_spans

MIN_WORDS = 40
MAX_WORDS = 200
BLOCK_SEPARATOR = "\n\n"

# Where an over-long sentence may be cut: around a whitespace-separated word, or around two Han or kana
# characters (their text has no spaces, and count_words counts a run of them as one word per two characters).
# A run of whole atoms has at most as many words as atoms, and exactly as many if it has no Han or kana.
_ATOM = re.compile(rf"[{HAN_KANA}]{{1,2}}|[^\s{HAN_KANA}]+")


@dataclass
class _Unit:
    heading: str | None
    start: int
    end: int
    words: int


def assemble(source_id: str, blocks: list[Block]) -> tuple[str, list[Passage]]:
    """The cleaned text (blocks separated by blank lines) and its passages."""
    text = BLOCK_SEPARATOR.join(block.text for block in blocks)
    units: list[_Unit] = []
    heading = None
    offset = 0
    for block in blocks:
        start, offset = offset, offset + len(block.text) + len(BLOCK_SEPARATOR)
        if block.kind == "heading":
            heading = block.text
        else:
            units.extend(_split_long(text, heading, start, start + len(block.text)))
    passages = []
    for group in _merge_short(units):
        start, end = group[0].start, group[-1].end
        passages.append(
            Passage(
                passage_id=f"{source_id}:p{len(passages) + 1}",
                source_id=source_id,
                ordinal=len(passages) + 1,
                heading=group[0].heading,
                text=text[start:end],
                start=start,
                end=end,
            )
        )
    return text, passages


def _split_long(text: str, heading: str | None, start: int, end: int) -> list[_Unit]:
    words = count_words(text[start:end])
    if words <= MAX_WORDS:
        return [_Unit(heading, start, end, words)]
    target = words / math.ceil(words / MAX_WORDS)
    units: list[_Unit] = []
    current: list[tuple[int, int]] = []
    count = 0
    for s, e, n in _pieces(text, start, end):
        if current and (count + n > MAX_WORDS or count >= target):
            units.append(_Unit(heading, current[0][0], current[-1][1], count))
            current, count = [], 0
        current.append((s, e))
        count += n
    if current:
        units.append(_Unit(heading, current[0][0], current[-1][1], count))
    return units


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """``(start, end, words)`` of the sentences of ``text[start:end]``, those of more than MAX_WORDS words cut."""
    for s, e in sentence_spans(text[start:end]):
        n = count_words(text[start + s : start + e])
        if n <= MAX_WORDS:
            yield start + s, start + e, n
        else:
            yield from _cut(text, start + s, start + e)


def _cut(text: str, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """``text[start:end]`` (a sentence of more than MAX_WORDS words) in near-equal parts of at most MAX_WORDS
    words, cut between atoms (``_ATOM``), each part without the whitespace around it. Two passes over the
    atoms, so memory stays small on a text of millions of words."""
    atoms = sum(1 for _ in _ATOM.finditer(text, start, end))
    parts = math.ceil(atoms / MAX_WORDS)
    firsts = {atoms * i // parts for i in range(parts)}  # the index of each part's first atom
    part_start = previous_end = start
    for i, atom in enumerate(_ATOM.finditer(text, start, end)):
        if i in firsts and i > 0:
            yield part_start, previous_end, count_words(text[part_start:previous_end])
            part_start = atom.start()
        previous_end = atom.end()
    yield part_start, end, count_words(text[part_start:end])


def _merge_short(units: list[_Unit]) -> list[list[_Unit]]:
    """Group consecutive units of one section until each group has at least MIN_WORDS (if it can)."""
    groups: list[list[_Unit]] = []
    for unit in units:
        last = groups[-1] if groups else None
        if last and last[0].heading == unit.heading:
            size = sum(u.words for u in last)
            if (size < MIN_WORDS or unit.words < MIN_WORDS) and size + unit.words <= MAX_WORDS:
                last.append(unit)
                continue
        groups.append([unit])
    return groups
