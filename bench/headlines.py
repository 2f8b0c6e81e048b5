"""``python -m bench headlines``: a collection nobody tuned on. Known-item search over the real news and blog
articles of the extraction benchmark (``../shared/data/extraction``): each article's headline, as the library
reads it from the page, is the query; the article's hand-marked body (not the headline) is the document to
find among all of them (179 of the 181 pages qualify). Reported: mean reciprocal rank and success at 1 and 5,
for plain BM25, the library's ranking (title field unused here: the documents have none; feedback on), and
that ranking reranked by meaning at the weights given (the "semantic" extra).

Pages whose headline is missing, or whose body has fewer than 50 words (paywalls), are left out.

    python -m bench headlines
    python -m bench headlines --weights 0.5,0.8
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
from pathlib import Path

from search.analyze import Analyzer
from search.decode import decode
from search.index import BM25Index
from search.ingest import from_html
from search.ranking import RankingSettings, rank
from search.rerank import Reranker, RerankSettings, available

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction"
MIN_WORDS = 50
DEPTH = 100


def collection(data: Path) -> list[tuple[str, str]]:
    """(headline, body) per usable page."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pairs = []
    for page_id, item in sorted(truth.items()):
        html = decode(gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes()))
        title = from_html(html, url=item.get("url")).title
        body = item["articleBody"]
        if title and len(body.split()) >= MIN_WORDS:
            pairs.append((title, body))
    return pairs


def scores(ranks: list[int | None]) -> dict[str, float]:
    """MRR and success at 1 and 5 from each query's rank of its article (None: not in the top DEPTH)."""
    return {
        "MRR": statistics.fmean(1 / r if r else 0.0 for r in ranks),
        "success@1": statistics.fmean(r == 1 for r in ranks),
        "success@5": statistics.fmean(bool(r and r <= 5) for r in ranks),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench headlines", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the extraction benchmark's folder")
    parser.add_argument("--weights", default="0.5,0.8", help="cosine shares to rerank with, comma-separated")
    args = parser.parse_args(argv)
    pairs = collection(args.data)
    analyzer = Analyzer()
    bodies = [body for _, body in pairs]
    index = BM25Index.build((str(i), analyzer.terms(body)) for i, body in enumerate(bodies))
    tokens = [analyzer.tokens(body) for body in bodies]
    runs: dict[str, list[int | None]] = {}
    rerankers = {}
    if available():
        rerankers = {float(w): Reranker(RerankSettings(weight=float(w))) for w in args.weights.split(",")}
    for target, (headline, _) in enumerate(pairs):
        terms = analyzer.terms(headline, query=True)
        rankings = {
            "BM25": rank(index, terms, DEPTH, tokens.__getitem__, settings=RankingSettings(feedback_docs=0)),
            "library ranking (feedback)": rank(index, terms, DEPTH, tokens.__getitem__),
            "feedback with the 10 % df cap (before)": rank(
                index, terms, DEPTH, tokens.__getitem__, settings=RankingSettings(large_index=0)
            ),
        }
        for weight, reranker in rerankers.items():
            lexical = rankings["library ranking (feedback)"]
            rankings[f"reranked, w = {weight}"] = reranker.rerank(headline, lexical, bodies.__getitem__)
        for method, ranked in rankings.items():
            order = [doc for doc, _ in ranked]
            runs.setdefault(method, []).append(order.index(target) + 1 if target in order else None)
    print(f"## Headlines: {len(pairs)} articles, each found by its headline\n")
    print("| ranking | MRR | success@1 | success@5 |\n|---|---|---|---|")
    for method, ranks in runs.items():
        row = scores(ranks)
        print(f"| {method} | {row['MRR']:.3f} | {row['success@1']:.3f} | {row['success@5']:.3f} |")
    if not rerankers:
        print('\n(reranking not measured: the "semantic" extra is not installed)')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
