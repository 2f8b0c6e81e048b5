"""Benchmark output: the Markdown table, the target check, the machine description and the plot."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
from importlib import metadata
from pathlib import Path

TARGETS = """\
- Query p99 ≤ 5 ms at 100k and ≤ 50 ms at 1M; ≥ 100× faster than rank-bm25 at 100k; within 3× of raw bm25s everywhere.
- Build 1M passages ≤ 120 s with peak RSS ≤ 2 GB; cold start ≤ 3 s at 1M.
- A new article searchable ≤ 2 s at 100k without a restart."""
COLUMNS = [
    "engine",
    "passages",
    "build s",
    "disk MB",
    "peak RSS MB",
    "p50 ms",
    "p99 ms",
    "cold start s",
    "add→searchable s",
]


def _num(value, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}" if value < 1000 else f"{value:,.0f}"


def table(rows: list[dict], header: bool = True) -> str:
    lines = []
    if header:
        lines += ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        add = _num(r["add_s"], 3) + ("" if r["incremental"] else " (rebuild)")
        if not r["add_found"]:
            add += " (not found!)"
        cells = [
            r["engine"],
            f"{r['size']:,}",
            _num(r["build_s"]),
            _num(r["disk_mb"], 1),
            _num(r["peak_rss_mb"], 0),
            _num(r["p50_ms"], 3),
            _num(r["p99_ms"], 3),
            _num(r["cold_s"]),
            add,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _row(rows, engine, size):
    return next((r for r in rows if r["engine"] == engine and r["size"] == size), None)


def targets(rows: list[dict]) -> str:
    """Each target, met or missed, with the measured number (only where the run measured it)."""
    out = ["Targets (briefbot engine):"]

    def check(label, value, limit, unit, higher_is_better=False):
        if value is None:
            return
        ok = value >= limit if higher_is_better else value <= limit
        verdict, sign = "met   " if ok else "MISSED", "≥" if higher_is_better else "≤"
        out.append(f"- {verdict} {label}: {value:,.3g} {unit} (target {sign} {limit:g})")

    ours = lambda size: _row(rows, "briefbot", size)  # noqa: E731
    for size, limit in ((100_000, 5), (1_000_000, 50)):
        check(f"query p99 at {size:,}", (ours(size) or {}).get("p99_ms"), limit, "ms")
    if ours(100_000) and _row(rows, "rank-bm25", 100_000):
        speedup = _row(rows, "rank-bm25", 100_000)["p50_ms"] / ours(100_000)["p50_ms"]
        check("speed-up over rank-bm25 at 100,000 (p50)", speedup, 100, "×", higher_is_better=True)
    for r in rows:
        peer = _row(rows, "bm25s", r["size"])
        if r["engine"] == "briefbot" and peer:
            check(f"p99 relative to bm25s at {r['size']:,}", r["p99_ms"] / peer["p99_ms"], 3, "×")
    if ours(1_000_000):
        check("build at 1,000,000", ours(1_000_000)["build_s"], 120, "s")
        check("peak RSS building 1,000,000", ours(1_000_000)["peak_rss_mb"], 2048, "MB")
        check("cold start at 1,000,000", ours(1_000_000)["cold_s"], 3, "s")
    if ours(100_000):
        check("new article searchable at 100,000", ours(100_000)["add_s"], 2, "s")
    return "\n".join(out)


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = []
    for package in ("numpy", "rank-bm25", "bm25s", "tantivy"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{package} {metadata.version(package)}")
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; SQLite {__import__('sqlite3').sqlite_version}; {', '.join(versions)}"
    )


def write_report(rows: list[dict], skipped: list[str], path: Path, image: Path | None) -> Path:
    lines = [
        "# Benchmarks",
        "",
        f"Measured {dt.date.today()} with `python -m bench` on: {machine()}.",
        "",
        "Corpus: passages of 3–7 sentences resampled (fixed seed) from the seed documents and the Cranfield",
        "abstracts, analyzed once by briefbot's analyzer; every engine gets the same terms. Queries: the 225",
        "Cranfield queries and 15 topic queries over the seeds, 1–8 terms each, single-threaded, warm, top 10.",
        "Each engine and size runs in its own process: peak RSS is that process's (it includes the Python",
        "interpreter and the sentence pool, see the baseline in the JSON). Cold start is a fresh process loading",
        "the saved index and answering one query, interpreter start-up included (the page cache is warm).",
        '"add→searchable" is the time from adding one passage to finding it; engines without incremental',
        "updates rebuild everything (marked).",
        "",
        table(rows),
        "",
    ]
    if image:
        lines += [f"![query latency against corpus size]({image.name})", ""]
    if skipped:
        lines += ["Not measured:", "", *[f"- {s}" for s in skipped], ""]
    lines += ["## Targets", "", TARGETS, "", "```", targets(rows), "```", ""]
    path.write_text("\n".join(lines))
    return path


def plot(rows: list[dict], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.5))
    for engine in dict.fromkeys(r["engine"] for r in rows):
        points = sorted((r["size"], r["p50_ms"], r["p99_ms"]) for r in rows if r["engine"] == engine)
        sizes = [p[0] for p in points]
        line = axis.plot(sizes, [p[1] for p in points], marker="o", label=f"{engine} p50")[0]
        axis.plot(sizes, [p[2] for p in points], linestyle="--", color=line.get_color(), alpha=0.6)
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("passages")
    axis.set_ylabel("query latency, ms (solid p50, dashed p99)")
    axis.set_title("BM25 query latency against corpus size")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
