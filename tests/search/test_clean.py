"""Content that the old cleaning rules threw away, each in a small made-up document."""

from search.clean import clean_lines
from search.corpus import load_directory
from search.ingest import from_html, read_documents, strip_site_name

PROSE = "Officials met on Monday to discuss the budget and the schedule for the next round of talks."


def kept(lines, **kwargs):
    return [b.text for b in clean_lines(lines, **kwargs).blocks if b.kind == "paragraph"]


def test_slashes_between_words_are_not_photo_credits():
    lines = [
        "Patients with HIV/AIDS and/or diabetes were enrolled in Seoul/Tokyo; HbA1c was 53 mmol/mol.",
        "The photo was taken by a staff photographer. REUTERS/Kim Hong-Ji",
    ]
    assert kept(lines) == [lines[0]]


def test_list_items_and_short_lines_of_content_stay():
    lines = ["Tour dates", PROSE, "May 2 Seoul", "May 4 Busan", "May 9 Tokyo", PROSE.replace("budget", "plan")]
    assert kept(lines) == lines[1:]


def test_repeated_list_items_stay_but_a_caption_shown_twice_goes():
    lines = ["Monday", "- 1 cup rice", "- 1 cup beans", PROSE, "Tuesday", "- 1 cup rice", "- 1 cup beans", PROSE]
    lines += ["Caption of a photo", "Caption of a photo", PROSE.replace("Monday", "Friday")]
    paragraphs = kept(lines)
    assert paragraphs.count("- 1 cup rice") == 2 and "Caption of a photo" not in paragraphs


def test_a_copyright_sign_in_a_sentence_is_content_but_a_notice_is_not():
    sentence = "The archive photo, © 1953 by the Associated Press, shows the armistice signing at Panmunjom."
    assert kept([sentence, "© 2024 Daily News. All rights reserved.", "Copyright 2024 Daily"]) == [sentence]


def test_marked_up_headings_are_context_and_list_items_content():
    html = (
        "<html><head><title>Drills resume | The Daily</title></head><body><article><h1>Drills resume</h1>"
        f"<p>{PROSE}</p><h2>Schedule</h2><ul><li>May 2 Seoul</li><li>May 4 Busan</li></ul><p>{PROSE}</p>"
        "</article></body></html>"
    )
    raw = from_html(html)
    cleaned = clean_lines(raw.lines, title=raw.title, kinds=raw.kinds)
    assert raw.title == "Drills resume"
    assert [b.kind for b in cleaned.blocks if b.text.startswith("May")] == ["paragraph", "paragraph"]
    assert ("heading", "Schedule") in [(b.kind, b.text) for b in cleaned.blocks]


def test_site_name_suffixes_are_stripped_from_titles():
    assert strip_site_name("Allies meet in Seoul | The Daily") == "Allies meet in Seoul"
    assert strip_site_name("Allies meet in Seoul - Daily News", "Daily News") == "Allies meet in Seoul"
    assert strip_site_name("Allies meet - Example", None, "https://www.example.org/a") == "Allies meet"
    assert strip_site_name("Seoul - Tokyo talks resume", "Daily News") == "Seoul - Tokyo talks resume"


def test_a_wordpress_post_keeps_its_list(tmp_path):
    (doc,) = read_documents('{"content": {"rendered": "<p>' + PROSE + '</p><ul><li>one</li><li>two</li></ul>"}}')
    assert doc.kinds == ["paragraph", "item", "item"]
    (tmp_path / "a.md").write_text(f"# Title\n\n{PROSE}\n\n- first item\n- second item\n")
    assert "second item" in load_directory(tmp_path).sources["a"].text
