"""Sentence boundaries (pysbd's rules: abbreviations such as "U.S.", "Oct.", "Gen.", quotes, brackets)."""

from __future__ import annotations

import functools

import pysbd


@functools.cache
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence in ``text``, surrounding whitespace excluded."""
    spans = []
    position = 0
    for sentence in _segmenter().segment(text):
        stripped = sentence.strip()
        if not stripped:
            continue
        start = text.find(stripped, position)
        if start < 0:  # pysbd altered the text; fall back to what is left as one sentence
            rest = text[position:].strip()
            if rest:
                start = text.index(rest, position)
                spans.append((start, start + len(rest)))
            break
        end = start + len(stripped)
        spans.append((start, end))
        position = end
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]
