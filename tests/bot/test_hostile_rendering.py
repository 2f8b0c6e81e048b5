"""Source text is shown literally: no masked links or other markdown from it in Discord, no escapes in terminals."""

import datetime as dt
import json
import re

import pytest

from bot import embeds
from bot.cli import main
from search.brief import Brief
from search.digest import build_digest
from search.library import Library
from search.markup import escape_markdown, inline_code, plain_url, terminal_safe

EVIL = "[click](https://evil.example)"
MASKED_LINK = re.compile(r"(?<!\\)\[(?:[^\]\\]|\\.)*(?<!\\)\]\(")
BODY = (
    f"Defense ministers agreed to expand the kestrel exercise, see {EVIL} for the <@123> details and "
    "officials in Seoul said the drills would continue next spring with new partners. "
) * 4


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sources")
    (folder / "evil.txt").write_text(BODY)
    (folder / "sources.toml").write_text(
        f'[evil]\ntitle = "Kestrel {EVIL} \\u001b[2J\\u001b[31mred"\nurl = "https://a.example/x](https://evil.example)"\n'
        'outlet = "[Wire](https://evil.example)"\npublished = 2025-06-01\n'
    )
    return Library(folder, tmp_path_factory.mktemp("data")).open()


def rendered(*embed_list) -> str:
    """Every string Discord renders as markdown in these embeds."""
    parts = []
    for embed in embed_list:
        data = embed.to_dict()
        parts += [data.get("title", ""), data.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in data.get("fields", [])]
    return "\n".join(parts)


def assert_no_link_to_evil(markdown: str) -> None:
    for match in MASKED_LINK.finditer(markdown):
        assert not markdown[match.end() :].startswith("https://evil.example"), markdown
    assert "<@123>" not in markdown


def test_masked_links_in_titles_and_passages_are_neutralised_in_embeds(library):
    result = library.search("kestrel exercise")
    assert result.hits
    info = library.source_info("evil")
    passage = library.passages_of("evil")[0]
    summary = library.summary("evil")
    brief = library.brief("kestrel exercise")
    digest = build_digest(
        library,
        since=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        until=dt.datetime.now(dt.UTC),
        topics=["kestrel"],
        first_seen=library.store.sources.first_seen(),
    )
    every = [
        embeds.search_page(result, 1, 5),
        embeds.passage_embed(passage, info),
        embeds.source_embed(info, summary),
        embeds.sources_page(library.sources(), 1),
        embeds.brief_embed(brief),
        *[e for message in embeds.digest_messages(digest, "Digest") for e in message],
    ]
    markdown = rendered(*every)
    assert "\\[click\\]" in markdown  # shown, literally
    assert_no_link_to_evil(markdown)
    assert all(e.url is None or "evil" not in e.url for e in every)


def test_escape_markdown_leaves_nothing_that_formats():
    escaped = escape_markdown(f"{EVIL} **bold** `code` <@1> ||spoiler||\n# heading\n-# small\n> quote")
    assert_no_link_to_evil(escaped)
    for markup in ("**", "`", "||", "\n#", "\n-#", "\n>"):
        assert markup not in escaped.replace("\\" + markup[-1], "")


def test_only_plain_web_urls_become_links():
    assert plain_url("https://example.org/a?b=c") == "https://example.org/a?b=c"
    for url in ("javascript:alert(1)", "https://a.example/x](https://evil.example)", "https://a b", None):
        assert plain_url(url) is None


def test_cli_output_has_no_escape_sequences(library, monkeypatch, capsys):
    monkeypatch.setenv("SEEDS_DIR", str(library.seeds_dir))
    monkeypatch.setenv("DATA_DIR", str(library.data_dir))
    for argv in (["sources"], ["search", "kestrel"], ["source", "evil"], ["sources", "--json"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert "Kestrel" in out and "\x1b" not in out, argv
        assert "[2J" not in out or argv[-1] == "--json", argv  # JSON keeps the data, escaped


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x1b[2J\x1b[Hb", "ab"),  # clear screen, cursor home
        ("a\x1b]0;pwned\x07b", "ab"),  # window title
        ("a\x1b]8;;https://evil.example\x1b\\b", "ab"),  # terminal hyperlink
        ("a\x9b31mb", "ab"),  # 8-bit CSI
        ("a\x00\x08\x7fb\tc\nd", "ab\tc\nd"),
        ("a\u202eb", "ab"),  # right-to-left override
    ],
)
def test_terminal_safe(raw, clean):
    assert terminal_safe(raw) == clean


def test_library_health_lists_skipped_files_with_names_escaped(library):
    skipped = [("deep.json", "nested deeper than 200 levels"), (f"{EVIL}.txt", "binary file, not text")]
    embed = embeds.health_embed(library.sources(), [], skipped)
    markdown = rendered(embed)
    assert "deep.json: nested deeper than 200 levels" in markdown and "Skipped files" in markdown
    assert_no_link_to_evil(markdown)


def test_ids_and_suggestions_holding_backticks_or_links_stay_inert(tmp_path):
    """A WordPress list's post ids become source ids, and suggestions quote source text: inline code around
    either must not end early and let a link through."""
    folder = tmp_path / "sources"
    folder.mkdir()
    posts = [
        {"id": f"x` {EVIL} `{n}", "title": {"rendered": f"Post {n}"}, "content": {"rendered": f"<p>{BODY}</p>"}}
        for n in range(2)
    ]
    (folder / "wp.json").write_text(json.dumps(posts))
    library = Library(folder, tmp_path / "data").open()
    suggested = Brief(topic="t", sentences=[], citations=[], suggestions=[f"alliance` {EVIL} `x", "plain topic"])
    every = [
        embeds.search_page(library.search("kestrel exercise"), 1, 5),
        embeds.sources_page(library.sources(), 1),
        embeds.brief_embed(library.brief("kestrel exercise")),
        embeds.health_embed(library.sources(), []),
        embeds.brief_embed(suggested),
    ]
    markdown = rendered(*every)
    assert markdown.count("\\[click\\]") >= 5 and "`plain topic`" in markdown
    assert_no_link_to_evil(markdown)


def test_inline_code_is_plain_code_unless_it_could_end_early():
    assert inline_code("000_ddc1e42fb7e28754:p5") == "`000_ddc1e42fb7e28754:p5`"
    for text in ("a`b", "a\nb", ""):
        assert "`" not in inline_code(text).replace("\\`", "")
