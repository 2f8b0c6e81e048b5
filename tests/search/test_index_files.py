"""A saved index is validated on load: any corruption means a rebuild, never a crash; orphans are cleaned."""

import json
import os
import shutil

import numpy as np
import pytest

from search import index_files
from search.index import BM25Index, IndexFormatError
from search.index_files import saving
from search.ingest import read_documents
from search.library import Library
from search.web import add_raw
from tests.conftest import SEEDS
from tests.search.test_scopes import about


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    data = tmp_path_factory.mktemp("saved")
    Library(SEEDS, data).open()
    return data


def _manifest(change):
    def corrupt(index):
        path = index / "manifest.json"
        path.write_text(json.dumps(change(json.loads(path.read_text()))))

    return corrupt


def _random_doc_ids(high):
    def corrupt(index):
        ids = np.load(index / "doc_ids.npy")
        limit = high if high else len(np.load(index / "doc_len.npy"))
        np.save(index / "doc_ids.npy", np.random.default_rng(7).integers(0, limit, len(ids)).astype(ids.dtype))

    return corrupt


CORRUPTIONS = {
    "empty doc_ids.npy": lambda index: (index / "doc_ids.npy").write_bytes(b""),
    "truncated tfs.npy": lambda index: (index / "tfs.npy").write_bytes((index / "tfs.npy").read_bytes()[:150]),
    "k1 a string": _manifest(lambda m: {**m, "k1": "1.2"}),
    "k1 missing": _manifest(lambda m: {k: v for k, v in m.items() if k != "k1"}),
    "b out of range": _manifest(lambda m: {**m, "b": 7}),
    "manifest a list": _manifest(lambda m: [m]),
    "manifest nested deep": lambda index: (index / "manifest.json").write_text("[" * 100_000 + "]" * 100_000),
    "document count wrong": _manifest(lambda m: {**m, "documents": 3}),
    "random doc ids": _random_doc_ids(10**6),
    "random doc ids in range": _random_doc_ids(None),
    "vocab not a list": lambda index: (index / "vocab.json").write_text("{}"),
    "keys not strings": lambda index: (index / "keys.json").write_text(json.dumps(list(range(60)))),
    "2-d doc_len": lambda index: np.save(index / "doc_len.npy", np.load(index / "doc_len.npy").reshape(-1, 1)),
    "float tfs": lambda index: np.save(index / "tfs.npy", np.load(index / "tfs.npy").astype(float)),
    "indptr cut short": lambda index: np.save(index / "indptr.npy", np.load(index / "indptr.npy")[:-5]),
    "max_tf below the postings' (would prune true answers)": lambda index: np.save(
        index / "max_tf.npy", np.load(index / "max_tf.npy") // 2
    ),
    "max_tf missing": lambda index: (index / "max_tf.npy").unlink(),
    "an index of format version 2 (no max_tf)": _manifest(lambda m: {**m, "version": 2}),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_a_corrupted_index_is_rebuilt(saved, tmp_path, corruption, caplog):
    data = tmp_path / "data"
    shutil.copytree(saved, data)
    CORRUPTIONS[corruption](data / "index")
    library = Library(SEEDS, data).open()
    assert library.rebuilt and "rebuilding the index" in caplog.text
    assert library.search("alliance").hits
    again = Library(SEEDS, data).open()  # the rebuilt index was saved and is whole
    assert not again.rebuilt and [h.passage_id for h in again.search("alliance").hits] == [
        h.passage_id for h in library.search("alliance").hits
    ]


def test_an_intact_index_is_reused(saved, tmp_path):
    shutil.copytree(saved, tmp_path / "data")
    assert not Library(SEEDS, tmp_path / "data").open().rebuilt


def test_folders_left_by_an_interrupted_save_are_removed_at_open(saved, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(saved, data)
    for name in (".index.tmp-abc123", ".index.old-0f0f"):
        (data / name).mkdir()
        (data / name / "doc_ids.npy").write_bytes(b"x")
    Library(SEEDS, data).open()
    assert sorted(p.name for p in data.iterdir() if p.name.startswith(".index.") and p.is_dir()) == []


def test_a_running_save_keeps_its_folder(saved, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(saved, data)
    (data / ".index.tmp-running").mkdir()
    with saving(data / "index"):  # another writer is in the middle of a save
        Library(SEEDS, data).open()
        assert (data / ".index.tmp-running").is_dir()
    Library(SEEDS, data).open()
    assert not (data / ".index.tmp-running").exists()


def test_a_stamped_load_skips_the_full_check_until_a_file_changes(saved, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(saved, data)
    index = data / "index"
    assert (index / "validated.json").exists()  # written by the save
    full_checks = []
    real_check = index_files.check_segment
    monkeypatch.setattr(
        "search.index.check_segment",
        lambda m, v, keys, **a: full_checks.append(keys is not None) or real_check(m, v, keys, **a),
    )
    assert not Library(SEEDS, data).open().rebuilt and full_checks == [False]
    np.save(index / "tfs.npy", np.load(index / "tfs.npy"))  # rewritten, same content: checked in full, stamped again
    assert not Library(SEEDS, data).open().rebuilt and full_checks == [False, True]
    assert not Library(SEEDS, data).open().rebuilt and full_checks == [False, True, False]


def test_a_stamped_index_with_an_out_of_range_posting_is_rebuilt(saved, tmp_path, caplog):
    """Damage that keeps size and mtime (a bit flip) is caught by the sampled check of a stamped load."""
    data = tmp_path / "data"
    shutil.copytree(saved, data)
    path = data / "index" / "doc_ids.npy"
    stat = path.stat()
    ids = np.load(path, mmap_mode="r+")
    ids[0] = 10**6
    ids.flush()
    del ids
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    library = Library(SEEDS, data).open()
    assert library.rebuilt and "postings out of range" in caplog.text


def test_keys_of_a_stamped_index_are_read_on_first_use_and_grow(tmp_path):
    index = BM25Index.build([("a", ["x"]), ("b", ["y"])])
    index.save(tmp_path / "ix")
    loaded = BM25Index.load(tmp_path / "ix")
    grown = loaded.extended([("c", ["x", "z"])])
    assert len(grown.keys) == 3 and grown.keys._items is None  # nothing read yet
    assert list(grown.keys) == ["a", "b", "c"] and grown.keys[2] == "c"
    grown.save(tmp_path / "ix")
    assert list(BM25Index.load(tmp_path / "ix").keys) == ["a", "b", "c"]


def test_a_damaged_posting_missed_by_the_sample_is_a_clear_error_then_a_rebuild(saved, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(saved, data)
    monkeypatch.setattr(index_files, "SAMPLED_POSTINGS", 1)  # the sample sees the first posting only
    path = data / "index" / "doc_ids.npy"
    stat = path.stat()
    vocab = json.loads((data / "index" / "vocab.json").read_text())
    start = int(np.load(data / "index" / "indptr.npy")[vocab.index("allianc")])
    ids = np.load(path, mmap_mode="r+")
    ids[start] = 10**6
    ids.flush()
    del ids
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    library = Library(SEEDS, data).open()
    assert not library.rebuilt and library.search("missile").hits  # other terms still answer
    with pytest.raises(IndexFormatError, match="damaged"):
        library.search("alliance")
    again = Library(SEEDS, data).open()
    assert again.rebuilt and again.search("alliance").hits


def test_a_save_writes_the_keys_of_the_index_loaded_though_another_process_saved_since(tmp_path):
    """Another process's save replaces the folder between a load and this save: the keys this index reads
    then are its own, from the file it opened, not the other save's (their counts differ)."""
    BM25Index.build([("a", ["x"]), ("b", ["y"])]).save(tmp_path / "ix")
    mine = BM25Index.load(tmp_path / "ix")  # stamped: its keys are read at the save
    BM25Index.load(tmp_path / "ix").extended([("c", ["z"])]).save(tmp_path / "ix")  # the other process
    mine.extended([("d", ["w"])]).save(tmp_path / "ix")
    assert list(BM25Index.load(tmp_path / "ix").keys) == ["a", "b", "d"]
    assert not list(tmp_path.glob(".ix.*-*"))  # no temporary or replaced folder left


def test_keys_that_disagree_with_the_manifest_are_found_at_the_save_and_the_index_rebuilt(saved, tmp_path, caplog):
    """A stamped index whose keys.json holds one key more than its manifest states, damage that keeps the
    file's size and mtime (so the load, which reads keys only when needed, does not see it): the save that
    reads them rebuilds the index, with one log line and no exception."""
    data = tmp_path / "data"
    shutil.copytree(saved, data)
    path = data / "index" / "keys.json"
    stat, text = path.stat(), path.read_text(encoding="utf-8")
    damaged = text.replace('", "', '","', 4)[:-1] + ',"x"]'  # four spaces fewer, four characters more
    assert len(damaged) == len(text) and len(json.loads(damaged)) == len(json.loads(text)) + 1
    path.write_text(damaged, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    library = Library(SEEDS, data).open()
    assert not library.rebuilt  # not seen yet
    add_raw(library, read_documents(about("quokka"), suffix=".txt")[0], "https://example.org/quokka")
    assert library.save_index()  # old code: ValueError: keys.json holds 54 keys, the manifest states 53
    assert [r.getMessage().split(":")[0] for r in caplog.records if r.levelname == "WARNING"] == [
        "rebuilding the index"
    ]
    again = Library(SEEDS, data).open()
    assert not again.rebuilt and len(list(again.index.keys)) == again.index.n_docs
    assert again.search("quokka").hits and again.search("alliance").hits
