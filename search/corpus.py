"""A corpus: sources and their passages, loaded from a directory of files (and later, from the store).

A file that cannot be read is skipped with one warning naming the file and the reason; the rest still load.
An optional ``sources.toml`` beside the files states metadata the documents do not::

    ["001_0b12affa1a3745eb"]
    outlet = "Example Review"
    published = 2025-08-20
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from search.clean import clean_lines
from search.files import decode_text, read_bounded
from search.ingest import IngestError, RawDocument, read_documents
from search.language import detect_language
from search.models import Passage, Source
from search.passages import assemble
from search.sidecar import read_sidecar

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = frozenset({".txt", ".json", ".html", ".htm", ".md", ".markdown"})
SIDECAR = "sources.toml"
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ID_CHARS = 64


@dataclass
class Corpus:
    sources: dict[str, Source] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def add(self, source: Source, passages: list[Passage]) -> None:
        self.sources[source.source_id] = source
        self.passages.extend(passages)

    def with_source(self, source: Source, passages: list[Passage]) -> Corpus:
        """A new corpus with one more source; this one is left as it was."""
        return Corpus({**self.sources, source.source_id: source}, [*self.passages, *passages], self.skipped)

    def fingerprint(self) -> str:
        """Changes whenever anything that is indexed changes (ids or texts)."""
        digest = hashlib.sha256()
        for passage in self.passages:
            digest.update(passage.passage_id.encode())
            digest.update(b"\0")
            digest.update(passage.text.encode())
            digest.update(b"\1")
        return digest.hexdigest()[:32]


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
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() not in SUPPORTED_SUFFIXES or not path.is_file():
            continue
        try:
            for source, passages in load_file(path):
                corpus.add(_apply_sidecar(source, sidecar.get(source.source_id)), passages)
        except (IngestError, OSError, ValueError) as error:
            log.warning("skipped %s: %s", path.name, error)
            corpus.skipped.append((path.name, str(error)))
    return corpus


def load_file(path: Path) -> list[tuple[Source, list[Passage]]]:
    text = decode_text(read_bounded(path, MAX_FILE_BYTES))
    docs = read_documents(text, suffix=path.suffix.lower())
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


def _apply_sidecar(source: Source, entry: dict | None) -> Source:
    return source.model_copy(update=entry) if entry else source
