"""Snippets: the densest window of matches, found in one pass, gives what the straightforward search for it
gives (compared on generated inputs), and the work grows linearly with the number of matches."""

import sys
from pathlib import Path
from unittest import mock

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import search.snippet
from search.analyze import Analyzer, Token
from search.snippet import _densest, make_snippet

ANALYZER = Analyzer()
WORDS = [
    "hypersonic",
    "Hypersonic",
    "missile",
    "missiles",
    "the",
    "alliance",
    "Seoul",
    "THAAD",
    "item",
    "42",
    "a",
    "*bold*",
    "[link](x)",
    "_",
    "\n",
    "\n\n",
    ".",
    ",",
    "東京",
    "国連安保理",
    "서울",
    "미사일을",
    "ミサイル",
]
SEPARATORS = ["", " ", " ", " ", "  ", "\n", "\t"]
TEXTS = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=5, max_size=250).map(
    lambda pairs: "".join(word + sep for word, sep in pairs)
)
QUERIES = st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join)
WIDTHS = st.integers(min_value=10, max_value=300) | st.integers(min_value=10, max_value=40)


def reference_densest(hits: list[tuple[int, int, tuple[str, ...]]], width: int) -> int:
    """For every hit, count the distinct matches of the hits in its window; the start of the best, earliest."""
    best = max(hits, key=lambda h: (len({m for s, e, m in hits if h[0] <= s and e <= h[0] + width}), -h[0]))
    return best[0]


def reference_snippet(text: str, tokens: list[Token], terms: set[str], width: int = 240) -> str:
    """make_snippet with the straightforward search for the densest window in place of ``_densest``."""
    with mock.patch.object(search.snippet, "_densest", reference_densest):
        return make_snippet(text, tokens, terms, width=width)


@given(TEXTS, QUERIES, WIDTHS)
def test_the_snippet_is_that_of_the_straightforward_search(text, query, width):
    tokens = ANALYZER.tokens(text)
    terms = set(ANALYZER.terms(query, query=True))
    assert make_snippet(text, tokens, terms, width=width) == reference_snippet(text, tokens, terms, width=width)


@st.composite
def made_up_tokens(draw):
    """Any text and tokens over it, in any order, overlapping or touching: not only what the analyzer makes."""
    text = draw(st.text(alphabet="ab \n*", min_size=1, max_size=300))
    spans = st.tuples(st.integers(0, len(text)), st.integers(0, 12)).map(lambda p: (p[0], min(len(text), sum(p))))
    tokens = [
        Token(term, position, start, end)
        for position, (term, (start, end)) in enumerate(
            draw(st.lists(st.tuples(st.sampled_from("xyzw"), spans), max_size=120))
        )
    ]
    return text, tokens


@given(made_up_tokens(), st.sets(st.sampled_from("xyzw")), WIDTHS)
def test_the_snippet_is_that_of_the_straightforward_search_for_any_tokens(text_tokens, terms, width):
    text, tokens = text_tokens
    assert make_snippet(text, tokens, terms, width=width) == reference_snippet(text, tokens, terms, width=width)


@st.composite
def made_up_hits(draw):
    """What ``_marked`` gives: disjoint spans in order (gaps of at least one character), some longer than a
    window, each with the terms it matched."""
    hits, end = [], -1
    for gap, length, matched in draw(
        st.lists(st.tuples(st.integers(1, 12), st.integers(0, 30), st.sampled_from(["x", "y", "z", "xy"])))
    ):
        start = end + gap
        end = start + length
        hits.append((start, end, tuple(matched)))
    return hits


@settings(max_examples=300)
@given(made_up_hits(), st.integers(min_value=0, max_value=60))
def test_the_densest_window_is_that_of_the_straightforward_search(hits, width):
    assume(hits)
    assert _densest(hits, width) == reference_densest(hits, width)


def test_a_long_list_of_matches_gives_the_snippet_of_the_straightforward_search():
    items = [f"item {i} hypersonic missile" for i in range(300)]
    text = " ".join([*items[:150], "THAAD Seoul", *items[150:]])
    terms = set(ANALYZER.terms("hypersonic missile THAAD Seoul", query=True))
    tokens = ANALYZER.tokens(text)
    snippet = make_snippet(text, tokens, terms)
    assert snippet == reference_snippet(text, tokens, terms)
    assert "item 148" in snippet  # the first window with all four terms ends at "THAAD Seoul"


def _steps(text: str, terms: set[str]) -> int:
    """Bytecode instructions run in search/snippet.py (its functions, lambdas and comprehensions) to make a
    snippet of ``text``: a count of the work that does not depend on the machine's speed."""
    tokens = ANALYZER.tokens(text)
    filename = str(Path(search.snippet.__file__))
    steps = 0

    def trace(frame, event, arg):
        nonlocal steps
        if frame.f_code.co_filename != filename:
            return None
        frame.f_trace_opcodes = True
        if event == "opcode":
            steps += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        make_snippet(text, tokens, terms)
    finally:
        sys.settrace(previous)
    return steps


def test_the_work_grows_linearly_with_the_number_of_matches():
    """Four times the matches, about four times the work (it was sixteen: every match's window was counted
    over all the matches, which hung a search on a 20 MB text full of them)."""
    terms = set(ANALYZER.terms("hypersonic missile", query=True))
    small, large = (_steps(" ".join(f"item {i} hypersonic missile" for i in range(n)), terms) for n in (100, 400))
    assert small > 0
    assert large < 6 * small
