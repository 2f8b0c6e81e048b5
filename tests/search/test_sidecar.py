"""sources.toml is validated: each bad value is named with its entry and problem, everything else applies."""

import datetime as dt

import pytest

from search.corpus import load_directory
from search.library import Library

ARTICLE = "Defense ministers agreed to expand the kestrel exercise next spring, officials in Seoul said. " * 5


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "sources"
    folder.mkdir()
    for name in ("one", "two", "three", "four"):
        (folder / f"{name}.txt").write_text(ARTICLE)
    return folder


def test_bad_values_are_named_and_the_rest_apply(folder):
    (folder / "sources.toml").write_text(
        '[one]\npublished = 12345\noutlet = "Wire"\n'
        "[two]\ntitle = 42\npublished = 2024-05-06\n"
        '[three]\npublished = "2024-99-99"\n'
        '[four]\ntitle = "Four"\npublished = "2023-02-01"\n'
    )
    loaded = load_directory(folder)
    assert set(loaded.sources) == {"one", "two", "three", "four"}  # no article is dropped
    one, two, three, four = (loaded.sources[k] for k in ("one", "two", "three", "four"))
    assert one.outlet == "Wire" and one.published is None
    assert two.published == dt.date(2024, 5, 6) and two.title != 42
    assert three.published is None
    assert four.title == "Four" and four.published == dt.date(2023, 2, 1)
    reasons = [reason for name, reason in loaded.skipped if name == "sources.toml"]
    assert len(reasons) == 3
    assert reasons[0].startswith("[one] published:") and "12345" in reasons[0]
    assert reasons[1].startswith("[two] title:") and "42" in reasons[1]
    assert reasons[2].startswith("[three] published: not a date") and "2024-99-99" in reasons[2]


def test_unknown_fields_and_non_tables_are_reported(folder):
    (folder / "sources.toml").write_text('stray = 1\n[one]\npublishd = 2024-01-01\ntitle = "One"\n')
    loaded = load_directory(folder)
    assert loaded.sources["one"].title == "One"
    reasons = [reason for _, reason in loaded.skipped]
    assert any(r.startswith("[stray]") for r in reasons) and any("[one] publishd: unknown field" in r for r in reasons)


def test_broken_toml_is_skipped_whole_with_its_reason(folder):
    (folder / "sources.toml").write_text("[one\ntitle = ")
    loaded = load_directory(folder)
    assert len(loaded.sources) == 4 and loaded.skipped[0][0] == "sources.toml"


def test_a_library_with_bad_sidecar_values_serves_every_command(folder, tmp_path):
    (folder / "sources.toml").write_text(
        '[one]\npublished = 12345\n[two]\ntitle = 42\n[three]\npublished = "2024-99-99"\n'
    )
    library = Library(folder, tmp_path / "data").open()
    assert library.search("kestrel").hits
    assert {s.source_id for s in library.sources()} == {"one", "two", "three", "four"}
    assert library.brief("kestrel exercise").sentences


def test_blank_values_are_refused_and_values_are_stripped(folder):
    (folder / "sources.toml").write_text('[one]\ntitle = "   "\noutlet = "Wire"\n[two]\ntitle = "  Two  "\n')
    loaded = load_directory(folder)
    assert loaded.sources["one"].title != "   " and loaded.sources["one"].outlet == "Wire"
    assert loaded.sources["two"].title == "Two"
    assert [reason.split(":")[0] for name, reason in loaded.skipped if name == "sources.toml"] == ["[one] title"]
