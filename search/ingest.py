"""Loaders: bytes of one file or page -> ``RawDocument``s (lines plus the metadata the format states).

Formats: WordPress REST JSON (one post or a list, whole or truncated, with raw newlines and half-stripped
HTML: repaired with json-repair), HTML pages (article extraction by trafilatura), Markdown (markdown-it)
and plain text. The format is sniffed from the content, with the file suffix as a hint.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html

from search.analyze import count_words
from search.clean import is_boilerplate
from search.decode import well_formed
from search.nesting import check_nesting

# trafilatura warns "discarding data: None" of each page it finds no article in; the IngestError says so
logging.getLogger("trafilatura").setLevel(logging.ERROR)

_BLOCK_TAGS = (
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "figure",
    "figcaption",
    "hr",
)
_NOT_TEXT_TAGS = ("script", "style", "noscript", "template")
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_TRAFILATURA_BLOCKS = frozenset({"head", "p", "item", "quote", "code", "row", "list", "table"})
_TRAFILATURA_KINDS = {"head": "heading", "item": "item"}
EXTRACTION_MODE = "adaptive"  # measured with python -m bench.extraction (docs/extraction.md)
COLLAPSE_RATIO = 5
PROSE_WORDS = 8  # a page is an article only if some line of it is a sentence of at least this many words
_SENTENCE_MARK = re.compile(r"[.!?。！？]")
_MODES = {
    "precision": {"favor_precision": True},
    "balanced": {},
    "recall": {"favor_recall": True},
}
_SITE_NAME_MAX_WORDS = 4
TITLE_MAX_WORDS = 30
_KIND_MARK = re.compile("\ue000(\\w+)\ue000")  # private-use marks, removed again
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
FRONT_MATTER_MAX_CHARS = 20_000  # more is not metadata; YAML that large is not read
_WEB = re.compile(r"https?://", re.IGNORECASE)
_JSON_SNIFF = re.compile(r'\{\s*"|\[\s*\{')
_HTML_SNIFF = re.compile(r"<(?:!doctype|html|head|body|article|div|p)\b", re.IGNORECASE)


class IngestError(ValueError):
    """A document that cannot be read; the message says why, in a few words."""


@dataclass
class RawDocument:
    lines: list[str]
    format: str
    key: str | None = None  # distinguishes several documents in one file (a WordPress list)
    title: str | None = None
    url: str | None = None
    author: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    kinds: list[str] | None = None  # per line, where the format marks it: "heading", "item" or "paragraph"

    def __post_init__(self) -> None:
        """Every text well formed, whatever the format let through (JSON can carry lone surrogates), so it can be
        stored, indexed and shown."""
        self.lines = [well_formed(line) for line in self.lines]
        for name in ("key", "title", "url", "author", "outlet"):
            if (value := getattr(self, name)) is not None:
                setattr(self, name, well_formed(value))


def read_documents(text: str, *, suffix: str = "", url: str | None = None) -> list[RawDocument]:
    """Parse one file's (or page's) text. Raises IngestError if nothing usable is in it."""
    head = text.lstrip("\ufeff \t\r\n")
    if not head:
        raise IngestError("the file is empty")
    if suffix == ".json" or _JSON_SNIFF.match(head):
        return from_wordpress(head)
    if suffix in (".html", ".htm") or _HTML_SNIFF.match(head):
        return [from_html(head, url=url)]
    if suffix in (".md", ".markdown"):
        return [from_markdown(head)]
    return [from_text(head)]


def from_text(text: str) -> RawDocument:
    """Plain text; its first line is its title when it looks like one (short, not a sentence or a prompt,
    with text after it)."""
    lines = text.splitlines()
    first = lines[0].strip()
    rest = any(line.strip() for line in lines[1:])
    looks_like_title = 0 < len(first.split()) <= TITLE_MAX_WORDS and first[-1] not in ".,;:" and rest
    return RawDocument(
        lines=lines, format="text", title=first if looks_like_title and not is_boilerplate(first) else None
    )


def from_wordpress(text: str) -> list[RawDocument]:
    """One WordPress REST post (``/wp/v2/posts/ID``) or a list of them (``/wp/v2/posts``)."""
    check_nesting(text, IngestError)
    import json_repair  # here, not at the top: a command that parses nothing should not pay for the parsers

    data = json_repair.loads(text)
    posts = data if isinstance(data, list) else [data]
    docs = []
    for post in posts:
        if not isinstance(post, dict):
            continue
        content = _unescape(_rendered(post.get("content")))
        lines, kinds = html_fragment_blocks(content)
        if not lines:
            continue
        link = _unescape(_rendered(post.get("link"))) or None
        docs.append(
            RawDocument(
                lines=lines,
                kinds=kinds,
                format="wordpress-json",
                key=str(post["id"]) if len(posts) > 1 and "id" in post else None,
                title=html.unescape(_unescape(_rendered(post.get("title")))).strip() or None,
                url=link,
                outlet=outlet_from_url(link),
                published=_date(post.get("date")),
            )
        )
    if not docs:
        raise IngestError("JSON without a WordPress post's content")
    return docs


def from_html(page: str, *, url: str | None = None, mode: str = EXTRACTION_MODE) -> RawDocument:
    """A web page: trafilatura finds the article text, its headings and list items, and its metadata.

    ``adaptive`` (the default) extracts favouring precision, unless that kept under a fifth of the words
    trafilatura's default finds: then precision mode has lost the article (it sometimes keeps only a
    notice), and the default extraction is used. When precision mode finds no article at all, what the
    default finds (its fallback reads the whole page) must hold a line of prose: a page of only menus, links
    and headlines is not an article. docs/extraction.md has the figures for each mode."""
    if mode == "adaptive":
        doc, fuller = _extract(page, url, "precision"), _extract(page, url, "balanced")
        if doc is None and fuller is not None and not any(_is_prose(line) for line in fuller.text.splitlines()):
            raise IngestError("no article text found in the HTML, only menus, links or headlines")
        if _words(fuller) > COLLAPSE_RATIO * max(_words(doc), 1):
            doc = fuller
    else:
        doc = _extract(page, url, mode)
    if doc is None:
        raise IngestError("no article text found in the HTML")
    lines, kinds = [], []
    for kind, text in _extracted_blocks(doc.body):
        lines.append(text)
        kinds.append(kind)
    found_url = doc.url or url
    outlet = doc.sitename or outlet_from_url(found_url)
    return RawDocument(
        lines=lines,
        kinds=kinds,
        format="html",
        title=strip_site_name(doc.title, outlet, found_url) or None,
        url=found_url,
        author=doc.author or None,
        outlet=outlet,
        published=_stated_date(doc.date, page, found_url),
    )


def _extract(page: str, url: str | None, mode: str):
    import trafilatura  # imported when needed (see above)

    doc = trafilatura.bare_extraction(page, url=url, with_metadata=True, include_comments=False, **_MODES[mode])
    return doc if doc is not None and doc.body is not None and (doc.text or "").strip() else None


def _is_prose(line: str) -> bool:
    """A line of running text, not a menu entry, link or headline: a sentence mark and ``PROSE_WORDS`` words."""
    return bool(_SENTENCE_MARK.search(line)) and count_words(line) >= PROSE_WORDS


def _words(doc) -> int:
    return len(doc.text.split()) if doc is not None else 0


def _extracted_blocks(element) -> list[tuple[str, str]]:
    """(kind, text) of each block of trafilatura's extracted tree, in reading order."""
    blocks: list[tuple[str, str]] = []
    for child in element:
        nested = any(d.tag in _TRAFILATURA_BLOCKS for d in child.iterdescendants())
        if child.tag in _TRAFILATURA_BLOCKS and not nested:
            blocks.append((_TRAFILATURA_KINDS.get(child.tag, "paragraph"), " ".join(child.itertext())))
        else:
            if (child.text or "").strip():
                blocks.append((_TRAFILATURA_KINDS.get(child.tag, "paragraph"), child.text))
            blocks.extend(_extracted_blocks(child))
        if (child.tail or "").strip() and nested:
            blocks.append(("paragraph", child.tail))
    return [(kind, text) for kind, text in blocks if text.strip()]


