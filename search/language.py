"""A source's language, from script statistics: enough to tell the languages this desk reads apart.

Hangul means Korean; kana means Japanese (Japanese mixes kana into its Han text, Chinese has none); Han
without kana means Chinese; Latin text is English when English function words are common in it (another
Latin-script language is left unknown rather than guessed). Characters are weighted by how much text one
stands for (a Latin letter 1, a Hangul syllable 2, a Han or kana character 3), so an English article that
quotes 한미일 stays English and a Korean article full of acronyms stays Korean. Only the first
``SAMPLE_CHARS`` are read: the answer for a long article is settled by then.
"""

from __future__ import annotations

import re

from search.analyze import HAN_KANA, HANGUL, STOPWORDS

LANGUAGES = {"en": "English", "ko": "Korean", "ja": "Japanese", "zh": "Chinese"}
SAMPLE_CHARS = 5_000
MIN_LETTERS = 20  # below this (weighted) there is not enough text to tell
MIN_ENGLISH_FUNCTION_WORDS = 0.15  # share of Latin words that are English stopwords in English prose

_HANGUL_RUN = re.compile(f"[{HANGUL}]+")
_KANA_RUN = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]+")
_HAN_KANA_RUN = re.compile(f"[{HAN_KANA}]+")
_LATIN_WORD = re.compile("[A-Za-z]+")
_CJK = re.compile(f"[{HANGUL}{HAN_KANA}]")


def detect_language(text: str) -> str | None:
    """An ISO 639-1 code from ``LANGUAGES``, or None if there is too little text or the language is another."""
    sample = text[:SAMPLE_CHARS]
    words = _LATIN_WORD.findall(sample)
    latin = sum(map(len, words))
    if _CJK.search(sample):  # weighted: a Hangul syllable 2, a Han or kana character 3, a Latin letter 1
        hangul = 2 * _letters(_HANGUL_RUN, sample)
        han_kana = 3 * _letters(_HAN_KANA_RUN, sample)
        if hangul + han_kana >= max(latin, MIN_LETTERS):
            if hangul >= han_kana:
                return "ko"
            return "ja" if _KANA_RUN.search(sample) else "zh"
    if latin < MIN_LETTERS:
        return None
    function_words = sum(map(STOPWORDS.__contains__, map(str.lower, words)))
    return "en" if function_words >= MIN_ENGLISH_FUNCTION_WORDS * len(words) else None


def _letters(pattern: re.Pattern, text: str) -> int:
    return sum(map(len, pattern.findall(text)))


def language_name(code: str | None) -> str:
    """A language code as readers see it ("Korean"); "unknown" for None."""
    return LANGUAGES.get(code, code) if code else "unknown"
