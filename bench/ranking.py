"""``python -m bench ranking``: what query-time ranking costs on top of BM25 (the engine track's corpus).

Per size, one index of the engine track's passages; every query runs as plain BM25 (``index.search``), as
the library ranks by default (title/heading field + pseudo-relevance feedback, whose expansion terms are
capped in a large index), the same with the second search pruned (``search.pruning``), without the cap
(exhaustive and pruned), with term proximity alone, and with feedback and proximity.
A document's tokens are rebuilt from its sentences on demand, as the library re-analyzes a passage's text,
so the cost of reading the candidates is included. Prints whether pruning changed any top 10.

    python -m bench ranking --sizes 100000,1000000
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import replace

import numpy as np

from bench.corpus import queries, sentence_pool
from search.analyze import Analyzer, Token
from search.index import BM25Index
from search.ranking import DEFAULT_SETTINGS, RankingSettings, rank

PRUNED = RankingSettings(prune_above_postings=150_000)
VARIANTS = {
    "bm25 (index.search)": None,
    "default: field + feedback": DEFAULT_SETTINGS,
    "default, second search pruned": PRUNED,
    "default without the df cap": RankingSettings(feedback_max_df=None),
    "without the df cap, pruned": replace(PRUNED, feedback_max_df=None),
    "proximity only": RankingSettings(feedback_docs=0, proximity_weight=0.5),
    "feedback + proximity": RankingSettings(proximity_weight=0.5),
}


def sentence_ids(pool_size: int, size: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """The engine track's passages (``bench.corpus.passages``, same seed) as sentence numbers + offsets."""
    rng = random.Random(seed)
    ids, offsets = [], [0]
    for _ in range(size):
        ids.extend(rng.randrange(pool_size) for _ in range(rng.randint(3, 7)))
        offsets.append(len(ids))
    return np.array(ids, np.int32), np.array(offsets, np.int64)


def measure(size: int, rounds: int = 1) -> tuple[list[tuple[str, float, float]], int, int]:
    """(variant, p50 ms, p99 ms) rows, and on how many of the queries the pruned and the exhaustive second
    search gave the same top 10 (documents and scores)."""
    analyzer = Analyzer()
    pool = sentence_pool(analyzer)
    ids, offsets = sentence_ids(len(pool), size)

    def terms(doc: int) -> list[str]:
        return [t for i in ids[offsets[doc] : offsets[doc + 1]] for t in pool[i]]

    def tokens(doc: int) -> list[Token]:
        return [Token(t, position, 0, 0) for position, t in enumerate(terms(doc))]

    index = BM25Index.build((str(doc), terms(doc)) for doc in range(size))
    query_set = queries(analyzer)
    same = sum(run(index, q, tokens, DEFAULT_SETTINGS) == run(index, q, tokens, PRUNED) for q in query_set)
    for terms_ in query_set[:20]:  # warm up
        for settings in VARIANTS.values():
            run(index, terms_, tokens, settings)
    latencies: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for terms_ in query_set * rounds:  # variants take turns per query, so load from other processes hits them alike
        for name, settings in VARIANTS.items():
            start = time.perf_counter()
            run(index, terms_, tokens, settings)
            latencies[name].append((time.perf_counter() - start) * 1000)
    rows = [(name, statistics.median(ms), sorted(ms)[int(0.99 * (len(ms) - 1))]) for name, ms in latencies.items()]
    return rows, same, len(query_set)


def run(index: BM25Index, terms: list[str], tokens, settings: RankingSettings | None) -> list[tuple[int, float]]:
    if settings is None:
        return index.search(terms, 10)
    return rank(index, terms, 10, tokens, settings=settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ranking", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated passage counts")
    parser.add_argument("--rounds", type=int, default=1, help="times each query is timed (more samples for p99)")
    args = parser.parse_args(argv)
    print("| passages | ranking | p50 ms | p99 ms |\n|---|---|---|---|")
    notes = []
    for size in (int(s) for s in args.sizes.split(",")):
        rows, same, total = measure(size, args.rounds)
        for name, p50, p99 in rows:
            print(f"| {size:,} | {name} | {p50:.2f} | {p99:.2f} |", flush=True)
        same_top = f"the pruned second search gave the exhaustive top 10 for {same} of {total} queries"
        notes.append(f"{size:,} passages: {same_top}")
    print("\n" + "\n".join(notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
