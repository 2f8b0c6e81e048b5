"""Boilerplate removal: lines of a scraped document -> title, byline, date and clean blocks.

Works on lines, after a loader has turned its format into text. Rules, in order:

1. The unrelated tail is cut: everything from a "Related stories"-style header, or from the first repeat of
   page chrome (a nav or section label such as "Analysis | Asia-Pacific") seen before the article began.
2. Metadata lines ("Posted on : 2014-10-09 …", "By Kim Oi-hyun, staff reporter") become fields.
3. Prompts and furniture (comment/share/login prompts, contact lines, photo captions with credits,
   section labels) are dropped; so are repeated lines (a headline or caption shown twice goes entirely).
4. What is left is either a heading (short, no sentence ending: context, not a passage) or a paragraph.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from search.models import DropStats

_BOILERPLATE = re.compile(
    "|".join(
        [
            r"\bcomments? below\b",
            r"^leave a (?:reply|comment)\b",
            r"\bmust be logged in\b",
            r"\bpost a comment\b",
            r"^share (?:this|on|your thoughts)\b",
            r"^follow us\b",
            r"^(?:sign up|subscribe)\b",
            r"\bdirect questions or comments to\b",
            r"^(?:contact|email) us\b",
            r"\bkeep reading\b",
            r"\bshow less\b",
            r"^button that\b",
            r"^click here\b",
            r"^(?:advertisement|sponsored)$",
            r"\ball rights reserved\b|^copyright\b|©",
            r"^[\w.+-]+@[\w-]+\.[\w.]+$",
            r"^\W+$",
        ]
    ),
    re.IGNORECASE,
)
_TAIL_HEADERS = frozenset(
    {
        "related stories",
        "related articles",
        "related",
        "most viewed articles",
        "most viewed",
        "most read",
        "latest",
        "latest news",
        "read more",
        "recommended",
        "more from this author",
        "you may also like",
        "trending",
        "more stories",
    }
)
_CAPTION_CREDIT = re.compile(
    r"\([^()]*\b(?:reuters|ap photo|afp|getty|yonhap|dpa|epa|xinhua|kyodo|pool)\b[^()]*\)\s*$"
    r"|\b[A-Z]{3,}/(?:[A-Z][a-z]+|Pool)\b",
    re.IGNORECASE,
)
_POSTED = re.compile(r"^(?:posted|published|updated)(?: on)?\s*:?\s*(\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_NAME = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
_BYLINE = re.compile(rf"^By\s+({_NAME}(?:\s+and\s+{_NAME})?)(?:\s*,\s*[\w\s-]{{0,40}})?$")
_SENTENCE_END = ".!;,:"
_QUOTES = "\"”'’)]"


@dataclass
class Block:
    kind: str  # "heading" or "paragraph"
    text: str


@dataclass
class Cleaned:
    blocks: list[Block]
    title: str | None = None
    author: str | None = None
    published: dt.date | None = None
    dropped: DropStats = field(default_factory=DropStats)


def normalize_line(line: str) -> str:
    """Collapse whitespace (including no-break and zero-width spaces)."""
    return " ".join(line.replace("\u200b", "").split())


def is_heading(line: str) -> bool:
    """Short, and does not end like a sentence: a headline, section heading, dek or caption."""
    words = line.split()
    if not words or len(words) > 20:
        return False
    end = line.rstrip()
    if end[-1] in _QUOTES and len(end) > 1:
        if end[-2] in ".!?":
            return False
        end = end[:-1]
    if end[-1] in _SENTENCE_END:
        return False
    if end[-1] == "?":
        long_words = [w for w in words if len(w) > 3]
        return bool(long_words) and sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.5
    return True


def is_boilerplate(line: str) -> bool:
    if _BOILERPLATE.search(line) or _CAPTION_CREDIT.search(line):
        return True
    return " | " in line and len(line.split()) <= 8  # a section label or breadcrumb


def clean_lines(lines: list[str], title: str | None = None) -> Cleaned:
    """Clean one document. ``title`` is the title a loader already found in metadata, if any."""
    lines = [n for n in (normalize_line(line) for line in lines) if n]
    stats = DropStats()
    body_start = _body_start(lines)
    cut = _tail_cut(lines, body_start)
    stats.tail_lines = len(lines) - cut
    lines = lines[:cut]

    result = Cleaned(blocks=[], dropped=stats)
    kept: list[str] = []
    for i, line in enumerate(lines):
        if i < 12 and result.published is None and (m := _POSTED.match(line)):
            result.published = _parse_date(m.group(1))
            stats.metadata_lines += 1
        elif i < 12 and result.author is None and (m := _BYLINE.match(line)):
            result.author = m.group(1)
            stats.metadata_lines += 1
        elif is_boilerplate(line):
            stats.boilerplate_lines += 1
        else:
            kept.append(line)

    result.title = title or _find_title(kept, lines)
    counts = Counter(kept)
    seen: set[str] = set()
    for line in kept:
        if line == result.title:
            if line in seen:
                stats.duplicate_lines += 1
            else:
                stats.metadata_lines += 1
        elif line in seen or (counts[line] > 1 and is_heading(line)):
            stats.duplicate_lines += 1  # a repeated caption or headline goes entirely
        else:
            result.blocks.append(Block("heading" if is_heading(line) else "paragraph", line))
        seen.add(line)
    while result.blocks and result.blocks[-1].kind == "heading":  # a heading with nothing under it
        result.blocks.pop()
        stats.boilerplate_lines += 1
    return result


def _body_start(lines: list[str]) -> int:
    """Index of the first paragraph: a line that is neither a heading nor furniture."""
    for i, line in enumerate(lines):
        if not is_heading(line) and not is_boilerplate(line) and not _POSTED.match(line):
            return i
    return len(lines)


def _tail_cut(lines: list[str], body_start: int) -> int:
    """Where the article ends and unrelated material (teasers, related links) begins."""
    chrome = {line for line in lines[:body_start] if is_boilerplate(line)}
    for i in range(body_start, len(lines)):
        line = lines[i]
        if line.casefold().rstrip(":") in _TAIL_HEADERS or line in chrome:
            return i
    return len(lines)


def _find_title(kept: list[str], lines: list[str]) -> str | None:
    """A heading that is the document's very first line, else a headline repeated before the body."""
    body = _body_start(kept)
    head = kept[:body]
    if head and lines and head[0] == lines[0] and is_heading(head[0]):
        return head[0]
    for line in head:
        if is_heading(line) and head.count(line) > 1:
            return line
    return None


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
