"""Boilerplate removal: lines of a document -> title, byline, date and clean blocks.

Works on lines, after a loader has turned its format into text; the extractor (trafilatura, for pages) has
already removed the page's navigation and furniture, so these rules only add what it measurably misses.
Each rule has a name (``RULES``) and can be switched off (``disabled``) so ``python -m bench.extraction``
can measure what it earns; docs/extraction.md keeps the figures.

- ``tail``: everything from a "Related stories"-style header, or from the first repeat of page chrome (a nav
  or section label such as "Analysis | Asia-Pacific") seen before the article began, is cut.
- ``metadata``: "Posted on : 2014-10-09 …" and "By Kim Oi-hyun, staff reporter" near the top become fields.
- ``prompts``: comment/share/login/subscribe/newsletter prompts, contact and reporting-credit lines, comment
  counts, reprint notices (short lines only).
- ``copyright``: copyright notices (a line that starts with one, or a short line that holds one; "©" inside
  a sentence is content).
- ``credits``: photo captions that end in an agency credit ("(Reuters)", "REUTERS/Kim Hong-Ji").
- ``labels``: short " | "-separated section labels and breadcrumbs.
- ``duplicates``: a line repeated within a few lines keeps its first copy; a short one that is not a list
  item (a headline or caption shown twice) goes entirely. Repeats further apart are content (an interview's
  questions, a meal plan's days).

What is left is a heading (context for the passages under it, never a passage) or content. The loader says
which lines are headings when the format marks them (HTML, Markdown); in plain text a short line without a
sentence end is a heading when it comes before the body or alone introduces a paragraph; a run of short
lines (a list, tour dates, a recipe, hard-wrapped text) is content.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from search.models import DropStats

RULES = ("tail", "metadata", "prompts", "copyright", "credits", "labels", "duplicates")

_PROMPTS = re.compile(
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
            r"^keep reading",
            r"\bshow less$",
            r"^button that\b",
            r"^click here\b",
            r"^(?:advertisement|sponsored)$",
            r"^[\w.+-]+@[\w-]+\.[\w.]+$",
            r"^\W+$",
            r"^\d*\s*comments?$",
            r"\bfollow (?:him|her|them|me|us) on\b",
            r"^(?:additional )?(?:reporting|editing) by\b",
            r"\b(?:subscribe|sign up)\b.*\bnewsletters?\b|\bright in your inbox\b",
        ]
    ),
    re.IGNORECASE,
)
_PITCHES = re.compile(  # matched at a line's start, whatever its length
    r"this copy is for your personal,? non-commercial use|if you (?:enjoyed|liked) (?:this|the) (?:article|story)\b",
    re.IGNORECASE,
)
_COPYRIGHT_START = re.compile(r"(?:©|\(c\)|copyright\b)", re.IGNORECASE)
_COPYRIGHT = re.compile(r"©|\ball rights reserved\b|^\(c\)|^copyright\b", re.IGNORECASE)
_COPYRIGHT_MAX_WORDS = 12  # "© 2024 Daily. All rights reserved." — not "The photo, ©2020 AP, shows …"
_AGENCY_CREDIT = re.compile(
    r"\([^()]*\b(?:reuters|ap photo|afp|getty|yonhap|dpa|epa|xinhua|kyodo|pool)\b[^()]*\)\s*$", re.IGNORECASE
)
_CAPS_CREDIT = re.compile(r"\b[A-Z]{3,}/(?:[A-Z][a-z][\w'’-]*|Pool)(?:[ /][\w'’-]+){0,4}\W*$")  # REUTERS/Kim Hong-Ji
_CREDIT_TAIL = 80  # a credit ends the line: only its last characters are searched
_LIST_ITEM = re.compile(r"^(?:[-*•·▪–]|\d{1,3}[.)])\s")
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
_POSTED = re.compile(r"^(?:posted|published|updated)(?: on)?\s*:?\s*(\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_NAME = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
_BYLINE = re.compile(rf"^By\s+({_NAME}(?:\s+and\s+{_NAME})?)(?:\s*,\s*[\w\s-]{{0,40}})?$")
_SENTENCE_END = ".!;,:。！？"
_QUOTES = "\"”'’)]」』"
HEADING_MAX_WORDS = 20
PROMPT_MAX_WORDS = 25  # a prompt is a line of its own; "results show less variance" in a paragraph is content
DUPLICATE_WINDOW = 3  # a copy this close is a caption or headline shown twice; further away, content


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
    """Short, and does not end like a sentence: a headline, section heading, dek, caption or list line."""
    words = line.split()
    if not words or len(words) > HEADING_MAX_WORDS:
        return False
    end = line.rstrip()
    if end[-1] in _QUOTES and len(end) > 1:
        if end[-2] in ".!?。！？":
            return False
        end = end[:-1]
    if end[-1] in _SENTENCE_END:
        return False
    if end[-1] in "?？":
        long_words = [w for w in words if len(w) > 3]
        return bool(long_words) and sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.5
    return True


def drop_rule(line: str, disabled: frozenset[str] = frozenset()) -> str | None:
    """The name of the rule that drops ``line`` wherever it stands, or None."""
    if "prompts" not in disabled and (
        (line.count(" ") < PROMPT_MAX_WORDS and _PROMPTS.search(line)) or _PITCHES.match(line)
    ):
        return "prompts"
    if "copyright" not in disabled and _is_copyright(line):
        return "copyright"
    if "credits" not in disabled and (
        (line.endswith(")") and _AGENCY_CREDIT.search(line))
        or ("/" in line[-_CREDIT_TAIL:] and _CAPS_CREDIT.search(line, max(0, len(line) - _CREDIT_TAIL)))
    ):
        return "credits"
    if "labels" not in disabled and " | " in line and len(line.split()) <= 8:
        return "labels"
    return None


def is_boilerplate(line: str) -> bool:
    return drop_rule(line) is not None


def clean_lines(
    lines: list[str],
    title: str | None = None,
    *,
    kinds: list[str] | None = None,
    disabled: frozenset[str] = frozenset(),
) -> Cleaned:
    """Clean one document. ``title`` is the title a loader already found in metadata, if any; ``kinds``
    says, line by line, what the format marked ("heading", "item" or "paragraph"), when it does."""
    marked = [
        (n, k) for n, k in zip((normalize_line(x) for x in lines), kinds or [None] * len(lines), strict=True) if n
    ]
    lines = [n for n, _ in marked]
    stats = DropStats()
    furniture = [drop_rule(line) is not None for line in lines]  # every rule on, for finding the body
    cut = len(lines) if "tail" in disabled else _tail_cut(lines, furniture)
    stats.tail_lines = len(lines) - cut
    marked = marked[:cut]

    result = Cleaned(blocks=[], dropped=stats)
    kept: list[tuple[str, str | None]] = []
    for i, (line, kind) in enumerate(marked):
        if "metadata" not in disabled and i < 12 and result.published is None and (m := _POSTED.match(line)):
            result.published = _parse_date(m.group(1))
            stats.metadata_lines += 1
        elif "metadata" not in disabled and i < 12 and result.author is None and (m := _BYLINE.match(line)):
            result.author = m.group(1)
            stats.metadata_lines += 1
        elif drop_rule(line, disabled) if disabled else furniture[i]:
            stats.boilerplate_lines += 1
        else:
            kept.append((line, kind))

    texts = [line for line, _ in kept]
    result.title = title or _find_title(texts, lines)
    remaining: list[tuple[str, str | None]] = []
    for i, (line, kind) in enumerate(kept):
        earlier = line in texts[max(0, i - DUPLICATE_WINDOW) : i]
        later = line in texts[i + 1 : i + 1 + DUPLICATE_WINDOW]
        if line == result.title:
            if line in texts[:i]:
                stats.duplicate_lines += 1
            else:
                stats.metadata_lines += 1
        elif "duplicates" not in disabled and (earlier or (later and is_heading(line) and not _is_item(line, kind))):
            stats.duplicate_lines += 1  # a repeated caption or headline goes entirely
        else:
            remaining.append((line, kind))
    result.blocks = _blocks(remaining, marked_up=kinds is not None)
    while result.blocks and result.blocks[-1].kind == "heading":  # a heading with nothing under it
        result.blocks.pop()
        stats.boilerplate_lines += 1
    return result


def _blocks(lines: list[tuple[str, str | None]], *, marked_up: bool) -> list[Block]:
    """Headings and content: as the format marked them, else by the plain-text rule in the module doc."""
    if marked_up:
        headings = [kind == "heading" and len(line.split()) <= HEADING_MAX_WORDS for line, kind in lines]
        return [  # a heading with a heading right under it heads nothing: it is content (a list of deals)
            Block("heading" if heading and not (i + 1 < len(lines) and headings[i + 1]) else "paragraph", line)
            for i, ((line, _), heading) in enumerate(zip(lines, headings, strict=True))
        ]
    short = [is_heading(line) and not _is_item(line, None) for line, _ in lines]
    body_started = False
    blocks = []
    for i, (line, _) in enumerate(lines):
        introduces_paragraph = i + 1 < len(lines) and not short[i + 1] and not (i and short[i - 1])
        heading = short[i] and (not body_started or introduces_paragraph)
        blocks.append(Block("heading" if heading else "paragraph", line))
        body_started = body_started or not short[i]
    return blocks


def _is_item(line: str, kind: str | None) -> bool:
    return kind == "item" or bool(_LIST_ITEM.match(line))


def _is_copyright(line: str) -> bool:
    if line.count(" ") >= _COPYRIGHT_MAX_WORDS:
        return bool(_COPYRIGHT_START.match(line))
    return bool(_COPYRIGHT.search(line))


def _body_start(lines: list[str], furniture: list[bool]) -> int:
    """Index of the first paragraph: a line that is neither a heading nor furniture."""
    for i, line in enumerate(lines):
        if not is_heading(line) and not furniture[i] and not _POSTED.match(line):
            return i
    return len(lines)


def _tail_cut(lines: list[str], furniture: list[bool]) -> int:
    """Where the article ends and unrelated material (teasers, related links) begins."""
    body_start = _body_start(lines, furniture)
    chrome = {line for line, dropped in zip(lines[:body_start], furniture, strict=False) if dropped}
    for i in range(body_start, len(lines)):
        line = lines[i]
        if line.casefold().rstrip(":") in _TAIL_HEADERS or line in chrome:
            return i
    return len(lines)


def _find_title(kept: list[str], lines: list[str]) -> str | None:
    """A heading that is the document's very first line, else a headline repeated before the body."""
    body = _body_start(kept, [False] * len(kept))  # kept lines are not furniture
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
