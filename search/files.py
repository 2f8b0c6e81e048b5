"""Reading a file of the sources folder as untrusted input: where it points, how big it is, how it is encoded.

A symlink may point anywhere; one whose target leaves the folder is refused rather than served. The size is
checked on the open file before anything is read (a 2 GB sparse file costs nothing to refuse), and the read
itself stops one byte past the limit, so a file that grows meanwhile cannot slip through. Only regular files
are opened, without blocking (a FIFO would otherwise hang the scan).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from search.decode import UndecodableError, decode, has_bom
from search.ingest import IngestError


def read_bounded(path: Path, max_bytes: int, *, root: Path | None = None) -> bytes:
    """The bytes of ``path``, which must resolve inside ``root`` (default: its own folder) and hold at most
    ``max_bytes``. Raises IngestError (a short reason) or OSError."""
    path = Path(path)
    try:
        real = path.resolve(strict=True)
    except RuntimeError:  # how Python before 3.13 reports a loop of symbolic links
        raise IngestError(os.strerror(errno.ELOOP)) from None
    if not real.is_relative_to(Path(root or path.parent).resolve()):
        raise IngestError("a link to a file outside the sources folder")
    fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise IngestError("not a regular file")
        if info.st_size > max_bytes:
            raise IngestError(f"larger than {_size(max_bytes)}")
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise IngestError(f"larger than {_size(max_bytes)}")
    return data


def decode_text(data: bytes) -> str:
    """Text of a file, decoded as search.decode says (byte-order mark, declared charset, UTF-8, detection).
    Raises IngestError for binary data or bytes that are no text."""
    if b"\0" in data and not has_bom(data):
        raise IngestError("binary file, not text")
    try:
        return decode(data)
    except UndecodableError as error:
        raise IngestError(str(error)) from None


def _size(count: int) -> str:
    return f"{count // 2**20} MB" if count >= 2**20 else f"{count} bytes"
