"""Query-time ranking: the title/heading field, term proximity, pseudo-relevance feedback."""

import json
import math
from collections import Counter

import pytest

from search.analyze import Analyzer
from search.index import BM25Index, field_terms
from search.library import Library
from search.ranking import RankingSettings, _expanded, distinct, diversified, proximity, rank
from tests.conftest import SEEDS

TEXTS = [
    "cost sharing talks for the defense of the allies stalled again this year",
    "defense ministers met while sharing intelligence about costs elsewhere",
    "unrelated text about fisheries and crab quotas in the sea",
    "sharing the cost of defense is what the allies debated at length",
]


def build(texts, titles=None, **kwargs):
    analyzer = Analyzer()
    titles = titles or [""] * len(texts)
    docs = [
        (str(i), analyzer.terms(text) + field_terms(analyzer.terms(title)))
        for i, (text, title) in enumerate(zip(texts, titles, strict=True))
    ]
    return analyzer, BM25Index.build(docs, **kwargs)


@pytest.mark.parametrize(
    ("query", "source"),
    [("shortsighted", "004"), ("entente", "001"), ("erosion of trust", "001")],
)
def test_title_and_heading_words_find_their_source(library, query, source):
    hits = library.search(query, limit=2).hits
    assert hits and all(hit.source_id.startswith(source) for hit in hits)


def test_field_terms_score_without_counting_in_the_body_length():
    analyzer, index = build(["alpha beta", "alpha beta gamma delta"], titles=["", "zeta"], k1=1.2, b=0.75)
    assert index.segments[0].doc_len.tolist() == [2, 4]
    expected = 0.5 * index.idf("\u00a7zeta") * 1 / (1 + 1.2)
    assert index.scores(["zeta"], field_weight=0.5).tolist() == pytest.approx([0, expected])
    assert index.scores(["zeta"], field_weight=0).tolist() == [0, 0]


def test_field_lengths_survive_growth_and_merging():
    _, index = build(["alpha beta"], titles=["gamma"])
    grown = index.extended([("x", ["alpha", "beta", "gamma", *field_terms(["delta"])])])
    merged = grown.merged()
    assert merged.segments[0].doc_len.tolist() == [2, 3]
    assert merged.scores(["delta"]).tolist() == grown.scores(["delta"]).tolist() and grown.scores(["delta"])[1] > 0


def test_an_index_saved_in_the_old_format_is_rebuilt(tmp_path):
    data = tmp_path / "data"
    Library(SEEDS, data).open()
    manifest = data / "index" / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "version": 1}))
    again = Library(SEEDS, data).open()
    assert again.rebuilt and again.search("shortsighted").hits


def test_proximity_rewards_query_terms_close_together():
    analyzer = Analyzer()
    idf = {"cost": 2.0, "share": 2.0}
    near = proximity(analyzer.tokens("the cost sharing deal"), idf, 1.2, 1.2)
    far = proximity(analyzer.tokens("the cost of the many other things and sharing"), idf, 1.2, 1.2)
    assert near > 0 and far == 0
    assert near == pytest.approx(2 * 1.0 * (2.0 / 1) * 2.2 / (2.0 + 1.2))
    assert proximity(analyzer.tokens("cost cost cost"), idf, 1.2, 1.2) == 0  # one term alone is no phrase


def test_proximity_reorders_only_multi_term_queries():
    analyzer, index = build(TEXTS)
    tokens = [analyzer.tokens(t) for t in TEXTS]
    terms = analyzer.terms("cost sharing", query=True)
    plain = rank(index, terms, 4, tokens.__getitem__, settings=RankingSettings(proximity_weight=0))
    near = rank(index, terms, 4, tokens.__getitem__, settings=RankingSettings(proximity_weight=1))
    assert {d for d, _ in plain} == {d for d, _ in near} == {0, 1, 3}
    assert [d for d, _ in near][:2] == [0, 3]  # both have "cost sharing" / "sharing the cost" adjacent
    single = analyzer.terms("fisheries", query=True)
    assert rank(index, single, 4, tokens.__getitem__) == index.search(single, 4)