def from_markdown(text: str) -> RawDocument:
    """Markdown: rendered to HTML, then read like an HTML fragment. The title, author, date and link come from
    YAML front matter (as Jekyll, Hugo and Obsidian write it), else a leading ``# Title`` is the title (as
    text: "The **US** pact" is "The US pact")."""
    meta, text = _front_matter(text)
    from markdown_it import MarkdownIt  # imported when needed (see above)

    lines, kinds = html_fragment_blocks(MarkdownIt().render(text))
    title = _meta_text(meta.get("title"))
    if title is None and lines and kinds[0] == "heading" and text.lstrip().startswith("# "):
        title = lines[0]
    url = next(
        (u for key in ("canonical_url", "url", "link") if (u := _meta_text(meta.get(key))) and _WEB.match(u)), None
    )
    published = next((d for key in ("date", "published") if (d := _date(meta.get(key)))), None)
    return RawDocument(
        lines=lines,
        kinds=kinds,
        format="markdown",
        title=title,
        url=url,
        author=_meta_text(meta.get("author") or meta.get("authors")),
        outlet=outlet_from_url(url),
        published=published,
    )


def _front_matter(text: str) -> tuple[dict, str]:
    """The YAML front matter's fields (empty when there is none, or it is not a readable mapping), and the text
    after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    import yaml  # imported when needed, as markdown-it

    try:
        fields = yaml.safe_load(match[1]) if len(match[1]) <= FRONT_MATTER_MAX_CHARS else None
    except (yaml.YAMLError, RecursionError):
        fields = None
    return (fields if isinstance(fields, dict) else {}), text[match.end() :]


def _meta_text(value: object) -> str | None:
    """A front-matter value as one line of text: a list of names is joined ("A, B"), anything else left out."""
    if isinstance(value, list):
        value = ", ".join(item for item in value if isinstance(item, str))
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def html_fragment_blocks(fragment: str) -> tuple[list[str], list[str]]:
    """Text lines of an HTML fragment, one per block element, and their kinds ("heading" for h1-h6, "item"
    for li, else "paragraph"); stray closing tags are ignored."""
    fragment = _NOT_XML.sub("", fragment)  # lxml refuses control characters and lone surrogates outright
    if not fragment.strip():
        return [], []
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in list(root.iter(*_NOT_TEXT_TAGS)):  # code and styles a post embeds are not its text
        element.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        kind = "heading" if element.tag in _HEADING_TAGS else "item" if element.tag == "li" else "paragraph"
        element.text = f"\ue000{kind}\ue000" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    lines, kinds = [], []
    for line in root.text_content().splitlines():
        marks = set(_KIND_MARK.findall(line))
        line = _KIND_MARK.sub("", line)
        if line.strip():
            lines.append(line)
            kinds.append("heading" if "heading" in marks else "item" if "item" in marks else "paragraph")
    return lines, kinds


def strip_site_name(title: str | None, outlet: str | None = None, url: str | None = None) -> str | None:
    """``"Allies meet | Daily"`` -> ``"Allies meet"``: a last " | " part of a few words goes; a last
    " - " / " – " / " — " / " · " part goes when it names the site (its outlet or host name)."""
    if not title:
        return title
    for separator in (" | ", " - ", " – ", " — ", " · "):
        head, found, last = title.rpartition(separator)
        if not found or len(head.split()) < 2:
            continue
        if separator == " | " and len(last.split()) <= _SITE_NAME_MAX_WORDS or _names_site(last, outlet, url):
            return head.strip()
    return title


def _site_key(name: str) -> str:
    return re.sub(r"\W+", "", name.casefold())


def _names_site(part: str, outlet: str | None, url: str | None) -> bool:
    key = _site_key(part)
    host = (urlsplit(url).hostname or "").removeprefix("www.") if url else ""
    names = {_site_key(outlet or ""), _site_key(host), _site_key(host.rsplit(".", 1)[0])}
    return bool(key) and key in names - {""}


def outlet_from_url(url: str | None) -> str | None:
    """The site a link points to (``koreapro.org``): the outlet the document itself names."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def _rendered(field: object) -> str:
    if isinstance(field, dict):
        field = field.get("rendered")
    return field if isinstance(field, str) else ""


def _unescape(text: str) -> str:
    """json-repair leaves JSON's ``\\/`` escape in strings it had to repair."""
    return text.replace("\\/", "/")


def _stated_date(found: object, page: str, url: str | None) -> dt.date | None:
    """trafilatura's date, unless all the page states is a copyright year: htmldate's extensive search reads a
    footer's "© 2019" as 2019-01-01, a date the page never gives."""
    date = _date(found)
    if date is None or (date.month, date.day) != (1, 1):
        return date
    if not re.search(rf"(?:©|&copy;|copyright)\s*(?:\d{{4}}\s*[-–]\s*)?{date.year}\b", page, re.IGNORECASE):
        return date
    from htmldate import find_date  # trafilatura's own date finder, here without the guessing

    return date if find_date(page, url=url, extensive_search=False, original_date=True) else None


def _date(value: object) -> dt.date | None:
    """A stated date: an ISO string's (WordPress, trafilatura), or a date or datetime's (YAML front matter)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
