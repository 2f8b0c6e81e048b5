"""Sentence boundaries, in time linear in the text's length.

sentencex (Wikimedia's rule-based segmenter, compiled) keeps abbreviations ("U.S.", "Oct.", "Gen.", "p. 4")
and quotes and brackets inside their sentence, and ends sentences at "。", "！" and "？" as well. Measured
against the alternatives on a 4 MB single paragraph (``python -m bench.sentences``): pysbd grows
quadratically (about a minute), nupunkt takes about 1 s and joins CJK sentences, syntok re-tokenises the text
(its sentences are not slices of it) and joins CJK sentences too; sentencex takes a few hundredths of a
second and its segments are exact slices of the input, so offsets need no searching.
"""

from __future__ import annotations

import sentencex

LANGUAGE = "en"  # its rules for "." abbreviations; the CJK and other sentence ends are recognised in any text


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence in ``text``, surrounding whitespace excluded."""
    spans = []
    position = 0
    for segment in sentencex.segment(LANGUAGE, text):
        start, end = position, position + len(segment)
        position = end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if spans and start == spans[-1][1] and text[start - 1] == ".":
            spans[-1] = (spans[-1][0], end)  # no space after a ".": inside a word ("Japan-U.S.-South Korea")
        elif start < end:
            spans.append((start, end))
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]
