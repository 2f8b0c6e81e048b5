"""``python -m bench``: every engine at every size, one fresh process per measurement; a Markdown table
(docs/benchmarks.md) and a latency plot (docs/benchmarks.png).

    python -m bench                                  # 1k, 10k, 100k, 1M (about 20 minutes on 2 cores)
    python -m bench --sizes 1000 --out /tmp/b --no-plot
    python -m bench library                          # the product path at 1k-100k articles (bench.library)
    python -m bench ranking                          # the cost of feedback and proximity (bench.ranking)
    python -m bench semantic                         # semantic reranking: quality and cost (bench.semantic)
    python -m bench headlines                        # known-item search on 179 real articles (bench.headlines)
    python -m bench people                           # briefs about people in 179 real articles (bench.people)
    python -m bench scopes                           # what per-server scopes cost a search (bench.scopes)
    python -m bench claims                           # digest and feed claims/s, PostgreSQL vs SQLite (bench.claims)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tqdm import tqdm

from bench.engines import ENGINES
from bench.report import plot, table, targets, write_report

DEFAULT_SIZES = [1_000, 10_000, 100_000, 1_000_000]


def run_worker(*args: str, timeout: float) -> tuple[str, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.worker", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "worker failed")
    return done.stdout, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["library"]:
        from bench.library import main as library_main

        return library_main(argv[1:])
    if argv[:1] == ["scopes"]:
        from bench.scopes import main as scopes_main

        return scopes_main(argv[1:])
    if argv[:1] == ["claims"]:
        from bench.claims import main as claims_main

        return claims_main(argv[1:])
    if argv[:1] == ["headlines"]:
        from bench.headlines import main as headlines_main

        return headlines_main(argv[1:])
    if argv[:1] == ["people"]:
        from bench.people import main as people_main

        return people_main(argv[1:])
    if argv[:1] == ["semantic"]:
        from bench.semantic import main as semantic_main

        return semantic_main(argv[1:])
    if argv[:1] == ["ranking"]:
        from bench.ranking import main as ranking_main

        return ranking_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated passage counts")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, from {', '.join(ENGINES)}")
    parser.add_argument("--rank-bm25-max", type=int, default=100_000, help="largest size rank-bm25 is run at")
    parser.add_argument("--out", type=Path, default=Path("docs"), help="where benchmarks.md and .png go")
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds one measurement may take")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    engines = [e for e in args.engines.split(",") if e]
    unknown = set(engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")

    rows, skipped = [], []
    jobs = [(size, engine) for size in sizes for engine in engines]
    for size, engine in tqdm(jobs, desc="bench", unit="run"):
        if engine == "rank-bm25" and size > args.rank_bm25_max:
            skipped.append(f"rank-bm25 at {size:,}: over --rank-bm25-max ({args.rank_bm25_max:,})")
            continue
        with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
            try:
                out, _ = run_worker("measure", engine, str(size), workdir, timeout=args.timeout)
                row = json.loads(out)
                row["cold_s"] = None
                if row["saved"]:
                    _, row["cold_s"] = run_worker("cold", engine, row["saved"], "flow", "wing", timeout=300)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                skipped.append(f"{engine} at {size:,}: {error}")
                continue
        rows.append(row)
        tqdm.write(table([row], header=not rows[:-1]))
    args.out.mkdir(parents=True, exist_ok=True)
    image = None if args.no_plot else plot(rows, args.out / "benchmarks.png")
    report = write_report(rows, skipped, args.out / "benchmarks.md", image)
    print(targets(rows))
    print(f"wrote {report}" + (f" and {image}" if image else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
