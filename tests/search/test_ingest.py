"""Loaders, cleaning and passages, on the real seeds and on small made-up documents."""

import datetime as dt
import json
import logging

import pytest

from search.clean import clean_lines, is_heading
from search.corpus import load_directory
from search.ingest import IngestError, read_documents
from search.models import Source
from tests.conftest import SEEDS

JUNK = [
    "Share your thoughts in the comments below",
    "What are your predictions",
    "Leave a Reply",
    "You must be logged in",
    "Posted on",
    "Modified on",
    "By Kim Oi-hyun",
    "Secretary of State John Kerry",
    "Please direct questions",
    "english@hani.co.kr",
    "button that move",
    "클릭시",
    "Related stories",
    "Most viewed",
    "Follow us on social",
    "Analysis | Asia-Pacific",
    "dpa via Reuters Connect",
    "keep reading",
    "Show less",
    "QiOSK",
    "Israel-Gaza Crisis",
    "<\\/span>",
    "</p>",
    "\\u2019",
]
UNRELATED_TAIL = ["Blinken", "Kyiv", "Rockin", "Gaza", "pier", "Mexico", "opioid", "cartel", "Guzman", "Neil Young"]


def source(corpus, prefix):
    (match,) = [s for sid, s in corpus.sources.items() if sid.startswith(prefix)]
    return match


def test_every_seed_loads(seed_corpus):
    assert len(seed_corpus.sources) == 5 and seed_corpus.skipped == []


@pytest.mark.parametrize(
    ("prefix", "title", "url", "outlet", "author", "published"),
    [
        (
            "000",
            "How plans to upgrade US-Japan defense pact complicate Seoul’s strategic calculus",
            "https://koreapro.org/2024/03/how-plans-to-upgrade-us-japan-defense-pact-complicate-seouls-strategic-calculus/",
            "koreapro.org",
            None,
            dt.date(2024, 3, 26),
        ),
        (
            "001",
            "The New Asian Entente: How Trump is Forcing South Korea and Japan to Rewrite the Security Playbook",
            None,
            None,
            None,
            None,
        ),
        (
            "002",
            "[Anaysis] US and Japan mutual defense guidelines could raise regional tensions",
            None,
            None,
            "Kim Oi-hyun",
            dt.date(2014, 10, 9),
        ),
        ("003", None, None, None, None, None),
        ("004", "The shortsighted US-Japan-South Korea military pact", None, None, None, None),
    ],
)
def test_metadata_is_what_each_document_states(seed_corpus, prefix, title, url, outlet, author, published):
    s = source(seed_corpus, prefix)
    assert (s.title, s.url, s.outlet, s.author, s.published) == (title, url, outlet, author, published)


def test_formats_are_recognized(seed_corpus):
    assert source(seed_corpus, "000").format == "wordpress-json"
    assert {source(seed_corpus, p).format for p in ("001", "002", "003", "004")} == {"text"}


def test_an_untitled_source_says_so_instead_of_inventing_a_title(seed_corpus):
    assert source(seed_corpus, "003").display_title.startswith("Untitled: At a time of growing")


@pytest.mark.parametrize("junk", JUNK)
def test_junk_is_in_no_passage(seed_corpus, junk):
    offending = [p.passage_id for p in seed_corpus.passages if junk.casefold() in p.text.casefold()]
    assert offending == []


@pytest.mark.parametrize("word", UNRELATED_TAIL)
def test_the_unrelated_tail_of_004_is_gone(seed_corpus, word):
    assert word not in source(seed_corpus, "004").text


def test_the_article_text_of_004_is_kept_to_its_last_paragraph(seed_corpus):
    text = source(seed_corpus, "004").text
    assert text.rstrip().endswith("beyond the current political alignment between the two countries.")
    assert source(seed_corpus, "004").dropped.tail_lines >= 20


