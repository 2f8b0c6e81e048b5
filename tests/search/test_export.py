"""``briefbot export``: the whole library as JSON Lines, one source per line with its passages."""

import io
import json
import os
import threading

import pytest

from bot.cli import main
from search.export import write_export
from tests.conftest import SEEDS


def test_every_source_is_one_line_with_all_its_passages(library):
    out = io.StringIO()
    sources, passages = write_export(library, out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert sources == len(records) == len(library.corpus.sources) == 5
    assert passages == sum(len(r["passages"]) for r in records) == len(library.corpus.passages)
    for record in records:
        source = record["source"]
        expected = library.passages_of(source["source_id"])
        assert [p["passage_id"] for p in record["passages"]] == [p.passage_id for p in expected]
        for passage in record["passages"]:
            assert {"passage_id", "heading", "text", "start", "end"} <= set(passage)
            assert source["text"][passage["start"] : passage["end"]] == passage["text"]
    titles = {r["source"]["title"] for r in records}
    assert "The shortsighted US-Japan-South Korea military pact" in titles


def test_the_command_writes_stdout_or_a_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEEDS_DIR", str(SEEDS))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    assert main(["export"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and all(json.loads(line)["passages"] for line in lines)
    assert main(["export", "--out", str(tmp_path / "library.jsonl"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "file": str(tmp_path / "library.jsonl"),
        "sources": 5,
        "passages": 53,
    }
    assert (tmp_path / "library.jsonl").read_text(encoding="utf-8").splitlines() == lines
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".library")] == []
    assert (tmp_path / "library.jsonl").stat().st_mode & 0o777 == 0o666 & ~current_umask()


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_bad_out_is_one_line_and_a_pipe_is_written_not_replaced(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEEDS_DIR", str(SEEDS))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    for out, message in (
        (tmp_path, f"briefbot: {tmp_path}: is a folder; give a file name"),
        (tmp_path / "nope" / "x.jsonl", f"briefbot: {tmp_path / 'nope'}: no such folder"),
    ):
        assert main(["export", "--out", str(out)]) == 1
        assert capsys.readouterr().err.strip() == message
    with pytest.raises(SystemExit) as empty:  # an empty name is a bad argument, not the current folder
        main(["export", "--out", ""])
    assert empty.value.code == 2 and "must not be empty" in capsys.readouterr().err
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")))
    received: list[str] = []
    reader.start()
    assert main(["export", "--out", str(pipe)]) == 0
    reader.join()
    assert pipe.is_fifo() and len(received[0].splitlines()) == 5
