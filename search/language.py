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

_KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_SCRIPTS = re.compile(f"([{HANGUL}]+)|([{_KANA}]+)|([{HAN_KANA}]+)|([A-Za-z]+)")
_WEIGHTS = (2, 3, 3, 1)  # Hangul, kana, Han, Latin


def detect_language(text: str) -> str | None:
    """An ISO 639-1 code from ``LANGUAGES``, or None if there is too little text or the language is another."""
    hangul, kana, han, latin = 0, 0, 0, 0
    latin_words, function_words = 0, 0
    for match in _SCRIPTS.finditer(text[:SAMPLE_CHARS]):
        if match.group(1):
            hangul += len(match.group(1))
        elif match.group(2):
            kana += len(match.group(2))
        elif match.group(3):
            han += len(match.group(3))
        else:
            word = match.group(4)
            latin += len(word)
            latin_words += 1
            function_words += word.casefold() in STOPWORDS
    weighted = [count * weight for count, weight in zip((hangul, kana, han, latin), _WEIGHTS, strict=True)]
    if sum(weighted) < MIN_LETTERS:
        return None
    cjk = weighted[0] + weighted[1] + weighted[2]
    if cjk >= weighted[3]:
        if weighted[0] >= weighted[1] + weighted[2]:
            return "ko"
        return "ja" if kana else "zh"
    return "en" if function_words >= MIN_ENGLISH_FUNCTION_WORDS * latin_words else None


def language_name(code: str | None) -> str:
    """A language code as readers see it ("Korean"); "unknown" for None."""
    return LANGUAGES.get(code, code) if code else "unknown"
