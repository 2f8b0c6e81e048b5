"""Analyzers: text -> index terms, one per script, chosen per token run so mixed text works.

Words are found by ``TOKEN_RE``. A word without Hangul, kana or Han characters takes the English path,
exactly as before this module knew other scripts: Unicode NFKC, acronym folding, casefold, possessive
stripping, stopwords, Snowball stemming (PyStemmer). A word with such characters is cut into script runs,
so "THAAD를" or "Seoul의" keep "thaad" and "seoul" as English terms:

- Korean (words with Hangul): morphological analysis with Kiwi (kiwipiepy, whose model ships in the
  kiwipiepy-model package). Content morphemes (nouns, roots, verb and adjective stems) become terms;
  particles, endings, suffixes and a few function verbs do not, so 사드를, 사드는 and 사드 are all ``사드``;
  Latin letters, digits and Hanja inside the word go to their own analyzers. Each word is analysed on its
  own and cached: it gives the same terms in a query as in a document, and common words are analysed once.
  Without kiwipiepy (or if its model cannot be loaded) Hangul gets the bigrams below, and ``settings()`` says
  so, so an index built one way is never read the other.
- Japanese and Chinese (Han and kana runs): overlapping character bigrams, as Lucene's CJKAnalyzer (a lone
  character is a term of its own). Chosen over janome and SudachiPy after measuring quality on our judged
  set, speed and install size (docs/cjk.md): bigrams ranked a relevant paragraph first for every judged
  query, as the dictionaries did, need no 200 MB dictionary, handle Chinese too, and still match names a
  dictionary lacks.

Acronyms: "U.S.", "U.S.A.", "US" and "USA" all become the term ``usa``; the pronoun "us" (lowercase or
"Us" at a sentence start) is a stopword in documents. In queries, which people type in lowercase, "us"
means the country: the pronoun carries no search value anyway. Other acronyms (ROK, USFK, THAAD, CPTPP)
are lowercased and survive stemming unchanged.

Positions count every English word, stopwords included; each CJK term takes the next position and
particles take none, so "사드를 배치" and "사드 배치" are the same phrase. The same analyzer must build and
query an index: ``settings()`` (with the versions of the libraries that shape terms) is recorded in every
index manifest, so any change forces a rebuild. The Korean model (about 150 MB on disk, 0.3 GB in memory,
1-2 s to load) is loaded on the first Korean text only, never for English-only text.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from importlib import metadata

import Stemmer

log = logging.getLogger(__name__)

ANALYZER_VERSION = 2
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

HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uffa0-\uffdc"
HAN_KANA = (
    "\u3005-\u3007\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff66-\uff9f\U00020000-\U0003134f"
)
_CJK = re.compile(f"[{HANGUL}{HAN_KANA}]")
_HANGUL = re.compile(f"[{HANGUL}]")
_HAN_KANA_RUN = re.compile(f"[{HAN_KANA}]+")
HAN_KANA_CHAR = re.compile(f"[{HAN_KANA}]")
_SCRIPT_RUN = re.compile(f"([{HANGUL}{HAN_KANA}]+)|([^{HANGUL}{HAN_KANA}]+)")

# Kiwi's tags for Korean content morphemes (nouns, numerals, roots, verb and adjective stems), and for
# Latin letters, digits and Hanja, which go to the English analyzer and bigrams like any other such run.
KOREAN_TAGS = frozenset({"NNG", "NNP", "NR", "XR", "VV", "VA"})
_OTHER_SCRIPT_TAGS = frozenset({"SL", "SN", "SH"})
# Stems that carry no search value: to do, to become, to be, not be, like; about, for, through, follow.
KOREAN_STOPWORDS = frozenset({"하", "되", "있", "없", "같", "대하", "위하", "통하", "따르"})


@dataclass(frozen=True, slots=True)
class Token:
    """One index term with its position (counting every word, stopwords included) and character span."""

    term: str
    position: int
    start: int
    end: int


class Analyzer:
    """Turns text into terms. Instances cache per-surface results, so reuse one."""

    def __init__(self, min_length: int = 2, *, korean_morphology: bool = True) -> None:
        self.min_length = min_length
        self._stemmer = Stemmer.Stemmer("english")
        self._cache: dict[str, str | None] = {}
        self._cjk_cache: dict[str, tuple[tuple[str, int, int], ...]] = {}
        self.korean = "kiwi" if korean_morphology and kiwi_versions() else "bigrams"

    def settings(self) -> dict:
        """What an index must record to know it was built with this analyzer (and these library versions)."""
        stop_hash = hashlib.sha1(" ".join(sorted(STOPWORDS)).encode()).hexdigest()[:12]
        korean: dict = {"analyzer": "bigrams"}
        if self.korean == "kiwi":
            kiwi, model = kiwi_versions()
            korean = {
                "analyzer": "kiwipiepy",
                "version": kiwi,
                "model": model,
                "options": KIWI_OPTIONS,
                "tags": sorted(KOREAN_TAGS | _OTHER_SCRIPT_TAGS),
                "stopwords": sorted(KOREAN_STOPWORDS),
            }
        return {
            "name": "english+cjk",
            "version": ANALYZER_VERSION,
            "stemmer": "snowball-english",
            "pystemmer": _version("PyStemmer"),
            "stopwords": stop_hash,
            "min_length": self.min_length,
            "country_term": COUNTRY_TERM,
            "unicode": unicodedata.unidata_version,
            "korean": korean,
            "han_kana": {"analyzer": "bigrams"},
        }

    def terms(self, text: str, *, query: bool = False) -> list[str]:
        """The index terms of ``text`` in order (the fast path used for indexing)."""
        mixed = not text.isascii() and _CJK.search(text) is not None  # isascii() is free: a flag on the string
        out = []
        for surface in TOKEN_RE.findall(text):
            if mixed and _CJK.search(surface):
                out.extend(term for term, _, _ in self._cjk_terms(surface))
                continue
            term = self.term(surface, query=query)
            if term is not None:
                out.append(term)
        return out

    def tokens(self, text: str, *, query: bool = False) -> list[Token]:
        """Terms with positions and character spans into ``text`` (for phrases and highlighting)."""
        out = []
        position = 0
        for match in TOKEN_RE.finditer(text):
            surface, offset = match.group(), match.start()
            if not surface.isascii() and _CJK.search(surface):
                for term, start, end in self._cjk_terms(surface):
                    out.append(Token(term, position, offset + start, offset + end))
                    position += 1
                continue
            term = self.term(surface, query=query)
            if term is not None:
                out.append(Token(term, position, offset, match.end()))
            position += 1
        return out

    def term(self, surface: str, *, query: bool = False) -> str | None:
        """The term for one surface token without CJK characters, or None if it is a stopword or too short."""
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

    def _cjk_terms(self, surface: str) -> tuple[tuple[str, int, int], ...]:
        """``(term, start, end)`` of a word holding CJK characters."""
        try:
            return self._cjk_cache[surface]
        except KeyError:
            pass
        korean = self.korean == "kiwi" and _HANGUL.search(surface)
        result = self._cjk_cache[surface] = tuple(self._korean(surface) if korean else self._by_script(surface))
        return result

    def _by_script(self, surface: str) -> list[tuple[str, int, int]]:
        """Each script run of ``surface`` by its own analyzer: CJK runs as bigrams, the rest as English."""
        out = []
        for run in _SCRIPT_RUN.finditer(surface):
            cjk, other = run.group(1), run.group(2)
            if cjk:
                found = bigrams(cjk)
            else:
                term = self.term(other)
                found = [(term, 0, len(other))] if term is not None else []
            out.extend((term, run.start() + start, run.start() + end) for term, start, end in found)
        return out

    def _korean(self, surface: str) -> list[tuple[str, int, int]]:
        """A word with Hangul, analysed whole by Kiwi (so a particle after "THAAD" is read as a particle):
        content morphemes are terms; Latin, digits and Hanja go to their own analyzers."""
        normalized = unicodedata.normalize("NFKC", surface)
        try:
            morphemes = kiwi_tokenize(normalized)
        except (ImportError, OSError, RuntimeError) as error:
            log.warning("Korean morphological analysis unavailable (%s); using character bigrams", error)
            self.korean = "bigrams"
            return self._by_script(surface)
        out = []
        for form, tag, start, length in morphemes:
            tag = tag.split("-")[0]
            if tag in _OTHER_SCRIPT_TAGS:
                found = self._by_script(normalized[start : start + length])
                out.extend((term, start + s, start + e) for term, s, e in found)
            elif tag in KOREAN_TAGS and form not in KOREAN_STOPWORDS:
                out.append((form, start, start + length))
        if len(normalized) != len(surface):  # NFKC composed decomposed Hangul: spans cover the whole word
            out = [(term, 0, len(surface)) for term, _, _ in out]
        return out


def count_words(text: str) -> int:
    """Words as a reader counts them: whitespace-separated, except that a Han or kana run (Japanese and
    Chinese do not separate words) counts one word per two characters, about their average word length."""
    if not _HAN_KANA_RUN.search(text):
        return len(text.split())
    runs = _HAN_KANA_RUN.findall(text)
    rest = [word for word in _HAN_KANA_RUN.sub(" ", text).split() if any(c.isalnum() for c in word)]
    return len(rest) + sum((len(run) + 1) // 2 for run in runs)


def bigrams(run: str) -> list[tuple[str, int, int]]:
    """Overlapping character bigrams of a CJK run (NFKC per character), or the lone character."""
    chars = [unicodedata.normalize("NFKC", c) for c in run]
    if len(chars) == 1:
        return [(chars[0], 0, 1)]
    return [(chars[i] + chars[i + 1], i, i + 2) for i in range(len(chars) - 1)]


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


@functools.cache
def kiwi_versions() -> tuple[str, str] | None:
    """(kiwipiepy, kiwipiepy-model) versions if both are installed; checked without importing them."""
    kiwi, model = _version("kiwipiepy"), _version("kiwipiepy_model")
    return (kiwi, model) if kiwi and model else None


_kiwi_lock = threading.Lock()
# Without the typo and multi-word dictionaries (for informal text) Kiwi loads in about 1.5 s instead of 7 and
# takes 330 MB instead of 520; on our judged queries the results are the same (docs/cjk.md).
KIWI_OPTIONS = {"load_typo_dict": False, "load_multi_dict": False}


@functools.cache
def _kiwi():
    """The shared Kiwi instance, loaded on first use."""
    from kiwipiepy import Kiwi

    return Kiwi(num_workers=1, **KIWI_OPTIONS)


def warm_korean() -> bool:
    """Load the Korean model now (call it from a worker thread: loading holds the GIL for 1.5-4 s, which would
    stall an event loop). True once it is loaded; False without kiwipiepy or if its model cannot be loaded."""
    if not kiwi_versions():
        return False
    try:
        kiwi_tokenize("")
    except (ImportError, OSError, RuntimeError) as error:
        log.warning("Korean morphological analysis unavailable (%s)", error)
        return False
    return True


def kiwi_tokenize(text: str) -> list[tuple[str, str, int, int]]:
    """Kiwi's morphemes of ``text``: (form, tag, start, length). Thread-safe; loads the model once."""
    with _kiwi_lock:
        return [(t.form, t.tag, t.start, t.len) for t in _kiwi().tokenize(text)]
