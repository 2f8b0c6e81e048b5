"""Pages and files in other encodings, text files' title lines and CJK sentence ends."""

import codecs
import ipaddress

import pytest
from aiohttp import web

from search.corpus import load_directory
from search.decode import decode
from search.fetch import FetchPolicy
from search.library import Library
from search.sentences import split_sentences
from search.web import ingest_url
from tests.conftest import start_site

PROSE = "Officials met on Monday to discuss the budget and the schedule for the next round of talks."


def page(charset: str, body: str, title: str) -> str:
    return (
        f'<!doctype html><html><head><meta charset="{charset}"><title>{title}</title></head><body><article>'
        f"<h1>{title}</h1><p>{body}</p><p>{PROSE}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("charset", "body", "title"),
    [
        ("windows-1252", "Café owners in Genève said the “déjà vu” was real, and the crème brûlée sold out.", "Café"),
        ("shift_jis", "東京で会議が開かれた。各国の代表が出席した！次の会合はいつか？", "東京会議の報告"),
    ],
)
def test_a_page_in_its_declared_charset_reads_without_replacement_characters(tmp_path, charset, body, title):
    (tmp_path / "page.html").write_bytes(page(charset, body, title).encode(charset))
    (s,) = load_directory(tmp_path).sources.values()
    assert body in s.text and s.title == title and "\ufffd" not in s.text


def test_what_the_server_or_a_bom_says_comes_first():
    text = "Grüße aus Köln"
    assert decode(text.encode("cp1252"), declared="windows-1252") == text
    assert decode(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == text
    assert decode(f'<?xml version="1.0" encoding="iso-8859-1"?><a>{text}</a>'.encode("latin-1")).endswith(text + "</a>")


def test_undeclared_bytes_in_another_encoding_are_detected():
    text = "Les négociations sur les tarifs ont repris mardi à Genève, a déclaré la ministre française."
    assert decode(text.encode("cp1252")) == text


def test_a_text_files_first_line_is_its_title_when_it_looks_like_one(tmp_path):
    (tmp_path / "a.txt").write_text(f"Effects of salt intake on blood pressure in adults\n{PROSE} {PROSE}\n")
    (tmp_path / "b.txt").write_text(f"{PROSE}\n{PROSE}\n")
    sources = load_directory(tmp_path).sources
    assert sources["a"].title == "Effects of salt intake on blood pressure in adults"
    assert "Effects of salt" not in sources["a"].text
    assert sources["b"].title is None


def test_cjk_sentence_ends_split_sentences_and_keep_text_in_passages(tmp_path):
    text = "東京で会議が開かれた。各国の代表が出席した！次の会合はいつか？"
    assert split_sentences(text) == ["東京で会議が開かれた。", "各国の代表が出席した！", "次の会合はいつか？"]
    (tmp_path / "ja.txt").write_text("会議の報告\n" + text + "\n" + text.replace("東京", "大阪") + "\n")
    corpus = load_directory(tmp_path)
    assert "大阪で会議" in " ".join(p.text for p in corpus.passages)


def test_abbreviations_and_quotes_stay_inside_their_sentence():
    text = "“We will not wait,” Gen. Kim said on Oct. 8 in the U.S. capital. He left."
    assert split_sentences(text) == ["“We will not wait,” Gen. Kim said on Oct. 8 in the U.S. capital.", "He left."]


async def test_a_fetched_page_is_decoded_by_its_meta_charset(site, tmp_path):
    body = "Les négociations ont repris mardi à Genève, a déclaré la ministre, sans « déjà-vu » cette fois."
    html = page("windows-1252", body, "Négociations à Genève | Le Quotidien").encode("cp1252")

    async def handler(request):  # no charset in the Content-Type: only the page says it
        return web.Response(body=html, headers={"Content-Type": "text/html"})

    site.route("/article", handler)
    await start_site(site)
    (tmp_path / "seeds").mkdir()
    library = Library(tmp_path / "seeds", tmp_path / "data").open()
    policy = FetchPolicy(allowed_networks=[ipaddress.ip_network("127.0.0.1/32")])
    source = await ingest_url(library, site.url("/article"), policy)
    assert source.title == "Négociations à Genève" and body in source.text and "\ufffd" not in source.text