def test_headings_are_context_not_passages(seed_corpus):
    heading = "SOUTH KOREA’S BALANCING ACT"
    assert all(heading not in p.text for p in seed_corpus.passages)
    assert any(p.heading == heading for p in seed_corpus.passages)
    assert heading in source(seed_corpus, "000").text


def test_wordpress_html_is_stripped_and_escapes_decoded(seed_corpus):
    text = source(seed_corpus, "000").text
    assert "<" not in text and "\\/" not in text and "Korea’s" in text


def test_passages_are_slices_of_the_clean_text_with_sane_sizes(seed_corpus):
    for p in seed_corpus.passages:
        assert seed_corpus.sources[p.source_id].text[p.start : p.end] == p.text
        assert 40 <= p.words <= 200, p.passage_id


def test_passage_ids_are_unique_and_stable_across_runs(seed_corpus):
    again = load_directory(SEEDS)
    assert [(p.passage_id, p.text) for p in again.passages] == [(p.passage_id, p.text) for p in seed_corpus.passages]
    ids = [p.passage_id for p in seed_corpus.passages]
    assert len(ids) == len(set(ids)) and ids[0] == "000_ddc1e42fb7e28754:p1"


def test_drop_counts_are_kept_per_source(seed_corpus):
    d = source(seed_corpus, "002").dropped
    assert d.metadata_lines >= 2 and d.duplicate_lines == 2 and d.boilerplate_lines >= 2 and d.tail_lines == 2


def test_a_long_paragraph_is_split_at_sentence_boundaries(tmp_path):
    sentence = "The allies agreed on Oct. 8 to expand trilateral drills near the U.S. base in Japan. "
    (tmp_path / "long.txt").write_text("Long report\n" + sentence * 40)
    corpus = load_directory(tmp_path)
    assert len(corpus.passages) >= 3
    for p in corpus.passages:
        assert p.words <= 200 and p.text.startswith("The allies") and p.text.endswith("Japan.")


def test_html_page_uses_the_article_and_its_metadata(tmp_path):
    page = """<!doctype html><html><head><title>Allies meet | Daily</title>
    <meta name="author" content="Jane Roe"><meta property="article:published_time" content="2024-05-02">
    <link rel="canonical" href="https://news.example.org/a/allies"></head><body>
    <nav>Home | World | Politics</nav><article><h1>Allies meet in Seoul</h1>
    <p>The three allies met in Seoul on Monday to discuss trilateral security cooperation, missile defense
    and the exchange of warning data about North Korean launches, officials said.</p>
    <p>Officials said a second meeting would follow in Tokyo later this year, with defense ministers from all
    three countries attending the talks on the exchange of warning data.</p>
    <p>Share your thoughts in the comments below!</p></article>
    <footer>Copyright 2024 Daily. All rights reserved.</footer></body></html>"""
    (tmp_path / "page.html").write_text(page)
    (s,) = load_directory(tmp_path).sources.values()
    assert (s.title, s.author, s.published, s.url, s.format) == (
        "Allies meet in Seoul",
        "Jane Roe",
        dt.date(2024, 5, 2),
        "https://news.example.org/a/allies",
        "html",
    )
    assert "Home" not in s.text and "comments" not in s.text and "Copyright" not in s.text
    assert "warning data" in s.text


def test_markdown_title_and_headings(tmp_path):
    body = "Trilateral drills resumed this week in waters south of Jeju, officials in Seoul said on Monday. " * 3
    (tmp_path / "note.md").write_text(f"# Drills resume\n\n## Background\n\n{body}\n\n*Leave a reply*\n")
    corpus = load_directory(tmp_path)
    (s,) = corpus.sources.values()
    assert s.title == "Drills resume" and s.format == "markdown"
    assert corpus.passages[0].heading == "Background" and "#" not in s.text and "reply" not in s.text


