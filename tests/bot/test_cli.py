"""The briefbot CLI, run in-process (exit codes, text and the JSON contract) and once as a real command."""

import asyncio
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from bot.cli import main as cli_main
from search.rerank import Reranker, RerankUnavailable
from search.rerank import available as rerank_available
from tests.conftest import CRANFIELD, SEEDS, full_id

SEARCH_HIT_KEYS = {"rank", "passage_id", "source_id", "title", "url", "published", "score", "text", "snippet"}
SOURCE_KEYS = {"source_id", "title", "url", "author", "outlet", "published", "passages", "words"}


def test_index_prints_counts(cli, tmp_path):
    code, out, _ = cli("index")
    assert code == 0 and "Indexed 5 sources" in out and (tmp_path / "data" / "index" / "manifest.json").exists()
    code, out, _ = cli("index", "--json")
    assert json.loads(out)["passages"] > 40


def test_search_text(cli):
    code, out, _ = cli("search", "THAAD", "--limit", "2")
    assert code == 0 and out.startswith("2 result(s) for: THAAD") and "**THAAD**" in out


def test_search_json_contract(cli):
    code, out, _ = cli("search", "trilateral cooperation", "--json", "--limit", "3")
    data = json.loads(out)
    assert code == 0 and data["query"] == "trilateral cooperation" and len(data["hits"]) == 3
    for rank, hit in enumerate(data["hits"], 1):
        assert set(hit) >= SEARCH_HIT_KEYS and hit["rank"] == rank
        assert isinstance(hit["score"], float) and hit["published"] in (None, "2024-03-26", "2014-10-09")


