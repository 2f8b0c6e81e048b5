"""``python -m bench scopes``: what per-server scopes cost a search (the scope mask, an array lookup).

    python -m bench scopes --articles 10000 --servers 300

Builds a library whose seed folder holds ``--articles`` generated articles (``bench.articles``, without the
big report), adds ``--servers`` more articles through the ingest path (``Library.add_source``) as sources of
ten servers, reopens it (as a restart would), then times the same queries in one process, median and p99
over repeats, seen by: every server (``--all-servers``: no scope mask), the operator (the shared library),
one server (its own and the shared sources), and the operator with a language filter (an array filter that
existed before scopes, for reference).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.articles import article, sentences
from search.corpus import load_file
from search.library import Library
from search.scopes import ALL_SERVERS, OPERATOR
from search.web import content_hash

QUERIES = ["trilateral", "boundary layer", "Taiwan contingency", "heat transfer", "THAAD", "missile defense"]
GUILDS = [1000 + i for i in range(10)]


def _write(directory: Path, numbers: range, pool: list[str]) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"article-{n:06d}.txt" for n in numbers]
    for path, n in zip(paths, numbers, strict=True):
        path.write_text(article(pool, n), encoding="utf-8")
    return paths


def build(work: Path, articles: int, servers: int) -> Library:
    pool = sentences()
    _write(work / "seeds", range(articles), pool)
    library = Library(work / "seeds", work / "data").open()
    for i, path in enumerate(_write(work / "added", range(articles, articles + servers), pool)):
        ((source, passages),) = load_file(path)
        source = source.model_copy(update={"source_id": f"server-{source.source_id}"})
        passages = [p.model_copy(update={"source_id": source.source_id}) for p in passages]
        passages = [p.model_copy(update={"passage_id": f"{source.source_id}:p{p.ordinal}"}) for p in passages]
        library.add_source(source, passages, content_hash=content_hash(source.text), scope=GUILDS[i % len(GUILDS)])
    library.save_index()
    return Library(work / "seeds", work / "data").open()


def timed(library: Library, repeats: int, **options) -> tuple[float, float]:
    """(median, p99) milliseconds of one search, over every query ``repeats`` times."""
    times = []
    for _ in range(repeats):
        for query in QUERIES:
            start = time.perf_counter()
            library.search(query, limit=10, **options)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.99 * len(times)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scopes", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles in the shared seed folder")
    parser.add_argument("--servers", type=int, default=300, help="articles added by ten servers")
    parser.add_argument("--repeats", type=int, default=20, help="times each query is run per view")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-scopes-"))
    try:
        library = build(work, args.articles, args.servers)
        for query in QUERIES:  # warm the caches every view shares
            library.search(query, limit=10, scope=ALL_SERVERS)
        views = [
            ("every server (no scope mask)", {"scope": ALL_SERVERS}),
            ("the operator", {"scope": OPERATOR}),
            ("one server", {"scope": GUILDS[0]}),
            ("the operator, language filter", {"scope": OPERATOR, "language": "en"}),
        ]
        print(f"{len(library.sources(scope=ALL_SERVERS))} sources, {library.corpus.documents} passages")
        print("| seen by | median ms | p99 ms |\n| --- | ---: | ---: |")
        for name, options in views:
            median, p99 = timed(library, args.repeats, **options)
            print(f"| {name} | {median:.2f} | {p99:.2f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0
