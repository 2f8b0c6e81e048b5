"""Passages: bounded in size even when a text has no sentence boundary (a 20 MB text with no full stops was
one passage, and searching it hung), exact slices of the source text, and unchanged for ordinary text."""

import math
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

import search.passages
from search.analyze import count_words
from search.clean import Block
from search.passages import MAX_WORDS, MIN_WORDS, _split_long, _Unit, assemble
from search.sentences import sentence_spans


def _check(text: str, passages) -> None:
    """Slices of the text, in order, at most MAX_WORDS words, not cutting a word, with every word in one."""
    previous_end = 0
    for passage in passages:
        assert passage.text == text[passage.start : passage.end]
        assert passage.text and passage.text == passage.text.strip()
        assert passage.words <= MAX_WORDS, (passage.passage_id, passage.words)
        assert previous_end <= passage.start
        previous_end = passage.end
    words = [word for p in passages for word in p.text.split()]
    assert words == text.split() or "".join(words) == "".join(text.split())


def test_a_text_with_no_sentence_boundary_is_cut_into_passages_of_at_most_max_words():
    text = " ".join(f"item {i} hypersonic missile" for i in range(5000))  # 20,000 words, no full stop
    source_text, passages = assemble("list", [Block("paragraph", text)])
    assert source_text == text
    _check(text, passages)
    assert [p.text.split() for p in passages] == [
        text.split()[start:end] for start, end in zip(*_edges(len(passages), 20_000), strict=True)
    ]
    assert len(passages) == math.ceil(20_000 / MAX_WORDS)
    assert {p.words for p in passages} == {MAX_WORDS}
    assert [p.passage_id for p in passages] == [f"list:p{n}" for n in range(1, len(passages) + 1)]


def _edges(parts: int, words: int) -> tuple[list[int], list[int]]:
    starts = [words * i // parts for i in range(parts)]
    return starts, [*starts[1:], words]


def test_cut_passages_are_near_equal_and_words_stay_whole():
    words = [f"w{i}" + "x" * (i % 7) for i in range(1001)]
    text = "\n".join(" ".join(words[i : i + 13]) for i in range(0, 1001, 13))  # line breaks, no full stop
    _, passages = assemble("s", [Block("paragraph", text)])
    _check(text, passages)
    assert sorted({p.words for p in passages}) == [166, 167]  # 1001 words in six parts
    assert all(text[p.start - 1].isspace() for p in passages[1:])
    assert all(text[p.end].isspace() for p in passages[:-1])


def test_a_long_sentence_among_ordinary_ones_is_cut_and_the_others_are_kept_whole():
    before = "The alliance met in Seoul. " * 30
    after = ". It ended" * 30 + "."
    text = before + " ".join(["hypersonic missile"] * 400) + after
    _, passages = assemble("s", [Block("paragraph", text)])
    _check(text, passages)
    assert sum(p.text.count("The alliance met in Seoul.") for p in passages) == 30
    assert sum(p.text.count("It ended.") for p in passages) == 30
    cut = [p for p in passages if "hypersonic" in p.text]
    assert len(cut) == 4 and cut[0].text.startswith("hypersonic") and cut[-1].text.endswith("missile.")


def test_han_and_kana_text_with_no_sentence_end_is_cut_too():
    text = "東京大阪名古屋ミサイル防衛" * 400  # 5,200 characters: 2,600 words as count_words counts them
    _, passages = assemble("ja", [Block("paragraph", text)])
    _check(text, passages)
    assert "".join(p.text for p in passages) == text
    assert len(passages) == math.ceil(count_words(text) / MAX_WORDS)
    mixed = "".join(f"{i}東京ab大阪 " for i in range(600))
    _, passages = assemble("mixed", [Block("paragraph", mixed)])
    _check(mixed, passages)


def test_one_long_word_is_one_passage():
    text = "x" * 100_000
    _, passages = assemble("s", [Block("paragraph", text)])
    assert [(p.start, p.end) for p in passages] == [(0, len(text))]


def _old_split_long(text: str, heading: str | None, start: int, end: int) -> list[_Unit]:
    """_split_long before over-long sentences were cut (every sentence whole): what ordinary text must still
    give."""

    def whole_sentences(text: str, start: int, end: int):
        for s, e in sentence_spans(text[start:end]):
            yield start + s, start + e, count_words(text[start + s : start + e])

    with mock.patch.object(search.passages, "_pieces", whole_sentences):
        return _split_long(text, heading, start, end)


WORDS = ["Seoul", "alliance", "U.S.", "p.", "4", "the", "東京", "서울", "—", "(THAAD)", '"', "missile"]
SENTENCES = st.builds(
    lambda length, seed, end: " ".join(WORDS[(seed + i * i) % len(WORDS)] for i in range(length)) + end,
    st.integers(1, 150),
    st.integers(0, 100),
    st.sampled_from([".", "!", "?", "。"]),
)
PARAGRAPHS = st.lists(SENTENCES, min_size=1, max_size=30).map(" ".join)


@settings(max_examples=200)
@given(PARAGRAPHS)
def test_ordinary_paragraphs_are_split_as_before(text):
    spans = sentence_spans(text)
    if any(count_words(text[s:e]) > MAX_WORDS for s, e in spans):
        return  # (a sentence the segmenter did not end: the old code kept it whole)
    assert _split_long(text, "h", 0, len(text)) == _old_split_long(text, "h", 0, len(text))


PIECES = st.sampled_from([*WORDS, "hypersonic", "\n", ".", "。", "ミサイル", "国連安保理", "x" * 30])


@given(st.lists(st.tuples(PIECES, st.integers(1, 300) | st.just(1)), max_size=30))
def test_passages_of_any_text_are_bounded_slices(runs):
    text = " ".join(" ".join([piece] * repeats) for piece, repeats in runs).strip()
    blocks = [Block("paragraph", part.strip()) for part in text.split("\n") if part.strip()]
    source_text, passages = assemble("s", blocks)
    for passage in passages:
        assert passage.text == source_text[passage.start : passage.end]
        assert passage.words <= MAX_WORDS
    assert "".join("".join(p.text.split()) for p in passages) == "".join(source_text.split())
    assert len(passages) <= max(1, math.ceil(count_words(source_text) / MIN_WORDS) + len(blocks))