def test_a_wordpress_list_gives_one_source_per_post(tmp_path):
    posts = [
        {
            "id": n,
            "date": f"2024-0{n}-01T00:00:00",
            "link": f"https://blog.example.org/{n}/",
            "title": {"rendered": f"Post {n} &amp; more"},
            "content": {
                "rendered": f"<p>{'Security cooperation deepened among the three allies this month. ' * 4}</p>"
            },
        }
        for n in (1, 2)
    ]
    (tmp_path / "posts.json").write_text(json.dumps(posts))
    corpus = load_directory(tmp_path)
    assert sorted(corpus.sources) == ["posts-1", "posts-2"]
    assert corpus.sources["posts-1"].title == "Post 1 & more"
    assert corpus.sources["posts-2"].published == dt.date(2024, 2, 1)


def test_sidecar_states_metadata_the_document_does_not(tmp_path):
    (tmp_path / "a.txt").write_text("Some title\n" + "A paragraph about alliance politics in East Asia today. " * 5)
    (tmp_path / "sources.toml").write_text('[a]\noutlet = "Example Review"\npublished = 2025-08-20\n')
    s = load_directory(tmp_path).sources["a"]
    assert (s.outlet, s.published, s.title) == ("Example Review", dt.date(2025, 8, 20), "Some title")


def test_unreadable_files_are_skipped_with_one_warning_each(tmp_path, caplog):
    (tmp_path / "good.txt").write_text("Title here\n" + "Alliance managers met again to talk about drills. " * 5)
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    (tmp_path / "nocontent.json").write_text('{"id": 5, "title": {"rendered": "x"}}')
    (tmp_path / "junk.txt").write_text("Leave a Reply\nYou must be logged in to post a comment.\n")
    (tmp_path / "ignored.png").write_bytes(b"\x89PNG")
    with caplog.at_level(logging.WARNING):
        corpus = load_directory(tmp_path)
    assert list(corpus.sources) == ["good"]
    skipped = dict(corpus.skipped)
    assert set(skipped) == {"empty.txt", "binary.txt", "nocontent.json", "junk.txt"}
    assert "binary" in skipped["binary.txt"]
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 4 and all(m.startswith("skipped ") for m in warned)


def test_a_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        load_directory(tmp_path / "nope")


def test_truncated_wordpress_json_still_reads():
    raw = (SEEDS / "000_ddc1e42fb7e28754.txt").read_text()
    (doc,) = read_documents(raw[: len(raw) // 2])
    assert doc.title.startswith("How plans") and len(doc.lines) > 3


def test_empty_text_is_an_ingest_error():
    with pytest.raises(IngestError):
        read_documents("\n\n")


def test_heading_rules():
    assert is_heading("SOUTH KOREA’S BALANCING ACT")
    assert is_heading("The Future of U.S. Forces Korea: A Shifting Focus?")
    assert not is_heading("What are your predictions for the future of the alliance?")
    assert not is_heading("The allies met on Monday.")


def test_a_repeated_caption_goes_entirely_but_repeated_prose_keeps_one_copy():
    prose = "This sentence is long enough to be a paragraph of the article body, and it ends properly."
    cleaned = clean_lines(["Title", "Photo caption here", "Photo caption here", prose, prose])
    assert [b.text for b in cleaned.blocks] == [prose]
    assert cleaned.dropped.duplicate_lines == 3


def test_long_file_names_give_short_unique_ids(tmp_path):
    body = "Alliance managers met again in Tokyo to talk about drills and exchanges. " * 3
    for suffix in ("a", "b"):
        (tmp_path / f"{'very-long-name-' * 8}{suffix}.txt").write_text("A title\n" + body)
    ids = list(load_directory(tmp_path).sources)
    assert len(ids) == 2 and len(set(ids)) == 2 and all(len(i) <= 64 for i in ids)
    assert all(i.startswith("very-long-name-") for i in ids)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "日本と韓国は安全保障協力を強化している。" * 200,
            "Untitled: " + ("日本と韓国は安全保障協力を強化している。" * 3)[:60] + "…",
        ),
        (
            "Extraordinarily comprehensive intergovernmental counterproliferation arrangements were "
            "unveiled on Monday by the three allies.",
            "Untitled: Extraordinarily comprehensive intergovernmental…",
        ),
        ("Allies met in Seoul on Monday to talk.", "Untitled: Allies met in Seoul on Monday to talk.…"),
        ("  ", "Untitled (s)"),
    ],
)
def test_an_untitled_source_is_labelled_by_a_short_opening(text, label):
    assert Source(source_id="s", text=text, origin="x", format="text").display_title == label


