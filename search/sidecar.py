"""``sources.toml``: metadata per source id that the documents do not state, validated field by field.

Each entry is checked with pydantic. A bad value (``published = 12345``, ``title = 42``,
``published = "2024-99-99"``) is reported with its entry's key and the problem, and only that field is
dropped: the entry's other fields and every other entry still apply. A file that is not TOML at all, or is
nested absurdly deep, is skipped whole with its reason.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, StrictStr, StringConstraints, ValidationError

from search.nesting import check_nesting

MAX_SIDECAR_BYTES = 4 * 1024 * 1024
_TEXT = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


def _date(value: Any) -> dt.date:
    """A TOML date (or the date of a TOML datetime), or an ISO date string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("not a date (YYYY-MM-DD)") from None
    raise ValueError('a date (2025-08-20 or "2025-08-20") is expected')


class SidecarEntry(BaseModel):
    """What ``sources.toml`` may state about one source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: _TEXT | None = None
    url: _TEXT | None = None
    outlet: _TEXT | None = None
    author: _TEXT | None = None
    published: Annotated[dt.date, BeforeValidator(_date)] | None = None


def read_sidecar(path: Path) -> tuple[dict[str, dict], list[str]]:
    """The valid fields of each entry, by source id, and one line per problem (entry key, field, why)."""
    if not path.exists():
        return {}, []
    try:
        if path.stat().st_size > MAX_SIDECAR_BYTES:
            return {}, [f"larger than {MAX_SIDECAR_BYTES // 2**20} MB"]
        text = path.read_text(encoding="utf-8-sig")
        check_nesting(text)
        table = tomllib.loads(text)
    except (OSError, ValueError) as error:  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
        return {}, [str(error)]
    entries: dict[str, dict] = {}
    problems: list[str] = []
    for key, value in table.items():
        if not isinstance(value, dict):
            problems.append(f'[{key}]: not a table of fields (write it as ["{key}"] with fields below)')
            continue
        fields, entry_problems = _validate(value)
        entries[key] = fields
        problems += [f"[{key}] {problem}" for problem in entry_problems]
    return entries, problems


def _validate(value: dict) -> tuple[dict, list[str]]:
    """Validate one entry; a field that fails is reported and left out, the others are kept."""
    problems = []
    try:
        entry = SidecarEntry.model_validate(value)
    except ValidationError as error:
        bad = set()
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else "?"
            bad.add(name)
            reason = "unknown field" if item["type"] == "extra_forbidden" else item["msg"].removeprefix("Value error, ")
            problems.append(f"{name}: {reason} (got {_shown(item['input'])})")
        entry = SidecarEntry.model_validate({k: v for k, v in value.items() if k not in bad})
    return entry.model_dump(exclude_unset=True), problems


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
