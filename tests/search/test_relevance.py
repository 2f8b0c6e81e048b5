"""Graded relevance over the seeds: the engine must put what answers a question first."""

import pytest

from bench.semantic import SETS, seed_rows
from tests.conftest import full_id
from tests.search.judgments import (
    FRESH_JUDGMENTS,
    HELDOUT_JUDGMENTS,
    JUDGMENTS,
    PARAPHRASE_JUDGMENTS,
    UNTOUCHED_JUDGMENTS,
    best_page,
    ndcg_at,
)

EVERY = {query: grades for judgments in SETS.values() for query, grades in judgments.items()}


def mean_ndcg_at_5(library, judgments: dict[str, dict[str, int]]) -> tuple[float, list]:
    per_query = {}
    for query, grades in judgments.items():
        full = {full_id(short): grade for short, grade in grades.items()}
        ranked = [hit.passage_id for hit in library.search(query, limit=5).hits]
        per_query[query] = ndcg_at(ranked, full, 5)
    return sum(per_query.values()) / len(per_query), sorted(per_query.items(), key=lambda kv: kv[1])[:5]


def test_there_are_at_least_twenty_judged_queries_fifteen_paraphrases_and_thirty_held_out():
    assert len(JUDGMENTS) >= 20 and len(PARAPHRASE_JUDGMENTS) >= 15
    assert len(HELDOUT_JUDGMENTS) >= 15 and len(FRESH_JUDGMENTS) >= 15 and len(UNTOUCHED_JUDGMENTS) >= 15
    assert len(EVERY) == sum(map(len, SETS.values())) == 87


def test_mean_ndcg_at_5_is_at_least_0_9(library):
    mean, worst = mean_ndcg_at_5(library, JUDGMENTS)
    assert mean >= 0.9, worst


@pytest.mark.parametrize(
    ("judgments", "floor"),
    [(PARAPHRASE_JUDGMENTS, 0.73), (HELDOUT_JUDGMENTS, 0.63), (FRESH_JUDGMENTS, 0.48), (UNTOUCHED_JUDGMENTS, 0.4)],
)
def test_paraphrased_and_held_out_queries_do_not_regress(library, judgments, floor):
    """Floors under today's figures (0.741, 0.646, 0.501 and 0.423, docs/ranking.md), not the goal: see the test
    below."""
    mean, worst = mean_ndcg_at_5(library, judgments)
    assert mean >= floor, worst


@pytest.mark.parametrize(
    ("judgments", "floor", "lift"),
    [
        (PARAPHRASE_JUDGMENTS, 0.77, 0.04),
        (HELDOUT_JUDGMENTS, 0.7, 0.1),
        (FRESH_JUDGMENTS, 0.55, 0.05),
        (UNTOUCHED_JUDGMENTS, 0.5, 0.05),
    ],
)
def test_semantic_reranking_lifts_paraphrases_and_held_out_queries(library, reranked_library, judgments, floor, lift):
    """Floors under the measured figures (paraphrases 0.823 against 0.741 lexical, held-out 0.761 against 0.646,
    fresh 0.577 against 0.501, untouched 0.531 against 0.423: docs/ranking.md), so a regression shows; the 0.95
    goal is the last test below."""
    lexical, _ = mean_ndcg_at_5(library, judgments)
    reranked, worst = mean_ndcg_at_5(reranked_library, judgments)
    assert reranked >= max(floor, lexical + lift), worst


def test_semantic_reranking_keeps_the_original_queries(reranked_library):
    """0.933 measured (0.931 lexical)."""
    original, worst = mean_ndcg_at_5(reranked_library, JUDGMENTS)
    assert original >= 0.92, worst


@pytest.mark.xfail(strict=True, reason="not met: 0.683 lexical, 0.751 reranked on all 87; see docs/ranking.md")
@pytest.mark.parametrize("ranking", ["library", "reranked_library"])
def test_mean_ndcg_at_5_on_all_judged_queries_reaches_0_95(request, ranking):
    mean, worst = mean_ndcg_at_5(request.getfixturevalue(ranking), EVERY)
    assert mean >= 0.95, worst


def test_the_best_diverse_page_takes_at_most_two_passages_of_a_source():
    grades = {"000:p1": 2, "000:p2": 2, "000:p3": 2, "001:p1": 1}
    assert best_page(grades) == ["000:p1", "000:p2", "001:p1"]
    assert ndcg_at(best_page(grades), grades, 5) < 1 == ndcg_at(best_page(grades, per_source=3), grades, 5)


def test_ndcg_is_one_for_the_ideal_ranking_and_less_otherwise():
    grades = {"a": 2, "b": 1}
    assert ndcg_at(["a", "b"], grades, 5) == 1
    assert ndcg_at(["b", "a"], grades, 5) < 1
    assert ndcg_at(["x", "y"], grades, 5) == 0


def test_the_semantic_benchmark_scores_the_seeds_as_library_search_ranks_them(library, reranked_library, reranker):
    """``python -m bench semantic`` blends scores itself (to sweep weights): it must agree with the product."""
    depth, weight = reranker.settings.depth, reranker.settings.weight
    rows = dict(seed_rows(library, reranker, [depth], [weight]))
    pairs = (
        ("lexical (library default)", library),
        (f"rerank heading + text, N={depth}, w={weight}", reranked_library),
    )
    for method, ranked_by in pairs:
        for name, judgments in SETS.items():
            assert abs(rows[method][name] - mean_ndcg_at_5(ranked_by, judgments)[0]) < 1e-9, (method, name)
