"""Benchmark corpora and queries, made the same way on every run.

Passages are resampled sentences: each passage takes 3 to 7 sentences drawn at random (fixed seed) from the
seed documents and, when available, the Cranfield abstracts. Sentences are analyzed once with briefbot's
English analyzer, so every engine is fed the same terms. This keeps real word statistics (a real,
heavy-tailed vocabulary of about 7,000 terms) but, unlike a growing real library, the vocabulary does not
grow with size: common terms get very long postings at 1M passages, which is the hard case for query speed.

Queries: the Cranfield queries (cut to their first 8 terms) and topic queries over the seeds, 1-8 terms,
some rare and some common.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

from search.analyze import Analyzer
from search.brief import whole_sentences
from search.corpus import load_directory
from search.evaluate import read_smart

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CRANFIELD = ROOT.parent / "shared" / "data" / "cranfield"
SEED_TOPICS = [
    "trilateral",
    "THAAD",
    "Taiwan contingency",
    "comfort women",
    "cost sharing",
    "USFK",
    "North Korea nuclear missile threats",
    "Camp David summit",
    "One China policy",
    "CPTPP",
    "intelligence sharing agreement",
    "deterrence regime survival",
    "economic coercion de-risking",
    "South Korea Japan relations history",
    "US Japan alliance defense guidelines revision",
]
MAX_QUERY_TERMS = 8


def sentence_pool(analyzer: Analyzer, cranfield: Path = CRANFIELD) -> list[list[str]]:
    """Analyzed sentences (term lists) from the seeds and, if present, the Cranfield abstracts."""
    pool = []
    for passage in load_directory(SEEDS).passages:
        pool.extend(analyzer.terms(sentence) for _, sentence in whole_sentences(passage.text))
    if (cranfield / "cran.all.1400").exists():
        for _, text in read_smart(cranfield / "cran.all.1400", "TW"):
            pool.extend(analyzer.terms(s) for s in re.split(r"\s\.\s", text))
    return [terms for terms in pool if len(terms) >= 3]


def passages(pool: list[list[str]], size: int, seed: int = 7) -> Iterator[list[str]]:
    """``size`` passages of 3-7 resampled sentences each; the same ones for the same size and seed."""
    rng = random.Random(seed)
    for _ in range(size):
        terms: list[str] = []
        for _ in range(rng.randint(3, 7)):
            terms.extend(pool[rng.randrange(len(pool))])
        yield terms


def queries(analyzer: Analyzer, cranfield: Path = CRANFIELD) -> list[list[str]]:
    texts = list(SEED_TOPICS)
    if (cranfield / "cran.qry").exists():
        texts += [text for _, text in read_smart(cranfield / "cran.qry", "W")]
    out = []
    for text in texts:
        terms = analyzer.terms(text, query=True)[:MAX_QUERY_TERMS]
        if terms:
            out.append(terms)
    return out


def new_article(analyzer: Analyzer) -> list[str]:
    """A passage with a term no generated passage has, to time "added until searchable"."""
    return analyzer.terms("Zephyrine wargames: the allies rehearse a zephyrine contingency near Jeju.")