@pytest.mark.parametrize(
    ("extra", "published"),
    [
        ("", None),  # the footer's copyright year is not a publication date
        ('<meta property="article:published_time" content="2019-01-01">', dt.date(2019, 1, 1)),
        ("<p>Published March 3, 2019.</p>", dt.date(2019, 3, 3)),
    ],
)
def test_a_copyright_year_alone_gives_no_date(extra, published):
    page = (
        f"<html><head><title>Budget hearing</title>{extra if 'meta' in extra else ''}</head><body><article>"
        "<p>The committee debated the defense budget for the coming year at length and heard from several "
        "witnesses about procurement delays.</p><p>Members asked about shipbuilding and the cost of new "
        f"destroyers.</p>{extra if 'meta' not in extra else ''}</article><footer>© 2019 Example News</footer>"
        "</body></html>"
    )
    (doc,) = read_documents(page, suffix=".html")
    assert doc.published == published


MARKDOWN_BODY = (
    "The trilateral summit at Camp David set out a new framework for cooperation among the three allies. "
    "The leaders agreed to hold annual meetings and to share missile warning data in real time. "
)


def test_markdown_front_matter_states_title_author_date_and_link():
    text = (
        '---\ntitle: "Camp David: a new framework"\ndate: 2023-08-18\nauthor: [Jane Doe, Kim Min-ji]\n'
        "canonical_url: https://blog.example.org/camp-david/\ntags: [summit]\n---\n\n" + MARKDOWN_BODY
    )
    (doc,) = read_documents(text, suffix=".md")
    assert doc.title == "Camp David: a new framework" and doc.author == "Jane Doe, Kim Min-ji"
    assert doc.published == dt.date(2023, 8, 18) and doc.url == "https://blog.example.org/camp-david/"
    assert doc.outlet == "blog.example.org" and not any("title:" in line or "---" in line for line in doc.lines)


@pytest.mark.parametrize(
    "front", ["---\ntitle: [unclosed\n---\n", "---\n- a list\n---\n", "---\n" + "[" * 5000 + "\n---\n"]
)
def test_unreadable_front_matter_is_left_out_and_the_text_read(front):
    (doc,) = read_documents(front + "# Summit\n\n" + MARKDOWN_BODY, suffix=".md")
    assert doc.title == "Summit" and doc.author is None and "framework" in " ".join(doc.lines)
    assert not any("---" in line for line in doc.lines)


def test_a_markdown_title_is_its_text_not_its_markup():
    (doc,) = read_documents("# The **US** [pact](http://evil.example) &amp; more\n\n" + MARKDOWN_BODY, suffix=".md")
    assert doc.title == "The US pact & more"


@pytest.mark.parametrize("suffix", [".json", ".md"])
def test_scripts_and_styles_a_post_embeds_are_not_its_text(suffix):
    code = '<script type="application/ld+json">{"headline": "x"}</script><style>.wp-block{margin:0}</style>'
    if suffix == ".json":
        text = json.dumps([{"title": {"rendered": "Post"}, "content": {"rendered": f"{code}<p>{MARKDOWN_BODY}</p>"}}])
    else:
        text = f"# Post\n\n{code}\n\n{MARKDOWN_BODY}"
    (doc,) = read_documents(text, suffix=suffix)
    joined = " ".join(doc.lines)
    assert "framework" in joined and "headline" not in joined and "margin" not in joined
