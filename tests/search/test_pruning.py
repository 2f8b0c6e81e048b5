"""Pruned scoring returns exactly the exhaustive top k: same documents, same order, same float scores."""

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from search import pruning
from search.index import BM25Index, field_terms
from search.ranking import DEFAULT_SETTINGS, _expanded, _worth_pruning, rank
from tests.search.judgments import JUDGMENTS, PARAPHRASE_JUDGMENTS

VOCAB = [f"t{i}" for i in range(40)]
ALWAYS_PRUNED = replace(DEFAULT_SETTINGS, prune_above_postings=0, large_index=0, feedback_max_df=None)


def random_index(rng: np.random.Generator, segments: int = 1) -> BM25Index:
    """Documents of Zipf-like terms, small term frequencies (many tied scores), some with field terms."""
    p = 1 / np.arange(1, len(VOCAB) + 1)
    p /= p.sum()

    def docs(n):
        for _ in range(n):
            body = list(rng.choice(VOCAB, size=int(rng.integers(1, 40)), p=p))
            title = list(rng.choice(VOCAB, size=int(rng.integers(0, 4))))
            yield str(rng.integers(1 << 60)), body + field_terms(title)

    index = BM25Index.build(docs(int(rng.integers(30, 300))))
    for _ in range(segments - 1):
        index = index.extended(docs(int(rng.integers(1, 60))))
    return index


def random_query(rng: np.random.Generator) -> Counter | dict[str, float]:
    terms = list(rng.choice([*VOCAB, "absent"], size=int(rng.integers(1, 9))))  # repeats count again
    if rng.random() < 0.5:
        return Counter(terms)
    return {t: float(rng.uniform(0.01, 3)) for t in terms}


def expansion(rng: np.random.Generator, query) -> tuple[dict[str, float], float]:
    """An RM3-like query: ``share`` times ``query`` plus small weights on other terms and on some of its own."""
    share = float(rng.uniform(0.3, 1))
    weights = {t: share * w for t, w in query.items()}
    for t in rng.choice(VOCAB, size=int(rng.integers(1, 25))):
        weights[t] = weights.get(t, 0.0) + float(rng.uniform(0.001, 0.5))
    return weights, share


@pytest.fixture(params=["array", "list"], autouse=True)
def mode(request, monkeypatch):
    """Run each check with the documents in the race kept in the score array, and as a list from the start."""
    monkeypatch.setattr(pruning, "LOOKUP_COST", 0 if request.param == "list" else 10**9)


def cases(n: int, segments: int = 1):
    rng = np.random.default_rng(20261124 + segments)
    for case in range(n):
        index = random_index(rng, segments)
        mask = rng.random(index.n_docs) < 0.7 if case % 3 == 0 else None
        yield case, rng, index, mask


@pytest.mark.parametrize("segments", [1, 3])
def test_pruned_equals_exhaustive_without_a_prior(segments):
    for case, rng, index, mask in cases(60, segments):
        query = random_query(rng)
        for k in (1, 3, 10, 50):
            seeds = rng.choice(index.n_docs, size=int(rng.integers(0, 80))) if case % 2 else ()
            expected = index.search(query, k, mask=mask)
            assert pruning.search(index, query, k, mask=mask, seeds=seeds) == expected, (case, k)


@pytest.mark.parametrize("segments", [1, 3])
def test_pruned_equals_exhaustive_with_the_first_pass_as_prior(segments):
    for case, rng, index, mask in cases(60, segments):
        first_query = random_query(rng)
        first = index.scores(first_query)
        first_top = index.top(first.copy(), 50, mask=mask)
        query, _ = expansion(rng, first_query)
        for k in (1, 3, 10, 50):
            expected = index.search(query, k, mask=mask)
            seeds = [doc for doc, _ in first_top]
            found = pruning.search(index, query, k, mask=mask, seeds=seeds, prior=(first, first_query))
            assert found == expected, (case, k)


