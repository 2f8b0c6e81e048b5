"""One measurement in a fresh process, so peak RSS belongs to one engine at one size.

python -m bench.worker measure ENGINE SIZE WORKDIR   -> JSON on stdout
python -m bench.worker cold ENGINE DIR TERMS...      -> loads a saved index and answers one query
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def measure(engine_name: str, size: int, workdir: Path) -> dict:
    from bench.corpus import new_article, passages, queries, sentence_pool
    from bench.engines import ENGINES
    from search.analyze import Analyzer

    analyzer = Analyzer()
    pool, query_set, article = sentence_pool(analyzer), queries(analyzer), new_article(analyzer)
    cls = ENGINES[engine_name]
    engine = cls(workdir / "live") if engine_name in ("sqlite-fts5", "tantivy") else cls()
    baseline = _rss_mb()
    start = time.perf_counter()
    engine.build(passages(pool, size))
    build_s = time.perf_counter() - start
    for terms in query_set[:20]:  # warm up
        engine.search(terms)
    latencies = []
    for terms in query_set:
        t = time.perf_counter()
        engine.search(terms)
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    disk = None
    if engine.persists:
        saved = workdir / "saved"
        saved.mkdir(parents=True, exist_ok=True)
        engine.save(saved)
        disk = _disk_mb(saved)
    start = time.perf_counter()
    engine.add(article)
    found = bool(engine.search(article[:1]))
    add_s = time.perf_counter() - start
    return {
        "engine": engine_name,
        "size": size,
        "build_s": build_s,
        "disk_mb": disk,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))],
        "queries": len(latencies),
        "add_s": add_s,
        "add_found": found,
        "incremental": engine.incremental,
        "saved": str(workdir / "saved") if engine.persists else None,
    }


def cold(engine_name: str, path: Path, terms: list[str]) -> list[int]:
    from bench.engines import ENGINES

    return ENGINES[engine_name].load(path).search(terms)


if __name__ == "__main__":
    command, engine_name = sys.argv[1], sys.argv[2]
    if command == "measure":
        print(json.dumps(measure(engine_name, int(sys.argv[3]), Path(sys.argv[4]))))
    else:
        print(json.dumps(cold(engine_name, Path(sys.argv[3]), sys.argv[4:])))
