"""The service: index life cycle, filters, phrases, snippets, bad input."""

import datetime as dt
import json
import shutil

import pytest

from search.library import Library, UnknownSourceError
from tests.conftest import SEEDS

BAD_QUERIES = {
    "": "Type some words",
    "   \t  ": "Type some words",
    "the and of to": "too common",
    "?!... ---": "no words",
    "🙂🙂🔥": "no words",
    "x" * 10_000: "10,000 characters",
    "\x00\x00": "Type some words",
    "한국어 질문": "Nothing in the library matches",
}
ODD_QUERIES = [
    "'; DROP TABLE sources; --",
    "<script>alert(1)</script>",
    "**bold** _it_ `code` [link](http://x)",
    "@everyone @here",
    "trilateral\x00cooperation",
    '"unclosed phrase',
    '""',
]


@pytest.fixture
def seeds_copy(tmp_path):
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def test_the_index_is_built_once_then_reused_and_rebuilt_when_stale(seeds_copy, tmp_path):
    data = tmp_path / "data"
    assert Library(seeds_copy, data).open().rebuilt
    assert not Library(seeds_copy, data).open().rebuilt
    (seeds_copy / "005_new.txt").write_text("New analysis\n" + "Trilateral hotline talks resumed in Tokyo. " * 6)
    grown = Library(seeds_copy, data).open()  # a new file: indexed as a delta of the saved index
    assert not grown.rebuilt and len(grown.index.segments) == 2
    assert grown.search("hotline").hits[0].source_id == "005_new"
    (seeds_copy / "005_new.txt").unlink()
    shrunk = Library(seeds_copy, data).open()  # a removed file: its passages are masked, not re-indexed
    assert not shrunk.rebuilt and shrunk.search("hotline").hits == [] and len(shrunk.corpus.sources) == 5
    assert Library(seeds_copy, data, k1=1.5).open().rebuilt  # other parameters: stale too


def test_a_damaged_index_is_rebuilt(seeds_copy, tmp_path):
    data = tmp_path / "data"
    Library(seeds_copy, data).open()
    manifest = data / "index" / "manifest.json"
    manifest.write_text(json.dumps({"format": "something else"}))
    again = Library(seeds_copy, data).open()
    assert again.rebuilt and again.search("THAAD").hits


def test_hits_carry_citation_fields(library):
    hit = library.search("THAAD missile defense", limit=1).hits[0]
    assert hit.rank == 1 and hit.source_id.startswith("002") and hit.passage_id.startswith(hit.source_id)
    assert hit.published == dt.date(2014, 10, 9) and hit.title.startswith("[Anaysis]")
    assert hit.score > 0 and "THAAD" in hit.text
    assert "**THAAD**" in hit.snippet and hit.matched_terms[0] in {"THAAD", "missile", "defense"}


def test_snippets_mark_matches_and_never_cut_words(library):
    for hit in library.search("trilateral cooperation", limit=10).hits:
        assert "**" in hit.snippet
        core = hit.snippet.strip("…").replace("**", "").replace("\\", "")
        assert core in hit.text.replace("\n\n", " ")
        assert len(core) <= 260


def test_source_filter(library):
    sid = next(s for s in library.corpus.sources if s.startswith("004"))
    hits = library.search("trilateral", limit=20, sources=[sid]).hits
    assert hits and {h.source_id for h in hits} == {sid}


def test_unknown_source_is_an_error(library):
    with pytest.raises(UnknownSourceError, match="No source with id 'nope'"):
        library.search("trilateral", sources=["nope"])
    with pytest.raises(UnknownSourceError):
        library.source_info("nope")


def test_date_filters_exclude_undated_sources(library):
    since = library.search("alliance", limit=50, since=dt.date(2020, 1, 1)).hits
    assert since and {h.published for h in since} == {dt.date(2024, 3, 26)}
    until = library.search("alliance", limit=50, until=dt.date(2015, 1, 1)).hits
    assert until and {h.published for h in until} == {dt.date(2014, 10, 9)}
    result = library.search("alliance", since=dt.date(2025, 1, 1), until=dt.date(2024, 1, 1))
    assert result.hits == [] and "after" in result.message


def test_quoted_phrases_must_match_in_order(library):
    hits = library.search('"comfort women"', limit=10).hits
    assert len(hits) == 2 and all("comfort women" in h.text for h in hits)
    assert library.search('"women comfort"').hits == []
    both = library.search('"missile defense system" THAAD', limit=10).hits
    assert both and all("missile defense system" in h.text for h in both)


def test_limit_is_honoured_and_validated(library):
    assert len(library.search("Korea", limit=3).hits) == 3
    with pytest.raises(ValueError):
        library.search("Korea", limit=0)


@pytest.mark.parametrize(("query", "explanation"), BAD_QUERIES.items(), ids=range(len(BAD_QUERIES)))
def test_bad_queries_give_an_empty_result_and_one_line(library, query, explanation):
    result = library.search(query)
    assert result.hits == [] and explanation in result.message and "\n" not in result.message


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_are_searched_as_words(library, query):
    result = library.search(query)
    assert (result.hits and result.message is None) or (not result.hits and result.message)


def test_the_unrelated_tail_of_004_is_not_searchable(library):
    tail_only = ("Blinken", "Kyiv", "Gaza pier", "Mexico cartels", "opioid overdose", "Rockin", "assassination teams")
    for query in tail_only:  # a capital may find its country in the article ("Kyiv": Ukraine), not the tail
        matched = {word.lower() for hit in library.search(query).hits for word in hit.matched_terms}
        assert not matched & set(query.lower().split()), query


def test_sources_list_counts_passages_and_words(library):
    infos = library.sources()
    assert len(infos) == 5 and sum(i.passages for i in infos) == len(library.corpus.passages)
    assert all(i.words > 300 for i in infos)
    untitled = next(i for i in infos if i.source_id.startswith("003"))
    assert not untitled.title_stated and untitled.title.startswith("Untitled")


def test_passage_lookup(library):
    passage = library.get_passage("004_698c3ea95e86228a:p3")
    assert passage.text.startswith("Since the Camp David summit")
    with pytest.raises(UnknownSourceError):
        library.get_passage("004_698c3ea95e86228a:p99")
