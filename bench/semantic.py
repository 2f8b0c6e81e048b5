"""``python -m bench semantic``: does semantic reranking (search.rerank) lift the seed judgments without
hurting Cranfield, and what does it cost? Needs ``pip install -e ".[semantic,test]"``.

1. Seeds: mean nDCG@5 (graded) on each set of judged queries (tests/search/judgments.py),
   as ``Library.search(query, limit=5)`` ranks, diverse pages included: first the most a page of at most
   two passages per source can score (``best_page``), then lexical, then the BM25 top ``N``
   reranked by ``(1 − w) · score / best + w · cosine`` for each N and w, with three passage texts (the text;
   heading + text; title + heading + text); and dense retrieval over every passage fused with the lexical
   ranking by reciprocal rank fusion (RRF, k = 60).
2. Cranfield (``../shared/data/cranfield``, skipped when absent): MAP and nDCG@10 of the library's ranking
   (top 1,000) with its top N reranked, on the tuning (odd) half, the held-out (even) half and all queries.
3. Cost: loading the encoder in a fresh process (seconds, peak RSS), encoding a query and N passages
   (the embedding cache cold) the first time after the load and again, and a whole reranked
   ``Library.search`` with the cache warm, medians.

Choose weights on the original seed queries and Cranfield's odd half only; the paraphrases, the held-out
queries and the even half are reported untuned.

    python -m bench semantic
    python -m bench semantic --depths 50 --weights 0.3,0.5 --no-cranfield
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from search.evaluate import RANK_DEPTH, evaluate_rankings, index_collection, read_qrels, read_smart
from search.library import MAX_LIMIT, Library
from search.ranking import diversified, rank
from search.rerank import Reranker, RerankSettings, blend, embedded_text
from tests.search import judgments as judged
from tests.search.judgments import best_page, ndcg_at

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CRANFIELD = ROOT.parent / "shared" / "data" / "cranfield"
SETS = {
    "original 25": judged.JUDGMENTS,
    "paraphrases 17": judged.PARAPHRASE_JUDGMENTS,
    "held out 15": judged.HELDOUT_JUDGMENTS,
    "fresh 15": judged.FRESH_JUDGMENTS,
    "untouched 15": judged.UNTOUCHED_JUDGMENTS,
}
RRF_K = 60

LOAD = """
import resource, time
start = time.perf_counter()
from search.rerank import Encoder
Encoder().encode(["warm up"])
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def short(passage_id: str) -> str:
    """ "002_ec1278886a36e2bd:p6" -> "002:p6", as the judgments write it."""
    return passage_id.split("_", 1)[0] + passage_id[passage_id.index(":") :]


def seed_rows(
    library: Library, reranker: Reranker, depths: list[int], weights: list[float], *, pages: bool = True
) -> list[tuple]:
    """(method, {set: mean nDCG@5}) rows over the seed judgments: of the first page as users see it (at most two
    passages of a source), or with ``pages=False`` of the ranking's top 5."""
    state = library._state
    corpus = state.corpus
    texts: dict[str, Callable[[int], str]] = {
        "text": lambda doc: corpus.passage(doc).text,
        "heading + text": lambda doc: embedded_text(corpus.passage(doc)),
        "title + heading + text": lambda doc: (
            f"{corpus.sources[corpus.passage(doc).source_id].title or ''}\n{embedded_text(corpus.passage(doc))}"
        ),
    }
    live = [doc for doc in range(len(corpus.passage_source)) if corpus.live is None or corpus.live[doc]]

    def page(ranked: list[tuple[int, float]]) -> list[str]:
        groups = [int(corpus.passage_source[doc]) for doc, _ in ranked]
        order = diversified(groups, 5) if pages else range(len(ranked))
        return [short(corpus.passage(ranked[i][0]).passage_id) for i in order][:5]

    results: dict[str, dict[str, list[float]]] = {}

    def score(method: str, name: str, ranked_ids: list[str], grades: dict[str, int]) -> None:
        results.setdefault(method, {}).setdefault(name, []).append(ndcg_at(ranked_ids, grades, 5))

    for name, judgments in SETS.items():
        for query, grades in judgments.items():
            score("best diverse page (the ceiling)", name, best_page(grades), grades)
            parsed, lexical, _ = library._rank(state, query, max(depths + [MAX_LIMIT]), None, None, None)
            score("lexical (library default)", name, page(lexical[:MAX_LIMIT]), grades)
            for label, text in texts.items():
                cosine = reranker.similarities(parsed.text, [text(doc) for doc, _ in lexical])
                for depth in depths:
                    for weight in weights:
                        head = blend(lexical[:depth], cosine[:depth], weight)
                        score(f"rerank {label}, N={depth}, w={weight}", name, page(head + lexical[depth:]), grades)
                dense = reranker.similarities(parsed.text, [text(doc) for doc in live])
                dense_order = [live[i] for i in np.argsort(-dense, kind="stable")]
                fused: dict[int, float] = {}
                for ranking in (dense_order, [doc for doc, _ in lexical]):
                    for position, doc in enumerate(ranking):
                        fused[doc] = fused.get(doc, 0.0) + 1 / (RRF_K + position + 1)
                rrf = sorted(fused.items(), key=lambda pair: -pair[1])[:MAX_LIMIT]
                score(f"dense over all + RRF, {label}", name, page(rrf), grades)
                score(f"dense only, {label}", name, page([(d, 0.0) for d in dense_order[:MAX_LIMIT]]), grades)
    return [(method, {n: statistics.fmean(v) for n, v in by_set.items()}) for method, by_set in results.items()]


