"""Processes sharing one data directory (README) add sources and save the index at the same time: no save
fails, and a fresh open sees every source. Real OS processes, in lockstep, so the old failure (a save reading
keys.json of a save another process made after this one's load) comes every round, not by chance."""

import multiprocessing
import traceback
from pathlib import Path

from search.ingest import read_documents
from search.library import Library
from search.web import add_raw
from tests.conftest import SEEDS
from tests.search.test_scopes import about

WORKERS, ROUNDS = 2, 4
WORDS = ["quokka", "numbat", "bilby", "dugong", "wombat", "echidna", "bandicoot", "potoroo"]


def _word(worker: int, round_: int) -> str:
    return WORDS[round_ * WORKERS + worker]


def _found(library: Library, word: str) -> bool:
    return any(hit.title and word in hit.title.lower() for hit in library.search(word).hits)


def _add_and_save(data: Path, worker: int, barrier) -> None:
    """Each round: open (loading the index the last round saved), wait for the other process, add a
    source, save. Any failure is written to ``worker-N.error`` beside the data directory."""
    try:
        for round_ in range(ROUNDS):
            library = Library(SEEDS, data).open()
            missing = [w for w in WORDS[: round_ * WORKERS] if not _found(library, w)]
            assert not missing, f"round {round_}: an open does not see {missing}"
            barrier.wait()  # both processes have loaded the same saved index
            word = _word(worker, round_)
            add_raw(library, read_documents(about(word), suffix=".txt")[0], f"https://example.org/{word}")
            assert library.save_index(), "the index was not saved"
            barrier.wait()  # both saved
    except BaseException:
        (data.parent / f"worker-{worker}.error").write_text(traceback.format_exc())
        barrier.abort()


def test_processes_adding_and_saving_at_once_never_fail_and_all_sources_are_found(tmp_path):
    data = tmp_path / "data"
    Library(SEEDS, data).open()  # the index the workers load first
    context = multiprocessing.get_context("spawn")  # no fork of the test process's threads
    barrier = context.Barrier(WORKERS, timeout=120)  # a safety net against a hang, not a timing
    workers = [context.Process(target=_add_and_save, args=(data, n, barrier)) for n in range(WORKERS)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(180)
    errors = [path.read_text() for path in sorted(tmp_path.glob("worker-*.error"))]
    assert not errors, "\n".join(errors)
    assert [process.exitcode for process in workers] == [0] * WORKERS
    fresh = Library(SEEDS, data).open()
    assert [w for w in WORDS if not _found(fresh, w)] == []
    assert len(list(fresh.index.keys)) == fresh.index.n_docs
