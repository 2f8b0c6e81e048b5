"""``python -m bench library``: the product path at 1k, 10k and 100k articles, written to docs/benchmarks.md.

    python -m bench library                               # 1k, 10k, 100k articles (the 100k run takes a while)
    python -m bench library --articles 1000 --out /tmp/b

Article files are generated once (``bench.articles``) and cached under ``--cache`` (git-ignored). For each
size, in fresh processes and a fresh data directory: ``briefbot index`` (wall time from process start, peak
RSS of the largest process, pool workers included); cold ``briefbot search`` (process start to answer,
median of 5 queries); ``Library.open()`` to ready (median of 3 processes); then, in one process, search,
brief and source-summary latency (p50/p99; summaries of the 10,000-passage report and of articles), the
time from writing a new file to finding it (``refresh_seeds``, what the bot runs), and the time to pick up
a changed file with the number of files parsed. The article files are restored afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.articles import generate
from bench.report import machine

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = [1_000, 10_000, 100_000]
MARK_START, MARK_END = "<!-- library track: start -->", "<!-- library track: end -->"
COLD_QUERIES = ["trilateral", "boundary layer", "Taiwan contingency", "heat transfer", "THAAD"]


def _run(*argv: str, timeout: float) -> tuple[str, float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *argv], capture_output=True, text=True, timeout=timeout, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])}: {done.stderr.strip()[-500:]}")
    return done.stdout, elapsed


def measure(articles: Path, data: Path, timeout: float, *, keep_data: bool = False) -> dict:
    """One size. With ``keep_data`` an existing data directory is reused and the index figures are the ones
    recorded when it was built (``index.json`` beside it)."""
    paths = ("--seeds", str(articles), "--data", str(data))
    recorded = data.with_name(data.name + "-index.json")
    if keep_data and recorded.exists() and data.exists():
        row = json.loads(recorded.read_text())
    else:
        shutil.rmtree(data, ignore_errors=True)
        out, index_s = _run("-m", "bench.library_worker", "index", *paths, timeout=timeout)
        row = {"index_s": index_s, **json.loads(out)}
        recorded.write_text(json.dumps(row))
    cold = [_run("-m", "bot.cli", "search", q, *paths, timeout=timeout)[1] for q in COLD_QUERIES]
    row["cold_search_s"] = statistics.median(cold)
    opens = [json.loads(_run("-m", "bench.library_worker", "open", *paths, timeout=timeout)[0]) for _ in range(3)]
    row["open_s"] = statistics.median(o["open_s"] for o in opens)
    out, _ = _run("-m", "bench.library_worker", "serve", *paths, timeout=timeout)
    row.update(json.loads(out))
    return row


def _ms(value: float) -> str:
    return f"{value * 1000:.1f}"


def table(rows: list[dict]) -> str:
    lines = [
        "| articles | passages | index s | index peak RSS MB | cold search s | open s | search p50/p99 ms "
        "| brief p50/p99 ms | summary p50/p99 ms (10k-passage source) | new file searchable s "
        "| changed file: s, files parsed |",
        "|---" * 11 + "|",
    ]
    for r in rows:
        lines.append(
            f"| {r['articles']:,} | {r['passages']:,} | {r['index_s']:.1f} | {r['peak_rss_mb']:.0f} "
            f"| {r['cold_search_s']:.2f} | {r['open_s']:.2f} | {_ms(r['search_p50'])} / {_ms(r['search_p99'])} "
            f"| {_ms(r['brief_p50'])} / {_ms(r['brief_p99'])} "
            f"| {_ms(r['summary_p50'])} / {_ms(r['summary_p99'])} ({_ms(r['big_summary_p99'])} p99) "
            f"| {r['add_s']:.2f} | {r['change_s']:.1f}, {r['change_parsed']} |"
        )
    return "\n".join(lines)


def write_section(rows: list[dict], path: Path) -> Path:
    section = "\n".join(
        [
            MARK_START,
            "## Library track: the product path",
            "",
            f"Measured {time.strftime('%Y-%m-%d')} with `python -m bench library` on: {machine()}.",
            "",
            (__doc__ or "").split("\n\n", 2)[2].strip(),
            "",
            table(rows),
            "",
            "```json",
            json.dumps(rows, indent=1),
            "```",
            MARK_END,
        ]
    )
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if MARK_START in text:
        before, rest = text.split(MARK_START, 1)
        text = before + section + rest.split(MARK_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench library", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default=",".join(map(str, DEFAULT_ARTICLES)), help="comma-separated sizes")
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench-data", help="generated articles (kept)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where benchmarks.md is")
    parser.add_argument("--timeout", type=float, default=7200, help="seconds one process may take")
    parser.add_argument("--keep-data", action="store_true", help="reuse built data directories (index not re-timed)")
    args = parser.parse_args(argv)
    rows = []
    for count in (int(n) for n in args.articles.split(",")):
        articles = generate(args.cache / f"articles-{count}", count)
        data = args.cache / f"data-{count}"
        row = {"articles": count, **measure(articles, data, args.timeout, keep_data=args.keep_data)}
        rows.append(row)
        print(table([row]), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"wrote {write_section(rows, args.out / 'benchmarks.md')}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.exit(main())
