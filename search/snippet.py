"""Snippets: the part of a passage where the query's words are densest, with those words marked."""

from __future__ import annotations

from search.analyze import HAN_KANA_CHAR, Token
from search.markup import escape_markdown


def _marked(tokens: list[Token], terms: set[str]) -> list[tuple[int, int, tuple[str, ...]]]:
    """``(start, end, terms)`` of the matched tokens, overlapping or touching ones merged into one span
    (CJK bigrams overlap and Korean morphemes abut: "**国連安**", not "**国連****連安**")."""
    spans: list[tuple[int, int, tuple[str, ...]]] = []
    for token in tokens:
        if token.term not in terms:
            continue
        if spans and token.start <= spans[-1][1]:
            start, end, matched = spans[-1]
            spans[-1] = (start, max(end, token.end), (*matched, token.term))
        else:
            spans.append((token.start, token.end, (token.term,)))
    return spans


def matched_words(text: str, tokens: list[Token], terms: set[str]) -> list[str]:
    """Surface forms in ``text`` of the query terms it contains, first occurrence first, no repeats."""
    seen: dict[tuple[str, ...], str] = {}
    for start, end, matched in _marked(tokens, terms):
        seen.setdefault(matched, text[start:end])
    return list(seen.values())


def make_snippet(text: str, tokens: list[Token], terms: set[str], width: int = 240) -> str:
    """About ``width`` characters around the densest cluster of matches, cut at word boundaries.

    Matches are wrapped in ``**`` and the rest is escaped, so the result is safe Discord markdown.
    """
    hits = _marked(tokens, terms)
    start = 0
    if hits and len(text) > width:
        start = max(0, min(_densest(hits, width) - width // 6, len(text) - width))
    end = min(len(text), start + width)
    if start > 0:
        start = _word_boundary(text, start, forward=True)
    if end < len(text):
        end = _word_boundary(text, end, forward=False)
    pieces = ["…" if start > 0 else ""]
    cursor = start
    for hit_start, hit_end, _ in hits:
        if hit_start >= start and hit_end <= end:
            pieces.append(escape_markdown(text[cursor:hit_start]))
            pieces.append(f"**{escape_markdown(text[hit_start:hit_end])}**")
            cursor = hit_end
    pieces.append(escape_markdown(text[cursor:end]))
    pieces.append("…" if end < len(text) else "")
    return "".join(pieces).replace("\n\n", " ")


def _densest(hits: list[tuple[int, int, tuple[str, ...]]], width: int) -> int:
    """The start of the hit whose window (the hits that start at or after it and end within ``width``
    characters of its start) has the most distinct matches, the earliest of equals.

    ``_marked`` gives spans that are disjoint and in order, so both the starts and the ends increase and each
    window is a run of consecutive hits: one pass moves the window along, counting its matches, in time linear
    in the number of hits (not quadratic, which hung on a long text full of matches)."""
    counts: dict[tuple[str, ...], int] = {}
    best, best_start = -1, 0
    right = 0  # the window of hit i is hits[i:right]
    for i, (hit_start, _, _) in enumerate(hits):
        right = max(right, i)
        while right < len(hits) and hits[right][1] <= hit_start + width:
            matched = hits[right][2]
            counts[matched] = counts.get(matched, 0) + 1
            right += 1
        if len(counts) > best:
            best, best_start = len(counts), hit_start
        if right > i:
            matched = hits[i][2]
            counts[matched] -= 1
            if not counts[matched]:
                del counts[matched]
    return best_start


def _word_boundary(text: str, i: int, *, forward: bool) -> int:
    """The nearest whitespace at or after (forward) / before ``i``, so no word is cut. Han and kana text
    (no spaces between words) is cut where it is, and so is text with no space left on that side."""
    if HAN_KANA_CHAR.match(text, i if forward else i - 1):
        return i
    if forward:
        j = text.find(" ", i)
        return i if j < 0 else j + 1
    j = text.rfind(" ", 0, i)
    return i if j <= 0 else j
