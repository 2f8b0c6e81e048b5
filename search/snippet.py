"""Snippets: the part of a passage where the query's words are densest, with those words marked."""

from __future__ import annotations

from search.analyze import Token
from search.markup import escape_markdown


def matched_words(text: str, tokens: list[Token], terms: set[str]) -> list[str]:
    """Surface forms in ``text`` of the query terms it contains, first occurrence first, no repeats."""
    seen: dict[str, str] = {}
    for token in tokens:
        if token.term in terms and token.term not in seen:
            seen[token.term] = text[token.start : token.end]
    return list(seen.values())


def make_snippet(text: str, tokens: list[Token], terms: set[str], width: int = 240) -> str:
    """About ``width`` characters around the densest cluster of matches, cut at word boundaries.

    Matches are wrapped in ``**`` and the rest is escaped, so the result is safe Discord markdown.
    """
    hits = [t for t in tokens if t.term in terms]
    start = 0
    if hits and len(text) > width:
        best = max(
            hits,
            key=lambda h: (
                len({t.term for t in hits if h.start <= t.start and t.end <= h.start + width}),
                -h.start,
            ),
        )
        start = max(0, min(best.start - width // 6, len(text) - width))
    end = min(len(text), start + width)
    if start > 0:
        start = _word_boundary(text, start, forward=True)
    if end < len(text):
        end = _word_boundary(text, end, forward=False)
    pieces = ["…" if start > 0 else ""]
    cursor = start
    for hit in hits:
        if hit.start >= start and hit.end <= end:
            pieces.append(escape_markdown(text[cursor : hit.start]))
            pieces.append(f"**{escape_markdown(text[hit.start : hit.end])}**")
            cursor = hit.end
    pieces.append(escape_markdown(text[cursor:end]))
    pieces.append("…" if end < len(text) else "")
    return "".join(pieces).replace("\n\n", " ")


def _word_boundary(text: str, i: int, *, forward: bool) -> int:
    """The nearest whitespace at or after (forward) / before ``i``, so no word is cut."""
    if forward:
        j = text.find(" ", i)
        return len(text) if j < 0 else j + 1
    j = text.rfind(" ", 0, i)
    return i if j <= 0 else j
