"""Exact top-k for long weighted queries (feedback's expanded query), reading fewer postings: MaxScore-style
pruning with per-term upper bounds (Turtle & Flood 1995), done term-at-a-time over numpy arrays.

Every clause (a body or field term with its weight) has an upper bound: its weight times its largest term
frequency saturated in the shortest document (``BM25Index.upper_bound``). With a threshold ``θ`` no higher
than the k-th best final score, a document whose partial score plus the bounds of the clauses still to come
is below ``θ`` cannot enter the top k. Clauses are added largest bound first:

- while many documents are in the race, over the whole score array, updating only the documents still in it
  (a gather and a comparison per posting instead of a gather, four arithmetic passes and a scatter);
- once few are (estimated from a sample), over a list of them: each is looked up in the clauses left (a
  binary search per document and clause) and dropped as soon as it cannot reach ``θ``.

``θ`` comes from ``seeds`` (the first pass's answers): the k-th best of their exact scores on this query.
``prior`` is a score vector already computed for part of this query (the first pass, for the original
terms): ``f`` times it stands for ``f`` times those clauses, so only the rest is read (expansion terms, and
any weight the expansion added to an original term). The survivors' scores are then recomputed exactly,
clause by clause in ``BM25Index.scores`` order through the same ``impacts``: scores and ties are bit-for-bit
those of an exhaustive ``BM25Index.search``.

Float rounding (partial sums in another order) is covered by lowering ``θ`` by a relative ``SLACK``; a
query with a non-positive weight (no bounds then) falls back to the exhaustive search.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from search.index import DEFAULT_FIELD_WEIGHT, BM25Index, Clause

SLACK = 1e-4  # relative: far above float32 rounding over a few dozen clauses, far below score gaps that matter
LOOKUP_COST = 80  # a document looked up in a clause costs about as much as this many postings compared
SAMPLE_STEP = 16  # documents in the race are counted on every SAMPLE_STEP-th document


def search(
    index: BM25Index,
    terms: Sequence[str] | Mapping[str, float],
    k: int,
    *,
    mask: np.ndarray | None = None,
    field_weight: float = DEFAULT_FIELD_WEIGHT,
    seeds: Sequence[int] = (),
    prior: tuple[np.ndarray, Mapping[str, float]] | None = None,
) -> list[tuple[int, float]]:
    """``index.search(terms, k, mask=mask, field_weight=field_weight)``, exactly, pruned (module docstring).
    ``prior``: (scores of every document for the query ``weights``, ``weights``), e.g. a first pass."""
    weights = terms if isinstance(terms, Mapping) else Counter(terms)
    if k <= 0 or not index.n_docs:
        return []
    if any(w <= 0 for w in weights.values()):
        return index.search(weights, k, mask=mask, field_weight=field_weight)
    clauses = index.clauses(weights, field_weight=field_weight)
    share = _share(weights, prior[1]) if prior else 0.0
    partial = prior[0] * np.float32(share) if share else np.zeros(index.n_docs, dtype=np.float32)
    residual = {t: _residual(w, share * prior[1].get(t, 0)) for t, w in weights.items()} if share else weights
    rest = sorted(
        ((index.upper_bound(c), c) for c in index.clauses(residual, field_weight=field_weight)),
        key=lambda pair: -pair[0],
    )
    seeds = np.unique(np.asarray(seeds, dtype=np.int64))
    theta = _threshold(index, clauses, seeds if mask is None else seeds[mask[seeds]], k)
    candidates, values = _accumulate(index, partial, rest, theta, k if mask is None else 0)
    if mask is not None:
        inside = mask[candidates]
        candidates, values = candidates[inside], values[inside]
    if len(candidates) > k:  # the partial scores are exact up to rounding: keep the top k and near-ties
        kth = np.partition(values, len(values) - k)[len(values) - k]
        candidates = candidates[values >= kth * (1 - SLACK)]
    scores = exact_scores(index, clauses, candidates)
    order = np.lexsort((candidates, -scores))[:k]
    return [(int(candidates[i]), float(scores[i])) for i in order if scores[i] > 0]


def exact_scores(index: BM25Index, clauses: list[Clause], docs: np.ndarray) -> np.ndarray:
    """The scores ``BM25Index.scores`` gives documents ``docs`` (ascending), summed in the same order."""
    scores = np.zeros(len(docs), dtype=np.float32)
    for clause in clauses:
        scores += _lookup(index, clause, docs)  # adding 0 where a document lacks the term changes nothing
    return scores


def _accumulate(
    index: BM25Index, partial: np.ndarray, rest: list[tuple[float, Clause]], theta: float, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Add the clauses (bound, clause) to ``partial`` as the module docstring says; returns the documents that
    can still reach ``theta`` (all that scored when it is 0) and their scores. With ``k``, ``theta`` rises
    to the k-th best partial score of the listed documents (a partial score is never above the final one)."""
    remaining = sum(bound for bound, _ in rest)
    postings_left = sum(index.doc_freq(clause.term) for _, clause in rest)
    candidates = values = None
    for bound, clause in rest:
        floor = np.float32(theta - remaining)  # a document below it cannot reach θ, even with every clause left
        if candidates is None and floor > 0 and _few_in_race(partial, floor, postings_left):
            candidates = np.flatnonzero(partial >= floor)
            values = partial[candidates]
        remaining -= bound
        postings_left -= index.doc_freq(clause.term)
        if candidates is not None:
            values += _lookup(index, clause, candidates)
            if k and len(values) > k:
                theta = max(theta, float(np.partition(values, len(values) - k)[len(values) - k]) * (1 - SLACK))
            keep = values >= theta - remaining
            candidates, values = candidates[keep], values[keep]
            continue
        for ids, tfs in index.postings(clause.term):
            if floor > 0:
                alive = np.take(partial, ids) >= floor
                ids, tfs = ids[alive], tfs[alive]
            np.add.at(partial, ids, index.impacts(clause, ids, tfs))
    if candidates is None:
        candidates = np.flatnonzero(partial >= theta) if theta > 0 else np.flatnonzero(partial)
        values = partial[candidates]
    return candidates, values


