"""One library measurement in a fresh process (see ``bench.library``); prints JSON.

python -m bench.library_worker index|open|serve --seeds DIR --data DIR
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import resource
import statistics
import time
from pathlib import Path

BIG = "big-report"


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def index(seeds: Path, data: Path) -> dict:
    """``briefbot index`` through the CLI's own entry point; peak RSS of this process and its pool workers."""
    from bot.cli import main

    with contextlib.redirect_stdout(io.StringIO()) as out:
        code = main(["index", "--json", "--seeds", str(seeds), "--data", str(data)])
    if code:
        raise SystemExit(f"briefbot index failed ({code})")
    summary = json.loads(out.getvalue())
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return {"passages": summary["passages"], "sources": summary["sources"], "peak_rss_mb": peak / 1024}


def open_library(seeds: Path, data: Path) -> dict:
    from search.library import Library

    start = time.perf_counter()
    Library(seeds, data).open()
    return {"open_s": time.perf_counter() - start}


def serve(seeds: Path, data: Path) -> dict:
    import search.corpus
    from bench.articles import queries
    from search.library import Library

    library = Library(seeds, data).open()
    topics = queries()
    timings: dict[str, list[float]] = {"search": [], "brief": [], "summary": [], "big_summary": []}
    for _ in range(3):
        for topic in topics:
            start = time.perf_counter()
            library.search(topic, limit=5)
            timings["search"].append(time.perf_counter() - start)
    for topic in topics:
        start = time.perf_counter()
        library.brief(topic)
        timings["brief"].append(time.perf_counter() - start)
    rng = random.Random(5)
    articles = [f"article-{rng.randrange(1000):06d}" for _ in range(40)]
    for source_id in [BIG] * 20 + articles:
        start = time.perf_counter()
        library.summary(source_id)
        timings["big_summary" if source_id == BIG else "summary"].append(time.perf_counter() - start)
    timings["summary"] += timings["big_summary"]
    result = {}
    for name, samples in timings.items():
        result[f"{name}_p50"], result[f"{name}_p99"] = _percentiles(samples)

    added = seeds / "zz-new-article.txt"
    changed = seeds / "article-000007.txt"
    original = changed.read_bytes()
    parsed: list[str] = []
    real = search.corpus.parse_bytes

    def counting(data_bytes, path):
        parsed.append(path.name)
        return real(data_bytes, path)

    search.corpus.parse_bytes = counting
    try:
        added.write_text("Quixotrel hearings\n\n" + "The quixotrel hearings on the alliance opened today. " * 8)
        start = time.perf_counter()
        library.refresh_seeds()
        found = library.search("quixotrel").hits
        result["add_s"] = time.perf_counter() - start
        assert found and found[0].source_id == added.stem, "the new file was not found"
        changed.write_bytes(original + b"\nA closing line on the vexlorian accord between the allies.\n")
        parsed.clear()
        start = time.perf_counter()
        library.refresh_seeds()
        found = library.search("vexlorian").hits
        result["change_s"] = time.perf_counter() - start
        result["change_parsed"] = len(parsed)
        assert found and found[0].source_id == changed.stem, "the changed file was not found"
    finally:
        added.unlink(missing_ok=True)
        changed.write_bytes(original)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["index", "open", "serve"])
    parser.add_argument("--seeds", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    args = parser.parse_args()
    run = {"index": index, "open": open_library, "serve": serve}[args.what]
    print(json.dumps(run(args.seeds, args.data)))


if __name__ == "__main__":
    main()
