"""A saved index read as untrusted input: the manifest and the arrays are validated before they are used, and
what an interrupted save left behind is removed.

Anything inconsistent (a manifest that is not an object, k1 not a number, b out of range, a truncated or empty
array, postings out of order or pointing past the last document, counts that disagree) raises ValueError with a
short reason; the index module turns it into ``IndexFormatError`` and the library rebuilds.

Reading every posting costs most of a cold start at a million passages, so the full check runs once per
written index: a save (of arrays that were just built) and the first load after any file changed record a
stamp, ``validated.json`` (each file's size and mtime). A load whose files still match their stamp does only
the O(1)/O(vocabulary) checks (shapes, types, counts, ``indptr``) plus a sample of the postings; a file
replaced, rewritten or truncated since (a new mtime or size) gets the full check again; damage that keeps
both is caught by the sample, or by the range check of each posting list a query reads (``Segment.postings``).

Several processes may share one data directory. Saves hold an exclusive lock beside the index (one save at a
time, and ``remove_orphans`` at open never removes the folder of a save that is still running in another
process); a save swaps its new folder in under a second lock (``swapping``), which a load holds shared
(``reading``) while it opens and checks the files, so a load never mixes the files of two saves and never
meets the moment the folder is missing. The keys a load leaves for later (``LazyStrings``) are read from the
file it opened then (``PinnedFile``), never from whatever index the path holds by the time they are read.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import uuid
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

MAX_MANIFEST_BYTES = 1 << 20
_STRINGS = TypeAdapter(list[Annotated[str, Field(strict=True)]])


class Manifest(BaseModel):
    """The fields of ``manifest.json`` that loading relies on."""

    model_config = ConfigDict(extra="ignore", strict=True)

    format: str
    version: int
    k1: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    b: Annotated[float, Field(ge=0, le=1)]
    analyzer: dict | None = None
    fingerprint: str | None = None
    documents: Annotated[int, Field(ge=0)]
    terms: Annotated[int, Field(ge=0)]
    postings: Annotated[int, Field(ge=0)]


def read_manifest(path: Path) -> Manifest:
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise ValueError(f"{path.name} is larger than {MAX_MANIFEST_BYTES} bytes")
    return _validated(Manifest.model_validate, read_json(path), path.name)


def read_strings(path: Path | PinnedFile) -> list[str]:
    """A JSON list of strings (vocabulary, keys)."""
    return _validated(_STRINGS.validate_python, read_json(path), path.name)


def read_json(path: Path | PinnedFile) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:  # the C decoder stops cleanly at the interpreter's recursion limit
        raise ValueError(f"{path.name} is nested too deeply") from None


class PinnedFile:
    """A file opened now and read later: its content as it was when opened, even after a save in another
    process renamed its folder away and removed it (the open descriptor keeps the file; saves never rewrite
    an index's files in place). The descriptor is closed when the object is collected."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        self._fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        self._finalizer = weakref.finalize(self, os.close, self._fd)

    def read_text(self, encoding: str = "utf-8") -> str:
        size, chunks, offset = os.fstat(self._fd).st_size, [], 0
        while offset < size:
            chunk = os.pread(self._fd, min(size - offset, 1 << 30), offset)
            if not chunk:
                break
            chunks.append(chunk)
            offset += len(chunk)
        return b"".join(chunks).decode(encoding)


class LazyStrings(Sequence[str]):
    """A JSON list of ``count`` strings, read on first use, followed by ``tail`` (the library never reads
    the index keys at query time; evaluation and saves do). ``file`` is opened by the load, so the keys read
    are those of the index loaded, whatever was saved over it since."""

    def __init__(self, file: PinnedFile, count: int, tail: Sequence[str] = ()) -> None:
        self.file, self.count, self.tail = file, count, list(tail)
        self._items: list[str] | None = None

    def _loaded(self) -> list[str]:
        if self._items is None:
            items = read_strings(self.file)
            if len(items) != self.count:
                raise ValueError(f"{self.file.name} holds {len(items)} keys, the manifest states {self.count}")
            self._items = items + self.tail
        return self._items

    def __len__(self) -> int:
        return self.count + len(self.tail)

    def __getitem__(self, index):
        return self._loaded()[index]

    def __add__(self, other: Sequence[str]) -> LazyStrings:
        return LazyStrings(self.file, self.count, [*self.tail, *other])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and self._loaded() == list(other)

    __hash__ = None  # a list, not a key


def _validated(validate, data: object, name: str):
    """``validate(data)``, with pydantic's errors shortened to one line naming the first bad field."""
    try:
        return validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "top level"
        raise ValueError(f"{name}: {where}: {first['msg']}") from None


STAMP = "validated.json"
ARRAYS = ("indptr", "doc_ids", "tfs", "doc_len", "max_tf")  # max_tf: each term's largest term frequency
STAMPED = ("manifest.json", "vocab.json", "keys.json", *(f"{name}.npy" for name in ARRAYS))
SAMPLED_POSTINGS = 4096  # postings a stamped load checks for range


def _signature(index_dir: Path) -> dict[str, list[int]]:
    stats = {name: (index_dir / name).stat() for name in STAMPED}
    return {name: [stat.st_size, stat.st_mtime_ns] for name, stat in stats.items()}


def write_stamp(index_dir: Path) -> None:
    """Record that the index's files as they are now passed the full check (best effort: a read-only data
    directory just checks fully at every load). The temporary file's name is unique: loads in several
    processes may stamp one index at once."""
    tmp = index_dir / f".{STAMP}.{uuid.uuid4().hex}.tmp"
    try:
        tmp.write_text(json.dumps(_signature(index_dir)))
        tmp.replace(index_dir / STAMP)
    except OSError:
        tmp.unlink(missing_ok=True)


def stamped(index_dir: Path) -> bool:
    """Whether every file is as it was when the index last passed the full check."""
    try:
        return json.loads((index_dir / STAMP).read_text()) == _signature(index_dir)
    except (OSError, ValueError, RecursionError):
        return False


def check_segment(
    manifest: Manifest,
    vocab: list[str],
    keys: list[str] | None,
    indptr: np.ndarray,
    doc_ids: np.ndarray,
    tfs: np.ndarray,
    doc_len: np.ndarray,
    max_tf: np.ndarray,
) -> None:
    """Raise ValueError unless the arrays form the CSR postings the manifest describes. Without ``keys`` (a
    stamped index) only the sizes, ``indptr`` and a sample of the postings are checked, not every posting."""
    arrays = {"indptr": indptr, "doc_ids": doc_ids, "tfs": tfs, "doc_len": doc_len, "max_tf": max_tf}
    for name, array in arrays.items():
        if array.ndim != 1 or array.dtype.kind not in "iu":
            raise ValueError(f"{name} is not a flat integer array")
    counts = {
        "terms": (manifest.terms, len(vocab), len(indptr) - 1, len(max_tf)),
        "documents": (manifest.documents, len(doc_len), *([] if keys is None else [len(keys)])),
        "postings": (manifest.postings, len(doc_ids), len(tfs)),
    }
    for name, (stated, *found) in counts.items():
        if any(n != stated for n in found):
            raise ValueError(f"the manifest states {stated} {name}, the files hold {found}")
    if indptr[0] != 0 or indptr[-1] != len(doc_ids) or np.any(np.diff(indptr) < 0):
        raise ValueError("indptr does not delimit the postings")
    if len(doc_len) and doc_len.min() < 0:
        raise ValueError("negative document lengths")
    if not len(doc_ids):
        return
    if keys is None:
        step = max(1, len(doc_ids) // SAMPLED_POSTINGS)
        doc_ids, tfs = doc_ids[::step], tfs[::step]
        if doc_ids.min() < 0 or doc_ids.max() >= len(doc_len) or tfs.min() < 1:
            raise ValueError("postings out of range")
        return
    if len(set(vocab)) != len(vocab) or len(set(keys)) != len(keys):
        raise ValueError("repeated terms or keys")
    if doc_ids.min() < 0 or doc_ids.max() >= len(doc_len) or tfs.min() < 1:
        raise ValueError("postings out of range")
    ascending = doc_ids[1:] > doc_ids[:-1]  # one boolean pass over the mapped array, no integer copies
    starts = np.asarray(indptr[1:-1], dtype=np.int64)
    starts = starts[(starts > 0) & (starts < len(doc_ids))]
    ascending[starts - 1] = True  # a new term's list may start lower
    if not ascending.all():
        raise ValueError("postings out of order")
    if not np.array_equal(max_tf, term_maxima(indptr, tfs)):  # too low a maximum would prune true answers
        raise ValueError("max_tf does not match the postings")


def term_maxima(indptr: np.ndarray, tfs: np.ndarray) -> np.ndarray:
    """Each term's largest term frequency (0 for a term without postings)."""
    counts = np.diff(indptr)
    maxima = np.zeros(len(counts), dtype=np.uint16)
    if len(tfs):
        present = counts > 0
        maxima[present] = np.maximum.reduceat(tfs, np.asarray(indptr[:-1])[present])
    return maxima


def _lock_path(index_dir: Path, kind: str = "") -> Path:
    return index_dir.with_name(f".{index_dir.name}{kind}.lock")


@contextlib.contextmanager
def saving(index_dir: Path) -> Iterator[None]:
    """Hold the index's save lock (other processes' saves and cleanups wait or skip)."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(_lock_path(index_dir), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@contextlib.contextmanager
def swapping(index_dir: Path) -> Iterator[None]:
    """Hold the swap lock exclusively: no load is between its first and last file while a save puts its new
    folder in place (two renames, with no index at the path in between)."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(_lock_path(index_dir, ".swap"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@contextlib.contextmanager
def reading(index_dir: Path) -> Iterator[None]:
    """Hold the swap lock shared while a load opens and checks the index's files (loads do not wait for one
    another, nor for a save's writing, only for its renames). Without a lock file that can be opened (a
    read-only data directory, which no save of this machine changes) the load goes on unlocked."""
    lock = None
    for mode in ("a", "r"):  # flock works on a read-only descriptor too
        with contextlib.suppress(OSError):
            lock = open(_lock_path(index_dir, ".swap"), mode)  # noqa: SIM115 - closed below, after the yield
            break
    if lock is None:
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        yield


def remove_orphans(index_dir: Path) -> list[str]:
    """Remove the temporary and replaced folders an interrupted save left beside ``index_dir``, unless a save
    is running now. Returns the names removed (nothing if the data directory cannot be written)."""
    orphans = [
        *index_dir.parent.glob(f".{index_dir.name}.tmp-*"),
        *index_dir.parent.glob(f".{index_dir.name}.old-*"),
    ]
    if not orphans:
        return []
    try:
        with open(_lock_path(index_dir), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            for orphan in orphans:
                shutil.rmtree(orphan)
    except OSError:
        return []
    return [orphan.name for orphan in orphans]
