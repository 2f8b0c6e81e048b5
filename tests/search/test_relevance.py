"""Graded relevance over the seeds: the engine must put what answers a question first."""

import math

from tests.conftest import full_id
from tests.search.judgments import JUDGMENTS


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int) -> float:
    dcg = sum((2 ** grades.get(pid, 0) - 1) / math.log2(i + 2) for i, pid in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    return dcg / sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))


def test_there_are_at_least_twenty_judged_queries():
    assert len(JUDGMENTS) >= 20


def test_mean_ndcg_at_5_is_at_least_0_9(library):
    per_query = {}
    for query, grades in JUDGMENTS.items():
        full = {full_id(short): grade for short, grade in grades.items()}
        ranked = [hit.passage_id for hit in library.search(query, limit=5).hits]
        per_query[query] = ndcg_at(ranked, full, 5)
    mean = sum(per_query.values()) / len(per_query)
    assert mean >= 0.9, sorted(per_query.items(), key=lambda kv: kv[1])[:5]


def test_ndcg_is_one_for_the_ideal_ranking_and_less_otherwise():
    grades = {"a": 2, "b": 1}
    assert ndcg_at(["a", "b"], grades, 5) == 1
    assert ndcg_at(["b", "a"], grades, 5) < 1
    assert ndcg_at(["x", "y"], grades, 5) == 0
