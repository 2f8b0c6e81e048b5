"""Article files for the library benchmark, made the same way on every run (fixed seed).

Each article is a plain-text file: a title line, then 5-15 paragraphs of 3-6 sentences resampled from the
seed documents and (when present) the Cranfield abstracts. Real collections gain vocabulary as they grow, so
every article also names a few people, places and programmes of its own (invented words, never seen in
another article), woven into its sentences; the vocabulary grows with the number of articles. One more file,
``big-report.txt``, has about 10,000 passages: the source the summary latency is measured on.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from search.brief import whole_sentences
from search.corpus import load_directory
from search.evaluate import read_smart

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CRANFIELD = ROOT.parent / "shared" / "data" / "cranfield"
BIG_PASSAGES = 10_000
_SYLLABLES = [
    "ka",
    "ro",
    "mi",
    "sa",
    "te",
    "vu",
    "lo",
    "na",
    "dri",
    "zen",
    "bel",
    "tor",
    "ama",
    "qui",
    "fe",
    "ish",
    "olu",
    "pra",
    "gan",
    "wey",
    "hu",
    "sto",
    "rel",
    "dav",
    "ki",
]
_ROLES = ["Minister", "General", "Ambassador", "Professor", "analyst", "envoy", "Senator", "spokesperson"]
_THINGS = ["Initiative", "Accord", "Pact", "Forum", "Programme", "Strait", "Council", "Doctrine"]


def sentences() -> list[str]:
    """Whole sentences from the seeds and, if present, the Cranfield abstracts."""
    pool = [s for p in load_directory(SEEDS).passages for _, s in whole_sentences(p.text)]
    if (CRANFIELD / "cran.all.1400").exists():
        for _, text in read_smart(CRANFIELD / "cran.all.1400", "TW"):
            pool += [s.strip().capitalize() + "." for s in re.split(r"\s\.\s", text) if len(s.split()) > 5]
    return [s for s in pool if 6 <= len(s.split()) <= 60]


def _word(number: int) -> str:
    """An invented word, unique to ``number`` (its digits spelled as syllables)."""
    digits = "".join(_SYLLABLES[int(d)] for d in str(number))
    return (_SYLLABLES[number * 7 % len(_SYLLABLES)] + digits).capitalize()


def article(pool: list[str], number: int) -> str:
    rng = random.Random(number)
    names = [f"{rng.choice(_ROLES)} {_word(number * 10 + i)}" for i in range(3)]
    things = [f"the {_word(number * 10 + 5 + i)} {rng.choice(_THINGS)}" for i in range(2)]
    paragraphs = []
    for _ in range(rng.randint(5, 15)):
        chosen = [pool[rng.randrange(len(pool))] for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.7:
            chosen.insert(rng.randrange(len(chosen) + 1), f"{rng.choice(names)} spoke about {rng.choice(things)}.")
        paragraphs.append(" ".join(chosen))
    title = f"{things[0][4:]}: {rng.choice(names)} on {' '.join(pool[rng.randrange(len(pool))].split()[:5])}"
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def big_report(pool: list[str]) -> str:
    rng = random.Random(-1)
    paragraphs = [" ".join(pool[rng.randrange(len(pool))] for _ in range(4)) for _ in range(BIG_PASSAGES)]
    return "The long report\n\n" + "\n\n".join(paragraphs) + "\n"


def generate(directory: Path, count: int) -> Path:
    """``count`` article files plus the big report in ``directory`` (reused if already complete)."""
    done = directory / ".complete"
    if done.exists():
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    pool = sentences()
    for number in range(count):
        (directory / f"article-{number:06d}.txt").write_text(article(pool, number), encoding="utf-8")
    (directory / "big-report.txt").write_text(big_report(pool), encoding="utf-8")
    done.touch()
    return directory


def queries(pool_size: int = 60) -> list[str]:
    """Topic queries of 1-4 words: some over the shared vocabulary, some naming one article's people."""
    rng = random.Random(3)
    topics = [
        "trilateral",
        "THAAD",
        "Taiwan contingency",
        "comfort women",
        "cost sharing",
        "North Korea nuclear missile threats",
        "Camp David summit",
        "intelligence sharing agreement",
        "boundary layer",
        "supersonic flow heat transfer",
        "pressure distribution wing",
        "alliance deterrence",
    ]
    while len(topics) < pool_size:
        topics.append(f"{_word(rng.randrange(1000) * 10)} {rng.choice(['alliance', 'talks', 'spoke'])}")
    return topics
