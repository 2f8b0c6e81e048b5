"""Source text made inert for the medium it is shown in: Discord markdown and terminals.

A title or passage is somebody else's text. In Discord, ``[click](https://evil.example)`` would become a
link whose text hides where it goes, ``<@123>`` a mention and ``# x`` a heading; ``escape_markdown`` puts a
backslash before every character that starts such markup, so it shows literally. In a terminal, an ANSI escape
in a title could clear the screen or rewrite what was printed; ``terminal_safe`` removes escape sequences,
control characters (C0 but newline and tab, DEL, C1) and bidirectional overrides; ``terminal_json``
writes them as escapes instead, so JSON output keeps the data exactly.
"""

from __future__ import annotations

import json
import re

_MARKDOWN = re.compile(r"([\\*_`~|>\[\]<])|^([ \t]*)([#-])", re.MULTILINE)  # headings, lists: at line start
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI (colours, cursor moves, clear screen)
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC (window titles, hyperlinks)
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # any other escape
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_JSON_ESCAPES = {
    c: f"\\u{c:04x}" for c in (*range(0x7F, 0xA0), 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
}
_PLAIN_URL = re.compile(r"https?://[^\s<>()\[\]`|*_~\\]+", re.IGNORECASE)


def escape_markdown(text: str) -> str:
    """``text`` shown literally in Discord: no links, mentions, headings, emphasis or code from it."""
    return _MARKDOWN.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def inline_code(text: str) -> str:
    """``text`` as Discord inline code (an id, a suggested topic), which shows everything in it literally; a text
    that would end the code span early (a backtick or a line break in it) is escaped as plain text instead."""
    if not text or any(c in text for c in "`\n\r"):
        return escape_markdown(text)
    return f"`{text}`"


def terminal_safe(text: str) -> str:
    """``text`` without terminal escape sequences or control characters (newlines and tabs are kept)."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def terminal_json(data: object, *, indent: int | None = 2) -> str:
    """``data`` as JSON for a terminal (indented; one line with ``indent=None``): the same data, with every
    control character (C1 and the bidirectional overrides too, which ``json`` leaves raw) written as a
    ``\\uXXXX`` escape."""
    return json.dumps(data, ensure_ascii=False, indent=indent).translate(_JSON_ESCAPES)


def plain_url(url: str | None) -> str | None:
    """``url`` if it is a plain http(s) URL that cannot carry markdown of its own, else None."""
    return url if url and _PLAIN_URL.fullmatch(url) else None
