"""Exact top-k for long weighted queries (feedback's expanded query), reading fewer postings: MaxScore-style
pruning with per-term upper bounds (Turtle & Flood 1995), done term-at-a-time over numpy arrays.

Every clause (a body or field term with its weight) has an upper bound: its weight times its largest term
frequency saturated in the shortest document (``BM25Index.upper_bound``). With a threshold ``θ`` no higher
than the k-th best final score, a document whose partial score plus the bounds of the clauses still to come
is below ``θ`` cannot enter the top k: for such clauses only the documents still in the race are updated
(a gather and a comparison per posting instead of a gather, four arithmetic passes and a scatter).

- ``θ`` comes from ``seeds`` (the first pass's answers): the k-th best of their exact scores on this query.
- ``prior`` is a score vector already computed for part of this query (the first pass, for the original
  terms): ``f`` times it stands for ``f`` times those clauses, so only the rest (expansion terms, and any
  weight the expansion added to an original term) is read, clauses with the largest bounds first.
- The survivors' scores are recomputed exactly, clause by clause in ``BM25Index.scores`` order through the
  same ``impacts``: scores and ties are bit-for-bit those of an exhaustive ``BM25Index.search``.

Float rounding (partial sums in another order) is covered by lowering ``θ`` by a relative ``SLACK``; a
query with a non-positive weight (no bounds then) falls back to the exhaustive search.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from search.index import DEFAULT_FIELD_WEIGHT, BM25Index, Clause

SLACK = 1e-4  # relative: far above float32 rounding over a few dozen clauses, far below score gaps that matter


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
    remaining = sum(bound for bound, _ in rest)
    for bound, clause in rest:
        floor = np.float32(theta - remaining)  # a document below it cannot reach θ, even with every clause left
        for ids, tfs in index.postings(clause.term):
            if floor > 0:
                ids, tfs = _alive(partial, ids, tfs, floor)
            np.add.at(partial, ids, index.impacts(clause, ids, tfs))
        remaining -= bound
    candidates = np.flatnonzero(partial >= theta) if theta > 0 else np.flatnonzero(partial)
    if mask is not None:
        candidates = candidates[mask[candidates]]
    if len(candidates) > k:  # the partial scores are exact up to rounding: keep the top k and near-ties
        values = partial[candidates]
        kth = np.partition(values, len(values) - k)[len(values) - k]
        candidates = candidates[values >= kth * (1 - SLACK)]
    scores = exact_scores(index, clauses, candidates)
    order = np.lexsort((candidates, -scores))[:k]
    return [(int(candidates[i]), float(scores[i])) for i in order if scores[i] > 0]


def exact_scores(index: BM25Index, clauses: list[Clause], docs: np.ndarray) -> np.ndarray:
    """The scores ``BM25Index.scores`` gives documents ``docs`` (ascending), summed in the same order."""
    scores = np.zeros(len(docs), dtype=np.float32)
    for clause in clauses:
        for ids, tfs in index.postings(clause.term):
            at = np.searchsorted(ids, docs)
            found = at < len(ids)
            found[found] = ids[at[found]] == docs[found]
            scores[found] += index.impacts(clause, docs[found], tfs[at[found]])
    return scores


def _share(weights: Mapping[str, float], prior: Mapping[str, float]) -> float:
    """The largest ``f`` with ``f * prior[t] <= weights[t]`` for every term: how much of the prior's scores
    this query contains."""
    return min((weights.get(t, 0.0) / w for t, w in prior.items() if w > 0), default=0.0)


def _alive(partial: np.ndarray, ids: np.ndarray, tfs: np.ndarray, floor: np.float32):
    """The postings of documents whose partial score is at least ``floor``."""
    alive = np.take(partial, ids) >= floor
    return ids[alive], tfs[alive]


def _residual(weight: float, covered: float) -> float:
    """What the prior leaves of a term's weight; a rounding remainder (a billionth of it) counts as none."""
    return weight - covered if weight - covered > 1e-9 * weight else 0.0


def _threshold(index: BM25Index, clauses: list[Clause], seeds: np.ndarray, k: int) -> float:
    """A score no higher than the k-th best (0 when the seeds are fewer than k), less the rounding slack."""
    if len(seeds) < k:
        return 0.0
    scores = exact_scores(index, clauses, seeds)
    return float(np.partition(scores, len(scores) - k)[len(scores) - k]) * (1 - SLACK)