def _few_in_race(partial: np.ndarray, floor: np.float32, postings_left: int) -> bool:
    """Whether looking up the documents at or above ``floor`` costs less than reading the postings left."""
    return np.count_nonzero(partial[::SAMPLE_STEP] >= floor) * SAMPLE_STEP * LOOKUP_COST < postings_left


def _lookup(index: BM25Index, clause: Clause, docs: np.ndarray) -> np.ndarray:
    """The clause's score in each of ``docs`` (ascending; 0 where the document lacks the term)."""
    found = np.zeros(len(docs), dtype=np.float32)
    for ids, tfs in index.postings(clause.term):
        at = np.searchsorted(ids, docs)
        hit = at < len(ids)
        hit[hit] = ids[at[hit]] == docs[hit]
        found[hit] = index.impacts(clause, docs[hit], tfs[at[hit]])
    return found


def _share(weights: Mapping[str, float], prior: Mapping[str, float]) -> float:
    """The largest ``f`` with ``f * prior[t] <= weights[t]`` for every term: how much of the prior's scores
    this query contains."""
    return min((weights.get(t, 0.0) / w for t, w in prior.items() if w > 0), default=0.0)


def _residual(weight: float, covered: float) -> float:
    """What the prior leaves of a term's weight; a rounding remainder (a billionth of it) counts as none."""
    return weight - covered if weight - covered > 1e-9 * weight else 0.0


def _threshold(index: BM25Index, clauses: list[Clause], seeds: np.ndarray, k: int) -> float:
    """A score no higher than the k-th best (0 when the seeds are fewer than k), less the rounding slack."""
    if len(seeds) < k:
        return 0.0
    scores = exact_scores(index, clauses, seeds)
    return float(np.partition(scores, len(scores) - k)[len(scores) - k]) * (1 - SLACK)
