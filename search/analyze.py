"""English analyzer: text -> index terms.

Pipeline per token: Unicode NFKC, acronym folding, lowercase (casefold), possessive stripping, stopwords,
Snowball stemming (PyStemmer). The same analyzer must be used to build and to query an index; its
``settings()`` are recorded in every index manifest so a mismatch forces a rebuild.

Acronyms: "U.S.", "U.S.A.", "US" and "USA" all become the term ``usa``; the pronoun "us" (lowercase or
"Us" at a sentence start) is a stopword in documents. In queries, which people type in lowercase, "us"
means the country: the pronoun carries no search value anyway. Other acronyms (ROK, USFK, THAAD, CPTPP)
are lowercased and survive stemming unchanged.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import Stemmer

ANALYZER_VERSION = 1
COUNTRY_TERM = "usa"

# Snowball's English stopword list (the one that ships with the Snowball stemmers).
STOPWORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
    her hers herself it its itself they them their theirs themselves what which who whom this that
    these those am is are was were be been being have has had having do does did doing would should
    could ought a an the and but if or because as until while of at by for with about against
    between into through during before after above below to from up down in out on off over under
    again further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very us i'm you're he's she's it's we're they're i've
    you've we've they've i'd you'd he'd she'd we'd they'd i'll you'll he'll she'll we'll they'll
    isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't won't wouldn't shan't
    shouldn't can't cannot couldn't mustn't let's that's who's what's here's there's when's where's
    why's how's
    """.split()  # noqa: SIM905 (a word list reads better as text)
)

# A dotted acronym (U.S., U.S.A., e.g.) or a word, possibly with inner apostrophes (Korea's, don't).
TOKEN_RE = re.compile(r"(?:[A-Za-z]\.){2,}(?![A-Za-z])|\w+(?:['’]\w+)*")
_COUNTRY_FORMS = frozenset({"US", "USA"})


@dataclass(frozen=True, slots=True)
class Token:
    """One index term with its position (counting every word, stopwords included) and character span."""

    term: str
    position: int
    start: int
    end: int


class Analyzer:
    """Turns text into terms. Instances cache per-surface results, so reuse one."""

    def __init__(self, min_length: int = 2) -> None:
        self.min_length = min_length
        self._stemmer = Stemmer.Stemmer("english")
        self._cache: dict[str, str | None] = {}

    def settings(self) -> dict:
        """What an index must record to know it was built with this analyzer."""
        stop_hash = hashlib.sha1(" ".join(sorted(STOPWORDS)).encode()).hexdigest()[:12]
        return {
            "name": "english",
            "version": ANALYZER_VERSION,
            "stemmer": "snowball-english",
            "stopwords": stop_hash,
            "min_length": self.min_length,
            "country_term": COUNTRY_TERM,
        }

    def terms(self, text: str, *, query: bool = False) -> list[str]:
        """The index terms of ``text`` in order (the fast path used for indexing)."""
        out = []
        for surface in TOKEN_RE.findall(text):
            term = self.term(surface, query=query)
            if term is not None:
                out.append(term)
        return out

    def tokens(self, text: str, *, query: bool = False) -> list[Token]:
        """Terms with positions and character spans into ``text`` (for phrases and highlighting)."""
        out = []
        for position, match in enumerate(TOKEN_RE.finditer(text)):
            term = self.term(match.group(), query=query)
            if term is not None:
                out.append(Token(term, position, match.start(), match.end()))
        return out

    def term(self, surface: str, *, query: bool = False) -> str | None:
        """The term for one surface token, or None if it is a stopword or too short."""
        if query and surface.casefold() == "us":
            return COUNTRY_TERM
        try:
            return self._cache[surface]
        except KeyError:
            term = self._cache[surface] = self._analyze(surface)
            return term

    def _analyze(self, surface: str) -> str | None:
        if "." in surface:  # dotted acronym
            letters = surface.replace(".", "")
            if letters.upper() in _COUNTRY_FORMS:
                return COUNTRY_TERM
            return letters.casefold()
        if surface in _COUNTRY_FORMS:
            return COUNTRY_TERM
        word = unicodedata.normalize("NFKC", surface).casefold().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if word in STOPWORDS:  # before apostrophes go: "he'll" is a stopword, "hell" is not
            return None
        word = word.replace("'", "")
        if len(word) < self.min_length or word in STOPWORDS:
            return None
        return self._stemmer.stemWord(word)
