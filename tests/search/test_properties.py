"""Properties that hold for any input (hypothesis): loaders, cleaning, passages, the query parser, snippets,
sidecars and the rendering escapes never fail on arbitrary bytes or text other than as documented.

Examples are bounded by the "ci" profile registered in tests/conftest.py (set HYPOTHESIS_PROFILE=dev for more).
"""

import hashlib
import json
import re
import string
from pathlib import Path

from hypothesis import assume, given
from hypothesis import strategies as st

from search.acronyms import define
from search.analyze import Analyzer
from search.clean import clean_lines
from search.corpus import parse_bytes
from search.ingest import IngestError, read_documents
from search.markup import escape_markdown, terminal_safe
from search.nesting import nesting_depth
from search.query import parse_query
from search.sidecar import read_sidecar
from search.snippet import make_snippet
from search.web import HASH_CHUNK, _whole_words, content_hash

ANALYZER = Analyzer()
SUFFIXES = [".txt", ".json", ".html", ".md", ".markdown", ".pdf"]
MARKUP = [
    "<p>",
    "</p>",
    "<div>",
    "<h1>",
    "</h1>",
    "<li>",
    "<br>",
    "<script>",
    "&amp;",
    "&#0;",
    "# ",
    "* ",
    "> ",
    "```",
    "[",
    "]",
    "{",
    "}",
    '"',
    ":",
    ",",
    "\\",
    "\n",
    "\n\n",
    "\r",
    "\t",
    "\x00",
    "\ufeff",
    "\u202e",
    "Seoul",
    "alliance",
    "THAAD",
    "2024-03-26",
    "By Jane Doe",
    "Copyright",
    "Subscribe",
    "。",
    "서울",
    "東京",
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
POSTS = st.fixed_dictionaries(
    {"id": st.integers(), "content": st.fixed_dictionaries({"rendered": st.text(max_size=200)})},
    optional={"title": JSON_VALUES, "link": JSON_VALUES, "date": JSON_VALUES},
)
TEXTS = (
    st.text(max_size=600)
    | st.lists(st.sampled_from(MARKUP) | st.text(max_size=12), max_size=60).map("".join)
    | st.one_of(JSON_VALUES, st.lists(POSTS, max_size=3), POSTS).map(json.dumps)
)
MASKED_LINK = re.compile(r"(?<!\\)\[(?:[^\]\\]|\\.)*(?<!\\)\]\(")


def _loaded(data: bytes, suffix: str):
    try:
        return parse_bytes(data, Path("doc" + suffix))
    except IngestError:
        return []


@given(st.binary(max_size=2000) | st.binary(max_size=2000).map(b"%PDF-1.4\n".__add__), st.sampled_from(SUFFIXES))
def test_any_bytes_load_or_raise_ingest_error(data, suffix):
    _loaded(data, suffix)


@given(TEXTS, st.sampled_from(SUFFIXES), st.sampled_from(["utf-8", "utf-16", "utf-32", "utf-8-sig"]))
def test_passages_are_exact_slices_of_the_source_text(text, suffix, encoding):
    for source, passages in _loaded(text.encode(encoding, "surrogatepass"), suffix):
        assert passages
        for passage in passages:
            assert passage.text == source.text[passage.start : passage.end]
            assert passage.source_id == source.source_id


@given(TEXTS, st.sampled_from(["", ".json", ".html", ".md", ".txt"]))
def test_read_documents_raises_only_ingest_error(text, suffix):
    try:
        docs = read_documents(text, suffix=suffix)
    except IngestError:
        return
    assert all(isinstance(line, str) for doc in docs for line in doc.lines)


@given(st.lists(st.sampled_from(MARKUP) | st.text(max_size=80), max_size=40), st.none() | st.text(max_size=40))
def test_cleaning_never_fails(lines, title):
    cleaned = clean_lines(lines, title=title)
    assert all(isinstance(block.text, str) for block in cleaned.blocks)


@given(
    st.text(max_size=300) | st.lists(st.sampled_from(['"', "-", "*", "OR", " ", "Seoul", "서울", "国連"])).map("".join)
)
def test_the_query_parser_never_fails(text):
    parsed = parse_query(text, ANALYZER)
    assert parsed.problem or parsed.terms


@given(
    st.lists(
        st.sampled_from(["(", ")", "(USFK)", "U.S. ", "Forces ", "Korea ", "of ", "한국(ROK)"]) | st.text(), max_size=60
    ).map("".join)
)
def test_any_text_gives_a_definition_or_none(text):
    expansion = define("usfk", [text], ANALYZER)
    assert expansion is None or len(expansion.long_form) > 1 and "usfk" not in expansion.long_form


@given(st.text(max_size=800), st.text(max_size=60), st.integers(min_value=20, max_value=400))
def test_snippets_never_fail_and_stay_near_their_width(text, query, width):
    terms = set(ANALYZER.terms(query, query=True))
    snippet = make_snippet(text, ANALYZER.tokens(text), terms, width=width)
    plain = snippet.replace("**", "").replace("\\", "")
    assert len(plain) <= max(width, len(text)) + 2


@given(st.text(alphabet=string.printable + "[]{}\"'=#\n", max_size=400))
def test_any_sidecar_is_read_or_reported(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("sidecar") / "sources.toml"
    path.write_text(text, encoding="utf-8")
    entries, problems = read_sidecar(path)
    assert isinstance(entries, dict) and all(isinstance(p, str) for p in problems)


@given(st.text(max_size=300))
def test_nesting_depth_is_at_least_that_of_valid_json(text):
    assume(text)
    value = json.dumps([[text]])
    assert nesting_depth(value) == 2


@given(
    st.text(max_size=300)
    | st.lists(st.sampled_from(["[", "]", "(", ")", "https://evil.example", "\\", "x"])).map("".join)
)
def test_escaped_text_has_no_masked_links(text):
    assert not MASKED_LINK.search(escape_markdown(text))


@given(st.text(max_size=300))
def test_terminal_safe_text_has_no_control_characters(text):
    cleaned = terminal_safe(text)
    assert not any(ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F for c in cleaned)


WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000"
SPACED_TEXT = st.text(alphabet=st.sampled_from("aZß\u0130ﬁ" + WHITESPACE), max_size=60)


@given(SPACED_TEXT, st.integers(1, 8))
def test_text_is_cut_only_at_whitespace(text, size):
    pieces = list(_whole_words(text, size))
    assert "".join(pieces) == text
    assert [w for piece in pieces for w in piece.split()] == text.split()


@given(SPACED_TEXT, st.integers(1, 4))
def test_the_content_hash_is_that_of_the_normalised_folded_text(text, repeats):
    long = (text + " ") * (repeats * HASH_CHUNK // max(len(text), 1) + 1) if text.strip() else text
    expected = hashlib.sha256(" ".join(long.split()).casefold().encode()).hexdigest()[:32]
    assert content_hash(long) == expected
