"""The whole library as JSON Lines, for backups and for tools: one source per line, in index order::

    {"source": {"source_id", "title", "url", "outlet", "author", "published", "origin", "format", "text",
                "dropped", ...}, "passages": [{"passage_id", "source_id", "ordinal", "heading", "text", "start",
                "end"}, ...]}

Sources and passages are read one source at a time from one snapshot, so memory stays flat and a library
growing meanwhile is exported as it was when the export began.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from search.library import Library
from search.markup import terminal_json
from search.scopes import ALL_SERVERS, visible


def export_records(library: Library, scope: int | None = ALL_SERVERS) -> Iterator[dict]:
    """One ``{"source", "passages"}`` record per live source ``scope`` sees (search.scopes)."""
    view = library.corpus
    for row in view.rows:
        if row.live and visible(row.scope, scope):
            yield {
                "source": view.sources[row.source_id].model_dump(mode="json"),
                "passages": [p.model_dump(mode="json") for p in view.store.passages(row.number, row.source_id)],
            }


def write_export(library: Library, out: TextIO, scope: int | None = ALL_SERVERS) -> tuple[int, int]:
    """Write every record to ``out``, one JSON line each; returns (sources, passages) written."""
    sources = passages = 0
    for record in export_records(library, scope):
        out.write(terminal_json(record, indent=None) + "\n")
        sources += 1
        passages += len(record["passages"])
    return sources, passages


def export_to_file(library: Library, path: Path, scope: int | None = ALL_SERVERS) -> tuple[int, int]:
    """Write the export to the file ``path`` atomically (a reader never sees half a file), with the
    permissions a new file gets; a device or pipe (``/dev/null``, a FIFO) is written as it is, never replaced.
    OSError (a folder, a missing folder, no permission) says what is wrong."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder; give a file name", str(path))
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder", str(path.parent))
    if path.exists() and not path.is_file():
        with open(path, "w", encoding="utf-8") as out:
            return write_export(library, out, scope)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            counts = write_export(library, out, scope)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's file is private
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return counts
