"""Digest timing (time zones, DST, grace, idempotency) and content (new sources, folding, topics)."""

import datetime as dt
import shutil

import pytest

from search.corpus import build_source
from search.digest import build_digest
from search.ingest import RawDocument
from search.library import Library
from search.schedule import Schedule, due_period, scheduled_at
from search.web import content_hash
from tests.conftest import SEEDS

UTC = dt.UTC
GRACE = dt.timedelta(hours=6)
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=UTC)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def due(time, zone, now, done=(), not_before=LONG_AGO, grace=GRACE):
    """The local date of the daily digest due at ``now``."""
    schedule = Schedule("daily", dt.time.fromisoformat(time), zone)
    key = due_period(schedule, now, grace, not_before=not_before, done={d.isoformat() for d in done})
    return dt.date.fromisoformat(key) if key else None


def test_due_at_the_local_time_in_each_time_zone():
    assert due("09:00", "Asia/Seoul", at(2025, 6, 2, 0, 0)) == dt.date(2025, 6, 2)  # 09:00 KST = 00:00 UTC
    assert due("09:00", "Asia/Seoul", at(2025, 6, 1, 23, 59)) is None
    assert due("07:00", "Asia/Seoul", at(2025, 6, 1, 22, 30)) == dt.date(2025, 6, 2)  # the local date is tomorrow
    assert due("09:00", "America/Los_Angeles", at(2025, 6, 2, 16, 0)) == dt.date(2025, 6, 2)  # PDT, UTC-7
    assert due("09:00", "UTC", at(2025, 6, 2, 9, 0)) == dt.date(2025, 6, 2)


def test_daylight_saving_time_changes_move_the_utc_time():
    zone = "America/New_York"
    assert due("09:00", zone, at(2025, 3, 8, 14, 0)) == dt.date(2025, 3, 8)  # EST, UTC-5
    assert due("09:00", zone, at(2025, 3, 9, 13, 0)) == dt.date(2025, 3, 9)  # EDT from that day, UTC-4
    assert due("09:00", zone, at(2025, 3, 9, 12, 59)) is None
    from zoneinfo import ZoneInfo

    # 02:30 does not exist on 9 March in New York: it falls at 03:30 EDT; 01:30 on 2 November happens twice
    assert scheduled_at(dt.date(2025, 3, 9), dt.time(2, 30), ZoneInfo(zone)) == at(2025, 3, 9, 7, 30)
    assert scheduled_at(dt.date(2025, 11, 2), dt.time(1, 30), ZoneInfo(zone)) == at(2025, 11, 2, 5, 30)
    assert due("01:30", zone, at(2025, 11, 2, 6, 30), done=[]) == dt.date(2025, 11, 2)
    assert due("01:30", zone, at(2025, 11, 2, 6, 30), done=[dt.date(2025, 11, 2)]) is None  # never twice


def test_the_grace_window_and_days_already_done():
    assert due("09:00", "UTC", at(2025, 6, 2, 14, 59)) == dt.date(2025, 6, 2)
    assert due("09:00", "UTC", at(2025, 6, 2, 15, 0)) is None  # missed: after the 6 h window
    assert due("09:00", "UTC", at(2025, 6, 2, 10, 0), done=[dt.date(2025, 6, 2)]) is None
    assert due("23:00", "UTC", at(2025, 6, 3, 1, 0)) == dt.date(2025, 6, 2)  # yesterday's, still in the window


def test_a_new_subscription_starts_with_the_next_scheduled_time():
    created = at(2025, 6, 2, 10, 0)
    assert due("09:00", "UTC", at(2025, 6, 2, 10, 1), not_before=created) is None
    assert due("09:00", "UTC", at(2025, 6, 3, 9, 0), not_before=created) == dt.date(2025, 6, 3)


@pytest.fixture
def library(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return Library(seeds, tmp_path / "data", clock=lambda: at(2025, 6, 1, 0, 0)).open()


def add_story(library, key, text, outlet, title="Hotline story"):
    raw = RawDocument(lines=text.splitlines(), format="text", title=f"{title} ({outlet})", outlet=outlet)
    source, passages = build_source(raw, f"web-{key}", origin=f"https://{outlet}/{key}")
    return library.add_source(source, passages, content_hash=content_hash(source.text), canonical_url=None)


STORY = (
    "The three allies switched on a real-time missile warning hotline on Monday, linking radars in Japan and "
    "South Korea with American command centers so that launches are tracked within seconds of lift-off. "
    "Officials said the system had been tested for months and would survive changes of government."
)


def test_the_first_digest_lists_the_whole_library_with_summaries(library):
    digest = build_digest(
        library, since=None, until=at(2025, 6, 2), topics=["THAAD"], first_seen=library.store.sources.first_seen()
    )
    assert len(digest.items) == 5 and all(1 <= len(item.summary) <= 2 for item in digest.items)
    assert digest.items[0].summary[0] in library.get_source(digest.items[0].source_id).text
    (topic,) = digest.topics
    assert topic.topic == "THAAD" and topic.passages[0].source_id.startswith("002")


def test_only_sources_new_since_the_last_digest_and_the_same_story_folded(library):
    library.clock = lambda: at(2025, 6, 1, 12, 0)
    add_story(library, "a", STORY, "wire.example")
    add_story(library, "b", STORY.replace("Monday", "Monday morning") + " It cost little.", "paper.example")
    add_story(
        library,
        "c",
        "Tokyo and Seoul signed a new fisheries deal on Tuesday covering crab quotas near "
        "Dokdo, ending a dispute over licences that had lasted for two years and more.",
        "x.example",
        title="Fisheries deal",  # titles are searched: this story is not about the hotline
    )
    digest = build_digest(
        library,
        since=at(2025, 6, 1, 6, 0),
        until=at(2025, 6, 2),
        topics=["hotline", "THAAD"],
        first_seen=library.store.sources.first_seen(),
    )
    assert [item.source_id for item in digest.items] == ["web-a", "web-c"]
    assert [ref.source_id for ref in digest.items[0].also] == ["web-b"]
    hotline, thaad = digest.topics
    assert {p.source_id for p in hotline.passages} <= {"web-a", "web-b"} and hotline.passages
    assert thaad.passages == []  # THAAD is in the library, but not in anything new
    assert not digest.empty


def test_nothing_new_is_an_empty_digest(library):
    digest = build_digest(
        library,
        since=at(2025, 6, 1, 6, 0),
        until=at(2025, 6, 2),
        topics=["THAAD"],
        first_seen=library.store.sources.first_seen(),
    )
    assert digest.items == [] and digest.empty
