"""``python -m bench.extraction``: how much of each page's article reaches the library, on the 181-page
article-extraction benchmark (``../shared/data/extraction``), scored as that benchmark does.

Scoring: tokens are ``\\w+`` runs (case kept), shingles are runs of 4 tokens counted with multiplicity;
per page precision, recall and F1 of the extracted shingles against the ground truth's, averaged over pages
(an empty extraction has precision 0). "Passages off the article" counts library passages sharing no 4-gram
with the ground truth: boilerplate that became a passage.

Rows: trafilatura alone with its defaults; the library's text under each trafilatura mode (what
``briefbot ingest`` makes of a page: loader, cleaning, passages; each passage's heading then its text, in
reading order); and, for the mode the library uses, the library with each cleaning rule switched off.

    python -m bench.extraction                      # prints the table
    python -m bench.extraction --write docs/extraction.md
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from search.clean import RULES, clean_lines
from search.decode import decode
from search.ingest import EXTRACTION_MODE, IngestError, RawDocument, from_html
from search.passages import assemble

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction"
PUBLISHED = [
    ("rs_trafilatura (published)", 0.951, 0.990, 0.970),
    ("trafilatura 2.0.0 (published)", 0.938, 0.978, 0.958),
    ("Diffbot (published)", None, None, 0.951),
    ("newspaper4k (published)", None, None, 0.949),
    ("readability.js (published)", None, None, 0.947),
]
_TOKEN = re.compile(r"\w+")


def shingles(text: str) -> Counter:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def page_scores(extracted: str, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of one page's extraction."""
    got, want = shingles(extracted), shingles(truth)
    tp = sum((got & want).values())
    precision = tp / sum(got.values()) if got else (0.0 if want else 1.0)
    recall = tp / sum(want.values()) if want else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass
class Page:
    page_id: str
    html: str
    url: str
    truth: str


@dataclass
class Row:
    name: str
    precision: float
    recall: float
    f1: float
    off_article: float | None = None  # share of passages with no ground-truth 4-gram
    seconds: float | None = None


def load_pages(data: Path) -> list[Page]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, item in sorted(truth.items()):
        html = decode(gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes()))
        pages.append(Page(page_id, html, item.get("url") or "", item.get("articleBody") or ""))
    return pages


def library_text(raw: RawDocument | None, disabled: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """What a page becomes in the library (headings and passages in order), and the passages' texts."""
    if raw is None:
        return "", []
    cleaned = clean_lines(raw.lines, title=raw.title, kinds=raw.kinds, disabled=disabled)
    _, passages = assemble("page", cleaned.blocks)
    parts, heading = [], None
    for passage in passages:
        if passage.heading and passage.heading != heading:
            parts.append(passage.heading)
        heading = passage.heading
        parts.append(passage.text)
    return "\n".join(parts), [p.text for p in passages]


def score(name: str, pages: list[Page], extract: Callable[[Page], tuple[str, list[str] | None]]) -> Row:
    start = time.perf_counter()
    per_page, passages, off = [], 0, 0
    for page in pages:
        text, texts = extract(page)
        per_page.append(page_scores(text, page.truth))
        if texts is not None:
            truth = shingles(page.truth)
            passages += len(texts)
            off += sum(1 for t in texts if not (shingles(t).keys() & truth.keys()))
    p, r, f = (statistics.fmean(column) for column in zip(*per_page, strict=True))
    return Row(name, p, r, f, off / passages if passages else None, time.perf_counter() - start)


def _raw(page: Page, mode: str) -> RawDocument | None:
    try:
        return from_html(page.html, url=page.url, mode=mode)
    except IngestError:
        return None


def run(pages: list[Page]) -> list[Row]:
    rows = [score("trafilatura alone (defaults)", pages, lambda p: (trafilatura.extract(p.html) or "", None))]
    raws: dict[str, list[RawDocument | None]] = {}
    for mode in ("adaptive", "precision", "balanced", "recall"):
        start = time.perf_counter()
        raws[mode] = [_raw(page, mode) for page in pages]
        extraction = time.perf_counter() - start
        by_page = dict(zip((p.page_id for p in pages), raws[mode], strict=True))
        row = score(f"library, extraction {mode}", pages, lambda p, m=by_page: library_text(m[p.page_id]))
        row.seconds = (row.seconds or 0) + extraction
        rows.append(row)
        print(_line(row), file=sys.stderr)
    by_page = dict(zip((p.page_id for p in pages), raws[EXTRACTION_MODE], strict=True))
    for rule in RULES:
        row = score(
            f"library without `{rule}`",
            pages,
            lambda p, r=rule: library_text(by_page[p.page_id], frozenset({r})),
        )
        rows.append(row)
        print(_line(row), file=sys.stderr)
    row = score("library without any rule", pages, lambda p: library_text(by_page[p.page_id], frozenset(RULES)))
    rows.append(row)
    return rows


def _line(row: Row) -> str:
    def fmt(value: float | None, pattern: str = "{:.3f}") -> str:
        return "—" if value is None else pattern.format(value)

    off = fmt(row.off_article * 100 if row.off_article is not None else None, "{:.2f} %")
    seconds = fmt(row.seconds, "{:.0f}")
    return f"| {row.name} | {fmt(row.precision)} | {fmt(row.recall)} | {fmt(row.f1)} | {off} | {seconds} |"


def table(rows: list[Row]) -> str:
    head = "| extractor | precision | recall | F1 | passages off the article | seconds |\n" + "| --- " * 6 + "|"
    published = [Row(name, p, r, f) for name, p, r, f in PUBLISHED]
    return "\n".join([head, *(_line(row) for row in [*rows, *published])])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the benchmark's directory")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages (a quick look)")
    parser.add_argument("--write", type=Path, help="also write the table into this Markdown file")
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").is_file():
        print(f"benchmark data not found in {args.data}", file=sys.stderr)
        return 1
    pages = load_pages(args.data)[: args.limit or None]
    text = table(run(pages))
    print(text)
    if args.write:
        _write(args.write, text, len(pages))
    return 0


def _write(path: Path, text: str, pages: int) -> None:
    marker_start, marker_end = "<!-- extraction table -->", "<!-- /extraction table -->"
    block = f"{marker_start}\n{text}\n\n({pages} pages; `python -m bench.extraction`)\n{marker_end}"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if marker_start in old and marker_end in old:
        before, rest = old.split(marker_start, 1)
        new = before + block + rest.split(marker_end, 1)[1]
    else:
        new = (old + "\n\n" if old else "") + block + "\n"
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
