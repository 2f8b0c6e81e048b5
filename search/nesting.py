"""Nesting bounds for untrusted JSON and TOML: checked before a recursive parser sees the text.

json-repair, ``json`` and ``tomllib`` recurse once per level, so a file of 100,000 ``[`` ends in a
RecursionError that no caller expects. ``check_nesting`` scans the brackets outside quoted strings in linear
time and refuses text nested deeper than ``MAX_NESTING`` levels (real posts and feeds nest fewer than ten).
"""

from __future__ import annotations

import re

MAX_NESTING = 200
_QUOTED = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def nesting_depth(text: str, *, limit: int | None = None) -> int:
    """The deepest bracket nesting outside double-quoted strings (stray closers are ignored); stops
    counting once ``limit`` is passed."""
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub("", _QUOTED.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if limit is not None and deepest > limit:
                    break
        elif depth:
            depth -= 1
    return deepest


def check_nesting(text: str, error: type[Exception] = ValueError, *, limit: int = MAX_NESTING) -> None:
    """Raise ``error`` if ``text`` nests brackets deeper than ``limit`` levels."""
    if nesting_depth(text, limit=limit) > limit:
        raise error(f"nested deeper than {limit} levels")
