"""Loaders: bytes of one file or page -> ``RawDocument``s (lines plus the metadata the format states).

Formats: WordPress REST JSON (one post or a list, whole or truncated, with raw newlines and half-stripped
HTML: repaired with json-repair), HTML pages (article extraction by trafilatura), Markdown (markdown-it)
and plain text. The format is sniffed from the content, with the file suffix as a hint.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import json_repair
import lxml.html
import trafilatura
from markdown_it import MarkdownIt

from search.nesting import check_nesting

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
    return [RawDocument(lines=head.splitlines(), format="text")]


def from_wordpress(text: str) -> list[RawDocument]:
    """One WordPress REST post (``/wp/v2/posts/ID``) or a list of them (``/wp/v2/posts``)."""
    check_nesting(text, IngestError)
    data = json_repair.loads(text)
    posts = data if isinstance(data, list) else [data]
    docs = []
    for post in posts:
        if not isinstance(post, dict):
            continue
        content = _unescape(_rendered(post.get("content")))
        lines = html_fragment_lines(content)
        if not lines:
            continue
        link = _unescape(post.get("link") or "") or None
        docs.append(
            RawDocument(
                lines=lines,
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


def from_html(page: str, *, url: str | None = None) -> RawDocument:
    """A web page: trafilatura finds the article text and its metadata."""
    doc = trafilatura.bare_extraction(
        page, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    if doc is None or not (doc.text or "").strip():
        raise IngestError("no article text found in the HTML")
    found_url = doc.url or url
    return RawDocument(
        lines=doc.text.splitlines(),
        format="html",
        title=doc.title or None,
        url=found_url,
        author=doc.author or None,
        outlet=doc.sitename or outlet_from_url(found_url),
        published=_date(doc.date),
    )


def from_markdown(text: str) -> RawDocument:
    """Markdown: rendered to HTML, then read like an HTML fragment; a leading ``# Title`` is the title."""
    title = None
    first = text.lstrip().splitlines()[0]
    if first.startswith("# "):
        title = first[2:].strip() or None
    return RawDocument(lines=html_fragment_lines(MarkdownIt().render(text)), format="markdown", title=title)


def html_fragment_lines(fragment: str) -> list[str]:
    """Text lines of an HTML fragment, one per block element; stray closing tags are ignored."""
    if not fragment.strip():
        return []
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    return [line for line in root.text_content().splitlines() if line.strip()]


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


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
