"""Graded relevance over the seeds: the engine must put what answers a question first."""

import pytest

from bench.semantic import seed_rows
from tests.conftest import full_id
from tests.search.judgments import JUDGMENTS, PARAPHRASE_JUDGMENTS, ndcg_at


def mean_ndcg_at_5(library, judgments: dict[str, dict[str, int]]) -> tuple[float, list]:
    per_query = {}
    for query, grades in judgments.items():
        full = {full_id(short): grade for short, grade in grades.items()}
        ranked = [hit.passage_id for hit in library.search(query, limit=5).hits]
        per_query[query] = ndcg_at(ranked, full, 5)
    return sum(per_query.values()) / len(per_query), sorted(per_query.items(), key=lambda kv: kv[1])[:5]


def test_there_are_at_least_twenty_judged_queries_and_fifteen_paraphrases():
    assert len(JUDGMENTS) >= 20 and len(PARAPHRASE_JUDGMENTS) >= 15
    assert not set(JUDGMENTS) & set(PARAPHRASE_JUDGMENTS)


def test_mean_ndcg_at_5_is_at_least_0_9(library):
    mean, worst = mean_ndcg_at_5(library, JUDGMENTS)
    assert mean >= 0.9, worst


def test_paraphrased_queries_do_not_regress(library):
    """A floor under today's figure (0.707, docs/ranking.md), not the goal: see the test below."""
    mean, worst = mean_ndcg_at_5(library, PARAPHRASE_JUDGMENTS)
    assert mean >= 0.7, worst


def test_semantic_reranking_lifts_the_paraphrases_and_keeps_the_original_queries(library, reranked_library):
    """Floors under the measured figures (originals 0.943, paraphrases 0.751 against 0.707 lexical:
    docs/ranking.md), so a regression shows; the 0.95 goal is the test below."""
    lexical, _ = mean_ndcg_at_5(library, PARAPHRASE_JUDGMENTS)
    reranked, worst = mean_ndcg_at_5(reranked_library, PARAPHRASE_JUDGMENTS)
    assert reranked >= max(0.74, lexical + 0.03), worst
    original, worst = mean_ndcg_at_5(reranked_library, JUDGMENTS)
    assert original >= 0.93, worst


@pytest.mark.xfail(strict=True, reason="not met: 0.845 lexical, 0.865 reranked on all 42; see docs/ranking.md")
@pytest.mark.parametrize("ranking", ["library", "reranked_library"])
def test_mean_ndcg_at_5_on_all_judged_queries_reaches_0_95(request, ranking):
    mean, worst = mean_ndcg_at_5(request.getfixturevalue(ranking), {**JUDGMENTS, **PARAPHRASE_JUDGMENTS})
    assert mean >= 0.95, worst


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
        for name, judgments in (("original 25", JUDGMENTS), ("paraphrases 17", PARAPHRASE_JUDGMENTS)):
            assert abs(rows[method][name] - mean_ndcg_at_5(ranked_by, judgments)[0]) < 1e-9, (method, name)
