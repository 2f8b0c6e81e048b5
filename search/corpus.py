"""A corpus: sources and their passages, parsed from a directory of files.

``parse_files`` parses many files (in a process pool when there are many, with a progress bar) for the
library's incremental scans; ``load_directory`` loads a whole directory in memory (tests, benchmarks).

A file that cannot be read is skipped with one warning naming the file and the reason; the rest still load.
An optional ``sources.toml`` beside the files states metadata the documents do not::

    ["001_0b12affa1a3745eb"]
    outlet = "Example Review"
    published = 2025-08-20
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from search.clean import clean_lines
from search.corpus_store import FileState
from search.files import decode_text, read_bounded
from search.ingest import IngestError, RawDocument, read_documents
from search.language import detect_language
from search.models import Passage, Source
from search.passages import assemble
from search.pdf import from_pdf, is_pdf
from search.sidecar import read_sidecar

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = frozenset({".txt", ".json", ".html", ".htm", ".md", ".markdown", ".pdf"})
SIDECAR = "sources.toml"
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ID_CHARS = 64
PIPELINE_VERSION = 3  # bump when reading, cleaning or passage splitting changes: stored files are parsed again
POOL_MIN_FILES = 64  # fewer files are parsed in this process (a pool costs more to start than they take)


@dataclass
class Corpus:
    sources: dict[str, Source] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def add(self, source: Source, passages: list[Passage]) -> None:
        self.sources[source.source_id] = source
        self.passages.extend(passages)


def build_source(raw: RawDocument, source_id: str, origin: str) -> tuple[Source, list[Passage]]:
    """Clean one raw document into a Source and its passages. Raises IngestError if no text is left."""
    cleaned = clean_lines(raw.lines, title=raw.title)
    text, passages = assemble(source_id, cleaned.blocks)
    if not passages:
        raise IngestError("no article text left after removing boilerplate")
    source = Source(
        source_id=source_id,
        title=raw.title or cleaned.title,
        url=raw.url,
        outlet=raw.outlet,
        author=raw.author or cleaned.author,
        published=raw.published or cleaned.published,
        origin=origin,
        format=raw.format,
        text=text,
        dropped=cleaned.dropped,
        language=detect_language(text),
    )
    return source, passages


def load_directory(directory: Path) -> Corpus:
    """Every supported file in ``directory`` (not recursive), in name order."""
    corpus = Corpus()
    if not directory.is_dir():
        raise FileNotFoundError(f"sources directory not found: {directory}")
    sidecar = _read_sidecar(directory / SIDECAR, corpus)
    for path in sorted(directory / name for name in source_files(directory)):
        try:
            for source, passages in load_file(path):
                corpus.add(apply_sidecar(source, sidecar.get(source.source_id)), passages)
        except (IngestError, OSError, ValueError) as error:
            log.warning("skipped %s: %s", path.name, error)
            corpus.skipped.append((path.name, _reason(error)))
    return corpus


def source_files(directory: Path) -> dict[str, tuple[int, int]]:
    """The supported files of a directory (not recursive, hidden files left out): name -> (size, mtime_ns). An
    entry that cannot even be looked at (a loop of symbolic links) is listed as (0, 0), so that reading it
    fails and its reason is reported."""
    found = {}
    with os.scandir(directory) as entries:
        for entry in entries:
            name = entry.name
            if name[0] == "." or "." + name.rpartition(".")[2].lower() not in SUPPORTED_SUFFIXES:
                continue
            try:
                if entry.is_file():
                    stat = entry.stat()
                    found[name] = (stat.st_size, stat.st_mtime_ns)
            except OSError:
                found[name] = (0, 0)
    return found


@dataclass
class ParsedFile:
    """One file of a scan: its state, and its sources (None when its content hash was already known)."""

    name: str
    state: FileState
    sources: list[tuple[Source, list[Passage]]] | None


def parse_file(path: Path, known_sha256: str | None = None) -> ParsedFile:
    """Hash a file and, unless the hash is ``known_sha256``, parse it. A file that cannot be read gives no
    sources and its reason in ``state.error``."""
    sources: list[tuple[Source, list[Passage]]] | None = []
    error, size, mtime = None, 0, 0
    try:
        stat = path.stat()
        size, mtime = stat.st_size, stat.st_mtime_ns
        data = read_bounded(path, MAX_FILE_BYTES)
        sha256 = hashlib.sha256(data).hexdigest()
        sources = None if sha256 == known_sha256 else parse_bytes(data, path)
    except (IngestError, OSError, ValueError) as failure:
        sha256, error = "", _reason(failure)
    except Exception as failure:  # a parser's bug costs this file, never the scan
        log.exception("could not parse %s", path.name)
        sha256, error = "", f"could not be read ({type(failure).__name__})"
    return ParsedFile(path.name, FileState(size, mtime, sha256, PIPELINE_VERSION, error), sources)


def _reason(error: Exception) -> str:
    """Why a file could not be read, in a few words: an operating system's error without the file's path (the
    list of skipped files is shown in Discord)."""
    return error.strerror if isinstance(error, OSError) and error.strerror else str(error)


def parse_files(paths: list[tuple[Path, str | None]], *, progress: bool = False) -> Iterator[ParsedFile]:
    """``parse_file`` over (path, known hash) pairs, in order; on every core when there are many."""
    bar = tqdm(total=len(paths), desc="parsing", unit="file", disable=not progress)
    if len(paths) < POOL_MIN_FILES or (os.cpu_count() or 1) < 2:
        for path, known in paths:
            yield parse_file(path, known)
            bar.update()
    else:
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(os.cpu_count(), mp_context=context) as pool:
            chunk = max(1, min(64, len(paths) // (8 * (os.cpu_count() or 1))))
            for parsed in pool.map(parse_file, *zip(*paths, strict=True), chunksize=chunk):
                yield parsed
                bar.update()
    bar.close()


def load_file(path: Path) -> list[tuple[Source, list[Passage]]]:
    return parse_bytes(read_bounded(path, MAX_FILE_BYTES), path)


def parse_bytes(data: bytes, path: Path) -> list[tuple[Source, list[Passage]]]:
    """One file's bytes -> its sources (ids from the file name)."""
    if is_pdf(data):
        docs = [from_pdf(data, name=path.name)]
    else:
        docs = read_documents(decode_text(data), suffix=path.suffix.lower())
    return [build_source(doc, source_id(path.stem, doc.key), str(path)) for doc in docs]


def source_id(stem: str, key: str | None = None) -> str:
    """The file name without its suffix (plus the post id for a WordPress list), at most MAX_ID_CHARS:
    a longer name keeps its start and gets a hash of the whole, so ids stay unique and fit Discord's
    100-character option values."""
    name = f"{stem}-{key}" if key else stem
    if len(name) <= MAX_ID_CHARS:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:10]
    return f"{name[: MAX_ID_CHARS - 11]}-{digest}"


def _read_sidecar(path: Path, corpus: Corpus) -> dict[str, dict]:
    entries, problems = read_sidecar(path)
    for problem in problems:
        log.warning("%s: %s", path.name, problem)
        corpus.skipped.append((path.name, problem))
    return entries


def apply_sidecar(source: Source, entry: dict | None) -> Source:
    return source.model_copy(update=entry) if entry else source