def test_feedback_adds_terms_from_the_top_documents_but_not_for_one_term():
    analyzer, index = build(TEXTS)
    tokens = [analyzer.tokens(t) for t in TEXTS]
    calls = []

    def counting(doc):
        calls.append(doc)
        return tokens[doc]

    settings = RankingSettings(proximity_weight=0, feedback_docs=2, feedback_terms=5)
    ranked = rank(index, analyzer.terms("allies defense", query=True), 4, counting, settings=settings)
    assert calls and {d for d, _ in ranked} >= {0, 3}
    calls.clear()
    rank(index, analyzer.terms("fisheries", query=True), 4, counting, settings=settings)
    assert calls == []


def test_ranking_scores_are_finite_and_ordered(library):
    hits = library.search("security dilemma North Korea", limit=10).hits
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and all(math.isfinite(s) for s in scores)


def test_pages_hold_at_most_two_per_source_in_otherwise_original_order():
    groups = ["a", "a", "a", "b", "a", "c", "b", "b", "c"]
    order = diversified(groups, page_size=4)
    assert sorted(order) == list(range(len(groups)))
    assert order[:4] == [0, 1, 3, 5]  # the third "a" waits for the next page
    for start in range(0, len(order), 4):
        page = [groups[i] for i in order[start : start + 4]]
        assert max(page.count(g) for g in set(page)) <= 2 or len(set(groups[i] for i in order[start:])) == 1
    assert diversified(["a"] * 5, page_size=2) == [0, 1, 2, 3, 4]  # one source left: its pages fill anyway
    assert diversified([], page_size=3) == []


def test_a_passage_that_repeats_a_better_one_word_for_word_is_left_out_and_only_equal_lengths_are_read():
    texts = {1: "Allies met.", 2: "Allies  met.", 3: "Allies met!", 4: "Allies met."}
    lengths = {1: 2.0, 2: 2.0, 3: 2.0, 4: 3.0}
    read = []

    def text(doc):
        read.append(doc)
        return texts[doc]

    ranked = [(1, 9.0), (4, 8.0), (2, 7.0), (3, 6.0)]
    assert distinct(ranked, lengths.get, text) == [(1, 9.0), (4, 8.0), (3, 6.0)]
    assert sorted(read) == [1, 2, 3]


def test_search_pages_are_diverse_and_a_source_filter_gets_the_rest(library):
    hits = library.search("trilateral", limit=10, page_size=5).hits
    for page in (hits[:5], hits[5:]):
        sources = [h.source_id for h in page]
        assert max(sources.count(s) for s in sources) <= 2
    assert [h.rank for h in hits] == list(range(1, 11))
    top = hits[0].source_id
    only = library.search("trilateral", limit=10, sources=[top]).hits
    assert len(only) > 2 and {h.source_id for h in only} == {top}
    scores = [h.score for h in only]
    assert scores == sorted(scores, reverse=True)


def test_feedback_takes_expansion_terms_only_below_the_document_frequency_cap_in_a_large_index():
    analyzer, index = build(TEXTS)
    tokens = [analyzer.tokens(t) for t in TEXTS]
    query = Counter(analyzer.terms("cost sharing", query=True))
    top = index.search(query, 2)
    large = index.n_docs
    capped = _expanded(index, query, top, tokens.__getitem__, RankingSettings(feedback_max_df=0.3, large_index=large))
    uncapped = _expanded(index, query, top, tokens.__getitem__, RankingSettings(feedback_max_df=None))
    common = {t for t in uncapped if index.doc_freq(t) > 0.3 * index.n_docs} - set(query)
    assert common and not common & set(capped) and set(query) <= set(capped)
    small = RankingSettings(feedback_max_df=0.3, large_index=large + 1)  # the cap holds in a large index only
    assert _expanded(index, query, top, tokens.__getitem__, small) == uncapped
