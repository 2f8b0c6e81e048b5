"""``python -m bench.cjk``: Korean and Japanese analyzers compared on quality, speed and install size.

Quality: the paragraphs of the Korean and Japanese test articles (tests/fixtures/cjk), each indexed as one
document beside the English seed passages, searched with the judged queries of tests/search/cjk_judgments.py
(inflected forms and particles the text does not use); MAP, nDCG@10 and P@1 (the first hit is relevant).
Speed: characters analysed per second over those paragraphs (model loaded, per-word caches empty), and the
time to import and load the analyzer. Size: the installed files of the packages each one needs.

Candidates: Korean, Kiwi (the shipped analyzer) against the character-bigram fallback; Japanese, character
bigrams (shipped) against janome and SudachiPy (modes A and C), each keeping content words by base form.
janome and SudachiPy are not dependencies: install them to include them
(``pip install janome sudachipy sudachidict-core``); a candidate that is not installed is listed as such.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from search.analyze import Analyzer
from search.evaluate import evaluate_rankings
from search.index import BM25Index

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "cjk"
SEEDS = ROOT / "seeds"
# Part-of-speech classes that are not content words: particles, auxiliary verbs, symbols, blanks.
_JAPANESE_FUNCTION_POS = ("助詞", "助動詞", "記号", "補助記号", "空白")


def paragraphs(prefix: str) -> list[tuple[str, str]]:
    """``("ja_launch:2", text)`` for every paragraph after the title of the fixture files named ``prefix*``."""
    out = []
    for path in sorted(FIXTURES.glob(f"{prefix}*.txt")):
        blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
        out.extend((f"{path.stem}:{n}", text) for n, text in enumerate(blocks[1:], 1))
    return out


Terms = Callable[[str], list[str]]


def _janome() -> Callable[[], Terms]:
    from janome.tokenizer import Tokenizer

    tokenizer = Tokenizer()

    def terms(text: str) -> list[str]:
        return [
            t.base_form.casefold()
            for t in tokenizer.tokenize(text)
            if t.part_of_speech.split(",")[0] not in _JAPANESE_FUNCTION_POS
        ]

    return lambda: terms


def _sudachi(mode: str) -> Callable[[], Callable[[], Terms]]:
    def load() -> Callable[[], Terms]:
        import sudachipy

        tokenizer = sudachipy.Dictionary(dict="core").create(getattr(sudachipy.SplitMode, mode))

        def terms(text: str) -> list[str]:
            return [
                m.normalized_form().casefold()
                for m in tokenizer.tokenize(text)
                if m.part_of_speech()[0] not in _JAPANESE_FUNCTION_POS
            ]

        return lambda: terms

    return load


def _analyzer(**options) -> Callable[[], Callable[[], Terms]]:
    """Each call of the returned factory gives a fresh Analyzer, so its per-word cache does not hide work."""
    return lambda: lambda: Analyzer(**options).terms


_shipped = _analyzer()
CANDIDATES: dict[str, list[tuple[str, Callable[[], Callable[[], Terms]], list[str]]]] = {
    "ko": [
        ("Kiwi (shipped)", _shipped, ["kiwipiepy", "kiwipiepy_model"]),
        ("character bigrams (fallback)", _analyzer(korean_morphology=False), []),
    ],
    "ja": [
        ("character bigrams (shipped)", _shipped, []),
        ("janome", _janome, ["janome"]),
        ("SudachiPy, mode A", _sudachi("A"), ["sudachipy", "sudachidict_core"]),
        ("SudachiPy, mode C", _sudachi("C"), ["sudachipy", "sudachidict_core"]),
    ],
}


def installed_mb(distributions: list[str]) -> float | None:
    """Size of the installed files of these distributions (None if one is missing)."""
    total = 0
    for name in distributions:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            return None
        total += sum(f.locate().stat().st_size for f in files if Path(f.locate()).is_file())
    return total / 2**20


def quality(language: str, judgments: dict[str, dict[str, int]], terms: Terms) -> dict:
    """MAP, nDCG@10 and P@1 of ``terms`` on the judged queries, over that language's paragraphs and the seeds."""
    english = Analyzer()
    pool = [(doc_id, terms(text)) for doc_id, text in paragraphs(language)]
    pool += [(f"en:{n}", english.terms(p.read_text(encoding="utf-8"))) for n, p in enumerate(sorted(SEEDS.iterdir()))]
    index = BM25Index.build(pool)
    rankings, first_relevant = [], 0
    for query, graded in judgments.items():
        ranked = [index.keys[doc] for doc, _ in index.search(terms(query), 10)]
        rankings.append((ranked, set(graded)))
        first_relevant += bool(ranked) and ranked[0] in graded
    result = evaluate_rankings(rankings)
    return {"map": result.map, "ndcg@10": result.ndcg_10, "p@1": first_relevant / len(judgments)}


def measure(language: str, judgments: dict[str, dict[str, int]], label, load, distributions) -> dict:
    size = installed_mb(distributions)
    if distributions and size is None:
        return {"analyzer": label, "missing": ", ".join(distributions)}
    start = time.perf_counter()
    make = load()
    make()("初期化 초기화")  # the first call loads lazily loaded models
    load_s = time.perf_counter() - start
    docs = paragraphs(language)
    chars = sum(len(text) for _, text in docs)
    start, rounds = time.perf_counter(), 0
    while time.perf_counter() - start < 2.0:
        terms = make()
        for _, text in docs:
            terms(text)
        rounds += 1
    speed = rounds * chars / (time.perf_counter() - start)
    return {
        "analyzer": label,
        **quality(language, judgments, make()),
        "chars_per_s": speed,
        "load_s": load_s,
        "installed_mb": size or 0.0,
    }


def table(language: str, rows: list[dict]) -> str:
    lines = [
        f"| {language} analyzer | MAP | nDCG@10 | P@1 | chars/s | load s | installed MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if "missing" in r:
            lines.append(f"| {r['analyzer']} | not installed ({r['missing']}) | | | | | |")
            continue
        lines.append(
            f"| {r['analyzer']} | {r['map']:.3f} | {r['ndcg@10']:.3f} | {r['p@1']:.2f} | {r['chars_per_s']:,.0f} "
            f"| {r['load_s']:.2f} | {r['installed_mb']:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from tests.search.cjk_judgments import JAPANESE, KOREAN

    parser = argparse.ArgumentParser(prog="python -m bench.cjk", description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default="ko,ja", help="comma-separated: ko, ja")
    args = parser.parse_args(argv)
    judged = {"ko": KOREAN, "ja": JAPANESE}
    for language in args.languages.split(","):
        rows = [measure(language, judged[language], *candidate) for candidate in CANDIDATES[language]]
        print(f"{len(judged[language])} judged queries over {len(paragraphs(language))} paragraphs\n")
        print(table(language, rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