def test_a_prior_the_query_only_partly_contains_is_still_exact():
    for case, rng, index, mask in cases(40):
        first_query = random_query(rng)
        query = {t: w for t, w in random_query(rng).items()}  # unrelated: the prior covers little or nothing
        first = index.scores(first_query)
        expected = index.search(query, 10, mask=mask)
        assert pruning.search(index, query, 10, mask=mask, prior=(first, first_query)) == expected, case


def test_a_non_positive_weight_falls_back_to_the_exhaustive_search():
    index = random_index(np.random.default_rng(3))
    query = {"t0": 1.0, "t1": -0.5, "t5": 0.0}
    assert pruning.search(index, query, 10, seeds=range(50)) == index.search(query, 10)


def test_these_checks_catch_a_bound_that_is_too_low(monkeypatch):
    """The comparisons above can fail: with bounds at a third of the truth, pruning drops true answers."""
    original = BM25Index.upper_bound
    monkeypatch.setattr(BM25Index, "upper_bound", lambda self, clause: original(self, clause) / 3)
    differ = 0
    for _, rng, index, _ in cases(30):
        first_query = random_query(rng)
        first = index.scores(first_query)
        seeds = [doc for doc, _ in index.top(first.copy(), 50)]
        query, _ = expansion(rng, first_query)
        differ += pruning.search(index, query, 10, seeds=seeds, prior=(first, first_query)) != index.search(query, 10)
    assert differ > 0


def test_pruning_scores_fewer_postings_than_the_exhaustive_search(monkeypatch):
    """The point of it: most postings of the expansion are only compared with a floor, not scored."""
    rng = np.random.default_rng(11)
    p = 1 / np.arange(1, len(VOCAB) + 1)
    bodies = [list(rng.choice(VOCAB, size=int(rng.integers(5, 60)), p=p / p.sum())) for _ in range(5000)]
    index = BM25Index.build((str(i), body) for i, body in enumerate(bodies))
    scored = []
    impacts = BM25Index.impacts

    def counted(self, clause, ids, tfs):
        scored.append(len(ids))
        return impacts(self, clause, ids, tfs)

    monkeypatch.setattr(BM25Index, "impacts", counted)
    first_query = Counter(["t20", "t25", "t1"])
    first = index.scores(first_query)
    seeds = [doc for doc, _ in index.top(first.copy(), 50)]
    query, _ = expansion(rng, first_query)
    scored.clear()
    expected = index.search(query, 5)
    exhaustive = sum(scored)
    scored.clear()
    assert pruning.search(index, query, 5, seeds=seeds, prior=(first, first_query)) == expected
    assert sum(scored) < exhaustive / 4, (sum(scored), exhaustive)


def test_only_a_query_reading_many_postings_in_a_large_index_is_pruned():
    index = BM25Index.build((str(i), ["t1", "t2"]) for i in range(100))
    query = {"t1": 1.0, "t2": 0.5}  # 200 postings
    assert _worth_pruning(index, query, replace(DEFAULT_SETTINGS, prune_above_postings=199, large_index=100))
    assert not _worth_pruning(index, query, replace(DEFAULT_SETTINGS, prune_above_postings=200, large_index=100))
    assert not _worth_pruning(index, query, replace(DEFAULT_SETTINGS, prune_above_postings=199, large_index=101))
    assert not _worth_pruning(index, query, replace(DEFAULT_SETTINGS, prune_above_postings=None))


def test_the_default_ranking_equals_two_exhaustive_passes(library):
    """On the judged seed queries, ``rank`` (pruned second pass) gives what two full searches gave."""
    state = library._state
    index = state.index

    def tokens(doc):
        return library.analyzer.tokens(state.corpus.passage(doc).text)

    queries = [*JUDGMENTS, *PARAPHRASE_JUDGMENTS]
    for text in queries:
        terms = library.analyzer.terms(text, query=True)
        for k in (5, 12, 50):
            query = Counter(terms)
            expected = index.search(query, 50)
            if len(query) > 1 and expected:
                expanded = _expanded(index, query, expected[:5], tokens, DEFAULT_SETTINGS)
                expected = index.search(expanded, 50)
            assert rank(index, terms, k, tokens, settings=ALWAYS_PRUNED) == expected[:k], (text, k)
