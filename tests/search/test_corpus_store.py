"""The persisted corpus: starts parse nothing, scans parse only new or changed files, and a damaged store is
rebuilt from the files."""

import logging
import os

import pytest

import search.corpus
import search.library
from search.corpus import parse_files
from search.library import SUMMARY_PASSAGES, Library, evenly_spread
from tests.conftest import SEEDS

NEW_TEXT = "Quokka report\n" + "The quokka treaty was signed by the allies in Perth on a windy day. " * 8


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The names of the files parsed (in this process: small scans do not start a pool)."""
    names: list[str] = []
    real = search.corpus.parse_bytes

    def spy(data, path):
        names.append(path.name)
        return real(data, path)

    monkeypatch.setattr(search.corpus, "parse_bytes", spy)
    return names


def test_a_start_parses_nothing_that_was_parsed_before(seeds, tmp_path, parsed):
    first = Library(seeds, tmp_path / "data").open()
    assert len(parsed) == 5 and len(first.corpus.sources) == 5
    parsed.clear()
    again = Library(seeds, tmp_path / "data").open()
    assert parsed == [] and not again.rebuilt
    assert [p.passage_id for p in again.corpus.passages] == [p.passage_id for p in first.corpus.passages]
    assert again.search("THAAD").hits[0].passage_id == first.search("THAAD").hits[0].passage_id


def test_a_changed_file_is_parsed_alone(seeds, tmp_path, parsed):
    library = Library(seeds, tmp_path / "data").open()
    path = next(seeds.glob("003_*.txt"))
    path.write_text(path.read_text() + "\n" + NEW_TEXT)
    parsed.clear()
    assert library.refresh_seeds().startswith("updated the index: 1 file(s) changed")
    assert parsed == [path.name]
    assert library.search("quokka").hits[0].source_id == path.stem
    assert library.corpus.live is not None  # the old version's passages are tombstones, not re-indexed
    assert library.save_index()
    parsed.clear()
    again = Library(seeds, tmp_path / "data").open()
    assert again.search("quokka").hits[0].source_id == path.stem
    assert parsed == [] and not again.rebuilt  # the saved index, tombstones included, is reused


def test_a_touched_file_with_the_same_content_is_not_parsed(seeds, tmp_path, parsed):
    library = Library(seeds, tmp_path / "data").open()
    path = next(seeds.glob("001_*.txt"))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    parsed.clear()
    assert library.refresh_seeds() is None and parsed == []
    parsed.clear()
    assert not Library(seeds, tmp_path / "data").open().rebuilt and parsed == []  # its new mtime was kept


def test_a_removed_file_is_gone_from_search_now_and_after_a_restart(seeds, tmp_path):
    library = Library(seeds, tmp_path / "data").open()
    (seeds / "quokka.txt").write_text(NEW_TEXT)
    assert library.refresh_seeds() == "added 1 source(s) from 1 new file(s)"
    assert library.search("quokka").hits[0].source_id == "quokka"
    (seeds / "quokka.txt").unlink()
    assert library.refresh_seeds().startswith("updated the index: 1 file(s) changed or removed")
    assert library.search("quokka").hits == [] and "quokka" not in library.corpus.sources
    again = Library(seeds, tmp_path / "data").open()
    assert again.search("quokka").hits == [] and len(again.sources()) == 5


def test_a_pipeline_version_bump_parses_every_file_again(seeds, tmp_path, parsed, monkeypatch):
    Library(seeds, tmp_path / "data").open()
    parsed.clear()
    monkeypatch.setattr(search.corpus, "PIPELINE_VERSION", search.corpus.PIPELINE_VERSION + 1)
    monkeypatch.setattr(search.library, "PIPELINE_VERSION", search.corpus.PIPELINE_VERSION)
    bumped = Library(seeds, tmp_path / "data").open()
    assert sorted(parsed) == sorted(p.name for p in SEEDS.iterdir() if p.suffix == ".txt")
    assert bumped.rebuilt and bumped.search("THAAD").hits
    parsed.clear()
    assert not Library(seeds, tmp_path / "data").open().rebuilt and parsed == []


def test_a_corrupt_store_is_rebuilt_from_the_files_with_one_warning(seeds, tmp_path, caplog):
    data = tmp_path / "data"
    expected = Library(seeds, data).open().search("THAAD").hits[0].passage_id
    (data / "corpus.sqlite3").write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (data / f"corpus.sqlite3{suffix}").unlink(missing_ok=True)
    with caplog.at_level(logging.WARNING):
        library = Library(seeds, data).open()
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "corpus.sqlite3 could not be read" in warnings[0].getMessage()
    assert library.rebuilt and library.search("THAAD").hits[0].passage_id == expected
    assert list(data.glob("corpus.sqlite3.unreadable-*"))  # kept aside, not deleted


def test_a_sidecar_change_parses_only_the_files_it_names(seeds, tmp_path, parsed):
    library = Library(seeds, tmp_path / "data").open()
    sid = next(seeds.glob("002_*.txt")).stem
    (seeds / "sources.toml").write_text(f'["{sid}"]\noutlet = "Example Review"\n')
    parsed.clear()
    library.refresh_seeds()
    assert parsed == [f"{sid}.txt"] and library.get_source(sid).outlet == "Example Review"


def test_a_summary_reads_a_bounded_number_of_passages(seeds, tmp_path, monkeypatch):
    paragraphs = [f"Paragraph {i} on the alliance and its {i}th treaty, signed in city number {i}." for i in range(300)]
    (seeds / "long.md").write_text("# A long report\n\n" + "\n\n".join(p * 4 for p in paragraphs))
    library = Library(seeds, tmp_path / "data").open()
    assert library.source_info("long").passages > SUMMARY_PASSAGES
    read: list[int] = []
    real = library.corpus_store.passages

    def counting(number, source_id, ordinals=None):
        found = real(number, source_id, ordinals)
        read.append(len(found))
        return found

    monkeypatch.setattr(library.corpus_store, "passages", counting)
    summary = library.summary("long")
    assert summary.sentences and read == [SUMMARY_PASSAGES]


def test_evenly_spread():
    assert evenly_spread(3, 30) == [0, 1, 2]
    spread = evenly_spread(1000, 30)
    assert len(spread) == 30 and spread[0] == 0 and spread[-1] == 999


def test_a_large_import_parses_in_a_pool_with_the_same_result(tmp_path):
    paths = []
    for i in range(70):
        path = tmp_path / f"note{i:02d}.txt"
        path.write_text(f"Note {i}\n" + f"The pool parsed note number {i} about the alliance treaty. " * 6)
        paths.append((path, None))
    pooled = list(parse_files(paths))
    assert [p.name for p in pooled] == [path.name for path, _ in paths]
    alone = [search.corpus.parse_file(path) for path, _ in paths[:3]]
    for a, b in zip(alone, pooled, strict=False):
        assert a.state.sha256 == b.state.sha256 and a.sources[0][1] == b.sources[0][1]


def test_a_quick_scan_lists_no_file_until_the_folder_changes(seeds, tmp_path, monkeypatch):
    Library(seeds, tmp_path / "data").open()
    listed = []
    real = search.library.source_files
    monkeypatch.setattr(search.library, "source_files", lambda folder: listed.append(folder) or real(folder))
    assert len(Library(seeds, tmp_path / "data").open(quick_scan=True).sources()) == 5 and listed == []
    (seeds / "quokka.txt").write_text(NEW_TEXT)  # a new file changes the folder's mtime
    added = Library(seeds, tmp_path / "data").open(quick_scan=True)
    assert len(listed) == 1 and added.search("quokka").hits[0].source_id == "quokka"
    (seeds / "quokka.txt").unlink()
    assert Library(seeds, tmp_path / "data").open(quick_scan=True).search("quokka").hits == []
    assert len(listed) == 2


def test_an_in_place_edit_waits_for_a_full_scan(seeds, tmp_path):
    """The documented trade-off: editing a file in place leaves the folder's mtime alone."""
    Library(seeds, tmp_path / "data").open()
    path = next(seeds.glob("003_*.txt"))
    folder_mtime = seeds.stat().st_mtime_ns
    path.write_text(path.read_text() + "\n" + NEW_TEXT)
    os.utime(seeds, ns=(folder_mtime, folder_mtime))
    assert Library(seeds, tmp_path / "data").open(quick_scan=True).search("quokka").hits == []
    assert Library(seeds, tmp_path / "data").open().search("quokka").hits[0].source_id == path.stem


def test_the_sources_list_is_extended_not_read_again_when_a_source_is_added(seeds, tmp_path, monkeypatch):
    library = Library(seeds, tmp_path / "data").open()
    before = [info.source_id for info in library.sources()]
    read = []
    real = library.corpus_store.infos
    monkeypatch.setattr(library.corpus_store, "infos", lambda numbers: read.append(len(numbers)) or real(numbers))
    (seeds / "quokka.txt").write_text(NEW_TEXT)
    assert library.refresh_seeds().startswith("added 1 source")
    assert [info.source_id for info in library.sources()] == [*before, "quokka"] and read == [1]
