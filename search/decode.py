"""Bytes of a file or page -> text, in the encoding the document states, else the one it is most likely in.

Order (as browsers do): a byte-order mark; the charset a server declared (HTTP ``Content-Type``); the
document's own ``<meta charset>`` / ``http-equiv`` or XML declaration; strict UTF-8; then detection with
charset-normalizer. A declared charset the bytes do not decode in is ignored (pages often lie). Labels that
browsers treat as windows-1252 (``iso-8859-1``, ``ascii``) are read as windows-1252, as the WHATWG
Encoding standard says.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE
)
_SNIFF_BYTES = 4096
_DETECT_BYTES = 1024 * 1024  # detection is slow; a megabyte is plenty to tell
_AS_WINDOWS_1252 = frozenset({"latin_1", "iso8859_1", "ascii", "cp1252"})
_SURROGATE = re.compile("[\ud800-\udfff]")
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


class UndecodableError(ValueError):
    """Bytes that are not text in any encoding we can recognise."""


def has_bom(data: bytes) -> bool:
    return any(data.startswith(bom) for bom, _ in _BOMS)


def declared_charset(data: bytes) -> str | None:
    """The charset a page or XML file declares in its first bytes, if any."""
    match = _DECLARED.search(data[:_SNIFF_BYTES])
    return (match.group(1) or match.group(2)).decode("ascii") if match else None


def decode(data: bytes, *, declared: str | None = None) -> str:
    """``data`` as text; ``declared`` is what the server said (an HTTP charset), if anything."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                name = encoding.upper().removesuffix("-SIG")
                raise UndecodableError(f"not {name} text (byte {error.start})") from None
    for label in (declared, declared_charset(data), "utf-8"):
        encoding = _codec(label)
        if encoding:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    best = charset_normalizer.from_bytes(data[:_DETECT_BYTES]).best()
    if best is None or best.encoding is None:
        raise UndecodableError("not UTF-8 text, nor in another encoding briefbot recognises")
    return data.decode(best.encoding, errors="replace")


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return "cp1252" if name.replace("-", "_") in _AS_WINDOWS_1252 else name


def well_formed(text: str) -> str:
    """``text`` with each lone surrogate (a JSON "\\ud800" escape decodes to one; no encoding can store it)
    replaced by U+FFFD, as a decoder replaces bytes it cannot read."""
    return _SURROGATE.sub("\ufffd", text)


def without_surrogate_references(markup: str) -> str:
    """``markup`` with each numeric character reference to a surrogate ("&#xD800;") made U+FFFD's, which
    parsers that turn references into text before checking them (feedparser) can read."""

    def replace(match: re.Match) -> str:
        code = int(match[1], 16) if match[1] else int(match[2])
        return "&#xFFFD;" if 0xD800 <= code <= 0xDFFF else match[0]

    return _CHARACTER_REFERENCE.sub(replace, markup)