def test_search_rerank_finds_an_answer_in_other_words(cli, tmp_path):
    """As a real command (torch stays out of the test process: a loaded model would slow the loop tests)."""
    if not rerank_available():
        pytest.skip('needs the "semantic" extra: pip install -e ".[semantic]"')
    query = "security dilemma North Korea"  # answered by "insecurity about regime survival" (004 p5)
    lexical = {hit["passage_id"] for hit in json.loads(cli("search", query, "--json")[1])["hits"]}
    command = [sys.executable, "-m", "bot.cli", "search", query, "--json", "--rerank"]
    done = subprocess.run(
        [*command, "--seeds", str(SEEDS), "--data", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert full_id("004:p5") in {hit["passage_id"] for hit in json.loads(done.stdout)["hits"]} - lexical


def test_search_filters(cli):
    code, out, _ = cli("search", "alliance", "--since", "2020-01-01", "--json", "--limit", "50")
    assert code == 0 and {h["published"] for h in json.loads(out)["hits"]} == {"2024-03-26"}
    code, out, _ = cli("search", "alliance", "--source", "002_ec1278886a36e2bd", "--json")
    assert {h["source_id"] for h in json.loads(out)["hits"]} == {"002_ec1278886a36e2bd"}


@pytest.mark.parametrize("query", ["", "   ", "the of and", "🙂", "한국", "x" * 10_000, "\x00", "<b>' OR 1=1 --</b>"])
def test_bad_queries_exit_0_with_one_line_or_empty_hits(cli, query):
    code, out, _ = cli("search", query, "--json")
    data = json.loads(out)
    assert code == 0 and isinstance(data["hits"], list)
    code, text_out, _ = cli("search", query)
    assert code == 0
    if not data["hits"]:
        assert data["message"] and text_out.strip() == data["message"]


@pytest.mark.parametrize(
    "argv",
    [
        ["search"],
        ["search", "x", "--limit", "0"],
        ["search", "x", "--limit", "abc"],
        ["search", "x", "--since", "yesterday"],
        ["frobnicate"],
        [],
        ["eval", "--docs", "a"],
    ],
)
def test_bad_arguments_exit_2_with_usage(cli, argv):
    code, _, err = cli(*argv)
    assert code == 2 and "usage:" in err


def test_unknown_source_exits_1_with_a_clear_line(cli):
    code, out, err = cli("source", "nope")
    assert (
        code == 1 and out == "" and err.strip() == "briefbot: No source with id 'nope'; the sources command lists them."
    )
    code, out, _ = cli("source", "nope", "--json")
    assert code == 1 and json.loads(out) == {"error": "No source with id 'nope'; the sources command lists them."}
    code, _, err = cli("search", "x", "--source", "nope")
    assert code == 1 and "No source with id" in err


def test_sources_json_contract(cli):
    code, out, _ = cli("sources", "--json")
    sources = json.loads(out)["sources"]
    assert code == 0 and len(sources) == 5 and all(set(s) >= SOURCE_KEYS for s in sources)
    code, out, _ = cli("sources")
    assert "5 source(s)" in out and "koreapro.org" in out


def test_source_shows_metadata_and_passages(cli):
    code, out, _ = cli("source", "002_ec1278886a36e2bd")
    assert code == 0 and "Kim Oi-hyun" in out and "2014-10-09" in out and "[002_ec1278886a36e2bd:p1]" in out
    code, out, _ = cli("source", "002_ec1278886a36e2bd", "--json")
    data = json.loads(out)
    assert data["source"]["author"] == "Kim Oi-hyun" and len(data["passages"]) == data["source"]["passages"]


def test_missing_seeds_directory_exits_1(cli, tmp_path):
    code, _, err = cli("sources", "--seeds", str(tmp_path / "nowhere"))
    assert code == 1 and "not found" in err


def test_seeds_option_overrides_the_environment(cli, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    shutil.copy(SEEDS / "004_698c3ea95e86228a.txt", mine)
    code, out, _ = cli("sources", "--json", "--seeds", str(mine), "--data", str(tmp_path / "d2"))
    assert [s["source_id"] for s in json.loads(out)["sources"]] == ["004_698c3ea95e86228a"]


def test_invalid_settings_exit_2(cli, monkeypatch):
    monkeypatch.setenv("DISCORD_GUILD_ID", "not-a-number")
    code, _, err = cli("sources")
    assert code == 2 and "DISCORD_GUILD_ID" in err


def test_eval_json_contract(cli, tmp_path):
    (tmp_path / "docs").write_text(".I 1\n.W\nwing lift\n.I 2\n.W\nengine drag\n.I 3\n.W\nwing drag\n")
    (tmp_path / "qry").write_text(".I 7\n.W\nwing\n.I 9\n.W\ndrag\n")
    (tmp_path / "qrels").write_text("1 1 1\n1 3 2\n2 2 1\n2 3 -1\n")
    code, out, _ = cli("eval", "--docs", "docs", "--queries", "qry", "--qrels", "qrels", "--json")
    data = json.loads(out)
    assert code == 0 and set(data) == {"map", "ndcg@10", "p@5", "recall@100", "queries"}
    assert data["queries"] == 2 and data["map"] == 1.0
    code, _, err = cli("eval", "--docs", "missing", "--queries", "qry", "--qrels", "qrels")
    assert code == 1 and "file not found" in err


@pytest.mark.skipif(not (CRANFIELD / "cran.qry").exists(), reason=f"Cranfield data not at {CRANFIELD}")
def test_eval_on_cranfield_prints_the_four_measures(cli):
    code, out, _ = cli(
        "eval",
        "--docs",
        str(CRANFIELD / "cran.all.1400"),
        "--queries",
        str(CRANFIELD / "cran.qry"),
        "--qrels",
        str(CRANFIELD / "cranqrel"),
    )
    assert code == 0 and all(label in out for label in ("MAP", "nDCG@10", "P@5", "Recall@100"))


def test_the_installed_command_runs(tmp_path):
    briefbot = shutil.which("briefbot") or str(__import__("pathlib").Path(sys.executable).parent / "briefbot")
    done = subprocess.run(
        [briefbot, "search", "Camp David", "--json", "--seeds", str(SEEDS), "--data", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["hits"][0]["source_id"].startswith("004")


def test_brief_json_contract(cli):
    code, out, _ = cli("brief", "trilateral", "--json")
    data = json.loads(out)
    assert code == 0 and data["topic"] == "trilateral" and 4 <= len(data["sentences"]) <= 6
    assert set(data) >= {"topic", "sentences", "citations", "suggestions"}
    assert all(set(s) == {"text", "citations"} for s in data["sentences"])
    for citation in data["citations"]:
        assert set(citation) >= {"n", "passage_id", "source_id", "title", "url", "published", "text"}
    for sentence in data["sentences"]:
        for n in sentence["citations"]:
            assert sentence["text"] in data["citations"][n - 1]["text"].replace("\n\n", " ")


def test_brief_text_and_suggestions(cli):
    code, out, _ = cli("brief", "Taiwan", "--sentences", "3")
    assert code == 0 and out.startswith("Brief: Taiwan") and "[1]" in out and "Sources" in out
    code, out, _ = cli("brief", "thad")
    assert code == 0 and "Did you mean: THAAD?" in out and len(out.splitlines()) == 2  # message, then "Try: …"
    code, _, err = cli("brief", "x", "--sentences", "11")
    assert code == 2 and "usage:" in err


def test_source_json_includes_a_summary(cli):
    code, out, _ = cli("source", "001_0b12affa1a3745eb", "--json")
    summary = json.loads(out)["summary"]
    assert code == 0 and len(summary["sentences"]) == 3


def test_sources_status_reports_cleaning_and_feeds(cli):
    code, out, _ = cli("sources", "--status", "--json")
    data = json.loads(out)
    assert code == 0 and data["feeds"] == [] and len(data["sources"]) == 5
    assert {s["dropped"]["tail_lines"] for s in data["sources"] if s["source_id"].startswith("004")} == {23}
    code, out, _ = cli("sources", "--status")
    assert "boilerplate" in out and "No feeds followed." in out


def test_digest_json_lists_new_sources_and_topics(cli):
    code, out, _ = cli("digest", "--since", "2000-01-01", "--topics", "THAAD, Taiwan", "--json")
    data = json.loads(out)
    assert code == 0 and len(data["items"]) == 5 and [t["topic"] for t in data["topics"]] == ["THAAD", "Taiwan"]
    assert all(1 <= len(item["summary"]) <= 2 for item in data["items"])
    code, out, _ = cli("digest", "--since", "2999-01-01")
    assert code == 0 and out.startswith("Nothing new in the library since 2999-01-01")
    code, _, err = cli("digest", "--since", "yesterday")
    assert code == 2 and "not a date" in err


async def test_ingest_and_feeds_from_the_command_line(cli, site, monkeypatch):
    from aiohttp import web

    from tests.conftest import start_site

    page = (
        "<html><head><title>T</title></head><body><article><h1>Quokka accord</h1><p>"
        + ("The allies signed the quokka accord on maritime data today in Tokyo, officials said. " * 4)
        + "</p></article></body></html>"
    )
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><title>Wombat talks</title>'
        "<link>{}</link><guid>w1</guid><description><![CDATA[<p>"
        + "Wombat talks on alliance logistics. " * 20
        + "</p>]]></description></item></channel></rss>"
    )

    async def serve_page(request):
        return web.Response(text=page, content_type="text/html")

    async def serve_rss(request):
        return web.Response(text=rss.format(site.url("/wombat")), content_type="application/rss+xml")

    site.route("/page", serve_page)
    site.route("/rss", serve_rss)
    await start_site(site)
    run = lambda *argv: asyncio.to_thread(cli, *argv)  # noqa: E731 (main() runs its own event loop)

    code, _, err = await run("ingest", site.url("/page"))
    assert code == 1 and err.strip() == "briefbot: refused: 127.0.0.1 is a loopback address"
    monkeypatch.setenv("FETCH_ALLOW_NETWORKS", "127.0.0.1/32")
    code, out, _ = await run("ingest", site.url("/page"))
    assert code == 0 and out.startswith("Added web-") and "Quokka accord" in out
    code, out, _ = await run("search", "quokka", "--json")
    assert json.loads(out)["hits"][0]["title"] == "Quokka accord"
    code, _, err = await run("ingest", site.url("/page"))
    assert code == 1 and "already in the library" in err

    code, out, _ = await run("feed", "add", site.url("/rss"))
    assert code == 0 and out.strip() == "Following feed #1: 1 new item(s) added"
    code, out, _ = await run("feed", "poll", "--json")
    assert json.loads(out)["polled"][0]["new"] == 0
    code, out, _ = await run("feed", "list")
    assert "#1 " in out and "1 items" in out
    code, out, _ = await run("feed", "remove", "1")
    assert code == 0 and (await run("feed", "remove", "1"))[0] == 1


def test_search_language_filter_and_languages_in_the_library(cli, tmp_path, monkeypatch):
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources)
    shutil.copy(SEEDS.parent / "tests" / "fixtures" / "cjk" / "ko_thaad.txt", sources)
    monkeypatch.setenv("SEEDS_DIR", str(sources))
    code, out, _ = cli("search", "THAAD 사드를", "--language", "ko", "--json")
    assert code == 0 and {hit["source_id"] for hit in json.loads(out)["hits"]} == {"ko_thaad"}
    code, out, _ = cli("search", "THAAD 사드를", "--language", "en", "--json")
    assert code == 0 and "ko_thaad" not in {hit["source_id"] for hit in json.loads(out)["hits"]}
    code, _, err = cli("search", "THAAD", "--language", "xx")
    assert code == 2 and "invalid choice" in err
    code, out, _ = cli("sources")
    assert "Korean" in out and "English" in out
    code, out, _ = cli("source", "ko_thaad")
    assert "language: Korean" in out
    code, out, _ = cli("sources", "--json")
    assert {s["source_id"]: s["language"] for s in json.loads(out)["sources"]}["ko_thaad"] == "ko"


def test_a_search_loads_no_fetching_feed_or_pdf_module(tmp_path):
    """A cold search imports only what it uses: aiohttp, feedparser and pypdf load when a command needs them."""
    assert cli_main(["index", "--seeds", str(SEEDS), "--data", str(tmp_path)]) == 0
    script = (
        "import sys; from bot.cli import main; "
        f"code = main(['search', 'THAAD', '--json', '--seeds', {str(SEEDS)!r}, '--data', {str(tmp_path)!r}]); "
        "print(sorted(m for m in ('aiohttp', 'feedparser', 'pypdf', 'json_repair', 'torch', 'sentence_transformers')"
        " if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_eval_rerank_reorders_by_meaning_and_fails_in_one_line_without_the_model(cli, tmp_path, monkeypatch):
    """``eval --rerank`` scores the reranked ranking; a stand-in encoder makes the plainer document the closer one."""
    (tmp_path / "docs").write_text(".I 1\n.W\nwing wing wing\n.I 2\n.W\nwing flutter at speed\n")
    (tmp_path / "qry").write_text(".I 1\n.W\nwing\n")
    (tmp_path / "qrels").write_text("1 2 1\n")
    meaning = {"wing": [1.0, 0.0], "wing wing wing": [0.0, 1.0], "wing flutter at speed": [1.0, 0.0]}

    class Meaning:
        def encode(self, texts):
            return np.array([meaning[t] for t in texts], np.float32)

    args = ("eval", "--docs", "docs", "--queries", "qry", "--qrels", "qrels", "--json")
    code, out, _ = cli(*args)
    assert code == 0 and json.loads(out)["map"] == 0.5
    monkeypatch.setattr("bot.cli.Reranker", lambda: Reranker(encoder=Meaning))
    code, out, _ = cli(*args, "--rerank")
    assert code == 0 and json.loads(out)["map"] == 1.0

    def missing():
        raise RerankUnavailable("not installed")

    monkeypatch.setattr("bot.cli.Reranker", lambda: Reranker(encoder=missing))
    code, _, err = cli(*args, "--rerank")
    last = err.strip().splitlines()[-1]
    assert code == 1 and last.startswith("briefbot:") and '"semantic" extra' in last and "Traceback" not in err


class Letters:
    """A stand-in encoder: normalised letter counts."""

    def encode(self, texts):
        rows = np.array([[text.lower().count(c) for c in "abcdefghijklmnopqrstuvwxyz"] for text in texts], np.float32)
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


@pytest.mark.parametrize(
    ("rerank", "command", "reranked"), [("on", "search", True), ("auto", "search", False), ("on", "brief", False)]
)
def test_rerank_on_makes_every_cli_search_rerank(cli, monkeypatch, rerank, command, reranked):
    used = []

    def reranker():
        used.append(Reranker(encoder=Letters))
        return used[-1]

    monkeypatch.setenv("RERANK", rerank)
    monkeypatch.setattr("bot.cli.Reranker", reranker)
    code, out, _ = cli(command, "THAAD deployment", "--json")
    assert code == 0 and bool(used) == reranked
    if command == "search":  # reranked scores are blends of a normalised score and a cosine: 0-1; BM25's are not
        scores = [hit["score"] for hit in json.loads(out)["hits"]]
        assert scores and all(0 <= score <= 1 for score in scores) == reranked


@pytest.mark.parametrize("where", ["before", "after"])
def test_run_takes_the_sources_and_data_directories_given(tmp_path, monkeypatch, where):
    """``briefbot run --seeds S --data D`` opens the library there, not the settings' folders."""
    import bot.__main__ as entry

    opened = []

    async def serve(client, token):
        opened.append(client.services.library.data_dir)
        return 0

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "not-used")
    monkeypatch.setattr(entry, "run", serve)
    paths = ["--seeds", str(SEEDS), "--data", str(tmp_path / "given")]
    assert cli_main([*paths, "run"] if where == "before" else ["run", *paths]) == 0
    assert opened == [tmp_path / "given"] and (tmp_path / "given").is_dir() and not (tmp_path / ".briefbot").exists()


def test_index_counts_the_passages_left_after_a_file_is_removed(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    paths = ["--seeds", str(seeds), "--data", str(tmp_path / "data"), "--json"]
    assert cli_main(["index", *paths]) == 0
    first = json.loads(capsys.readouterr().out)
    removed = sorted(seeds.iterdir())[0]
    removed.unlink()
    assert cli_main(["index", *paths]) == 0
    after = json.loads(capsys.readouterr().out)
    assert cli_main(["sources", *paths]) == 0
    listed = json.loads(capsys.readouterr().out)["sources"]
    assert after["passages"] == sum(s["passages"] for s in listed) < first["passages"]