def cranfield_rows(reranker: Reranker, depths: list[int], weights: list[float]) -> tuple[list[tuple], float]:
    """(method, {half: (MAP, nDCG@10)}) rows, and the seconds spent encoding the 1,400 documents."""
    from search.analyze import Analyzer

    analyzer = Analyzer()
    collection = index_collection(CRANFIELD / "cran.all.1400", analyzer)
    docs, index, tokens = collection.docs, collection.index, collection.tokens
    qrels = read_qrels(CRANFIELD / "cranqrel")
    start = time.perf_counter()
    doc_rows = reranker.embeddings([text for _, text in docs])
    encode_s = time.perf_counter() - start
    queries = read_smart(CRANFIELD / "cran.qry", "W")
    query_rows = reranker.load().encode([text for _, text in queries])
    runs: dict[str, list[tuple[int, list[str], set[str]]]] = {}
    for number, (_, text) in enumerate(queries, 1):
        ranked = rank(index, analyzer.terms(text, query=True), RANK_DEPTH, tokens.__getitem__)
        relevant = qrels.get(str(number), set())
        runs.setdefault("lexical (library default)", []).append((number, [index.keys[d] for d, _ in ranked], relevant))
        cosine = doc_rows[[d for d, _ in ranked]] @ query_rows[number - 1]
        for depth in depths:
            for weight in weights:
                head = blend(ranked[:depth], cosine[:depth], weight)
                order = [index.keys[d] for d, _ in head + ranked[depth:]]
                runs.setdefault(f"rerank N={depth}, w={weight}", []).append((number, order, relevant))
    halves = {"tune (odd)": 1, "held-out (even)": 0, "all": None}
    rows = []
    for method, run in runs.items():
        cells = {}
        for half, parity in halves.items():
            result = evaluate_rankings((r, rel) for n, r, rel in run if parity is None or n % 2 == parity)
            cells[half] = (result.map, result.ndcg_10)
        rows.append((method, cells))
    return rows, encode_s


def cost_rows(library: Library, depths: list[int]) -> list[tuple[str, float]]:
    """(what, value) for the encoder's load and each step of a reranked search."""
    done = subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, check=True, cwd=ROOT)
    load_s, peak_mb = map(float, done.stdout.split())
    rows = [("encoder load in a fresh process (s)", load_s), ("peak RSS of that process (MB)", peak_mb)]
    reranker = Reranker()
    encoder = reranker.load()
    state = library._state
    queries = [q for judgments in SETS.values() for q in judgments]
    batches = {}
    for depth in depths:
        batches[depth] = []
        for query in queries[:15]:
            _, ranked, _ = library._rank(state, query, depth, None, None, None)
            batches[depth].append([embedded_text(state.corpus.passage(doc)) for doc, _ in ranked])
    for when in ("first time after load", "steady"):  # torch prepares its kernels per input shape, once
        rows.append((f"encode one query, {when} (ms, median)", median_ms(lambda q: encoder.encode([q]), queries)))
        for depth, texts in batches.items():
            rows.append((f"encode {depth} candidates, {when} (ms, median)", median_ms(encoder.encode, texts)))
    for on in (False, True):
        library.reranker = Reranker() if on else None
        if on:
            library.reranker._encoder = encoder
            for query in queries:  # fill the cache
                library.search(query, limit=5)
        label = f"reranked (N={library.reranker.settings.depth}), cache warm" if on else "lexical"
        rows.append((f"Library.search, {label} (ms, median)", median_ms(lambda q: library.search(q, limit=5), queries)))
    library.reranker = None
    return rows


def median_ms(call: Callable, items: list) -> float:
    times = []
    for item in items:
        start = time.perf_counter()
        call(item)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench semantic", description=__doc__.splitlines()[0])
    parser.add_argument("--depths", default="20,50,100", help="candidates reranked, comma-separated")
    parser.add_argument("--weights", default="0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9", help="cosine shares, comma-separated")
    parser.add_argument("--no-pages", action="store_true", help="score the ranking's top 5, not the diverse page")
    parser.add_argument("--no-cranfield", action="store_true")
    parser.add_argument("--no-cost", action="store_true")
    args = parser.parse_args(argv)
    depths = [int(d) for d in args.depths.split(",")]
    weights = [float(w) for w in args.weights.split(",")]
    reranker = Reranker(RerankSettings(depth=max(depths)))
    with tempfile.TemporaryDirectory(prefix="bench-semantic-") as data:
        library = Library(SEEDS, data).open()
        view = "the ranking's top 5, before pages" if args.no_pages else "limit 5, diverse pages"
        print(f"## Seeds: mean nDCG@5 ({view})\n")
        total = sum(len(judgments) for judgments in SETS.values())
        print(f"| ranking | {' | '.join(SETS)} | all {total} |\n|---|" + "---|" * (len(SETS) + 1))
        for method, means in seed_rows(library, reranker, depths, weights, pages=not args.no_pages):
            everything = sum(means[name] * len(judgments) for name, judgments in SETS.items()) / total
            print(f"| {method} | " + " | ".join(f"{means[name]:.3f}" for name in SETS) + f" | {everything:.3f} |")
        if not args.no_cranfield and CRANFIELD.is_dir():
            rows, encode_s = cranfield_rows(reranker, depths, weights)
            print(f"\n## Cranfield: MAP / nDCG@10 (1,400 abstracts encoded in {encode_s:.1f} s)\n")
            print("| ranking | tune (odd) | held-out (even) | all |\n|---|---|---|---|")
            for method, cells in rows:
                print(f"| {method} | " + " | ".join(f"{m:.4f} / {n:.4f}" for m, n in cells.values()) + " |")
        if not args.no_cost:
            print("\n## Cost\n\n| what | value |\n|---|---|")
            for what, value in cost_rows(library, depths):
                print(f"| {what} | {value:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
