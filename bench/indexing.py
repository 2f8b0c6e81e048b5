"""``python -m bench.indexing``: how long ``briefbot index`` takes on generated sources (no network).

Cases: ``abstracts`` (5,000 plain-text abstracts of about 200 words, a title line first, as in public
collections of scientific abstracts) and ``paragraph`` (one 4 MB file that is a single paragraph: the case
that made the old sentence splitter quadratic). Each run is a fresh ``briefbot index`` process over a fresh
data directory; the median of ``--runs`` is reported. ``--splitters`` also times the candidate sentence
splitters on the 4 MB paragraph (the measurement behind search/sentences.py).

    python -m bench.indexing                       # both cases, 3 runs each
    python -m bench.indexing --case abstracts --runs 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
_ABBREVIATIONS = ["e.g.", "i.e.", "et al.", "Fig.", "U.S.", "approx.", "vs."]
_UNITS = ["mmol/mol", "and/or", "HIV/AIDS", "mg/kg", "Seoul/Tokyo"]


def _vocabulary() -> list[str]:
    words = {w.strip(".,;:()“”\"'’") for path in SEEDS.glob("*.txt") for w in path.read_text().split()}
    return sorted(w for w in words if w.isascii() and w.isalpha() and 2 < len(w) < 14)  # English abstracts


def _sentence(rng: random.Random, vocabulary: list[str]) -> str:
    words = rng.choices(vocabulary, k=rng.randint(12, 28))
    for _ in range(rng.randint(0, 2)):
        words.insert(rng.randrange(len(words)), rng.choice(_ABBREVIATIONS + _UNITS))
    words.insert(rng.randrange(len(words)), f"{rng.uniform(0, 100):.1f}")
    return " ".join(words).capitalize() + "."


def write_abstracts(directory: Path, count: int, seed: int = 1) -> None:
    rng, vocabulary = random.Random(seed), _vocabulary()
    for n in range(count):
        title = " ".join(rng.choices(vocabulary, k=rng.randint(6, 12))).capitalize()
        body = " ".join(_sentence(rng, vocabulary) for _ in range(rng.randint(8, 11)))
        (directory / f"abstract-{n:05d}.txt").write_text(f"{title}\n{body}\n", encoding="utf-8")


def write_paragraph(directory: Path, megabytes: float = 4, seed: int = 1) -> str:
    rng, vocabulary = random.Random(seed), _vocabulary()
    sentences, size = [], 0
    while size < megabytes * 1_000_000:
        sentences.append(_sentence(rng, vocabulary))
        size += len(sentences[-1]) + 1
    text = " ".join(sentences)
    (directory / "one-paragraph.txt").write_text(f"A very long report\n{text}\n", encoding="utf-8")
    return text


def time_index(seeds: Path) -> float:
    """Seconds of one ``briefbot index`` run (a fresh process, a fresh data directory)."""
    with tempfile.TemporaryDirectory() as data:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "index", "--seeds", str(seeds), "--data", data],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start


def time_splitters(text: str) -> list[tuple[str, float, int]]:
    """(splitter, seconds, sentences) for each candidate on ``text``; pysbd only on a tenth of it."""
    import nupunkt
    import pysbd
    import sentencex
    import syntok.segmenter

    candidates = [
        ("sentencex", lambda t: list(sentencex.segment("en", t)), text),
        ("nupunkt", nupunkt.sent_tokenize, text),
        ("syntok", lambda t: [s for p in syntok.segmenter.process(t) for s in p], text),
        ("pysbd (400 kB only)", pysbd.Segmenter(language="en", clean=False).segment, text[: len(text) // 10]),
    ]
    rows = []
    for name, split, sample in candidates:
        start = time.perf_counter()
        count = len(split(sample))
        rows.append((name, time.perf_counter() - start, count))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.indexing", description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=("abstracts", "paragraph", "both"), default="both")
    parser.add_argument("--count", type=int, default=5000, help="abstracts to generate")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--splitters", action="store_true", help="also time the candidate sentence splitters")
    args = parser.parse_args(argv)
    print("| case | runs | median seconds | min | max |\n| --- | --- | --- | --- | --- |")
    for case in ("abstracts", "paragraph") if args.case == "both" else (args.case,):
        with tempfile.TemporaryDirectory() as seeds:
            if case == "abstracts":
                write_abstracts(Path(seeds), args.count)
                label = f"{args.count:,} abstracts of ~200 words"
            else:
                text = write_paragraph(Path(seeds))
                label = f"one {len(text) / 1e6:.1f} MB paragraph"
            times = [time_index(Path(seeds)) for _ in range(args.runs)]
        print(f"| {label} | {args.runs} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} |")
    if args.splitters:
        with tempfile.TemporaryDirectory() as seeds:
            text = write_paragraph(Path(seeds))
        print("\n| splitter (4 MB paragraph) | seconds | sentences |\n| --- | --- | --- |")
        for name, seconds, count in time_splitters(text):
            print(f"| {name} | {seconds:.2f} | {count:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
