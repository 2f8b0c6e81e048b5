"""Weekly and hourly schedules: once per period, in local time, within the grace window."""

import datetime as dt

from search.schedule import Schedule, due_period

UTC = dt.UTC
GRACE = dt.timedelta(hours=6)
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=UTC)
MONDAY = 0


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def due(schedule, now, done=(), not_before=LONG_AGO):
    return due_period(schedule, now, GRACE, not_before=not_before, done=set(done))


def test_a_weekly_digest_is_due_on_its_weekday_only():
    weekly = Schedule("weekly", dt.time(9, 0), "Asia/Seoul", MONDAY)
    assert due(weekly, at(2025, 6, 2, 0, 0)) == "2025-06-02"  # Monday 09:00 in Seoul
    assert due(weekly, at(2025, 6, 3, 0, 0)) is None  # Tuesday
    assert due(weekly, at(2025, 6, 2, 6, 0)) is None  # Monday, after the grace window
    assert due(weekly, at(2025, 6, 2, 1, 0), done=["2025-06-02"]) is None
    assert due(weekly, at(2025, 6, 9, 0, 30), done=["2025-06-02"]) == "2025-06-09"
    assert weekly.next_after(at(2025, 6, 3, 0, 0)) == at(2025, 6, 9, 0, 0)


def test_an_hourly_digest_is_due_at_its_minutes_past_each_local_hour():
    hourly = Schedule("hourly", dt.time(0, 15), "Asia/Kolkata")  # UTC+5:30: :15 local is :45 UTC
    assert due(hourly, at(2025, 6, 2, 3, 45)) == "2025-06-02T09:15"
    assert due(hourly, at(2025, 6, 2, 3, 44)) == "2025-06-02T08:15"  # the previous hour's, still in its hour
    assert due(hourly, at(2025, 6, 2, 3, 50), done=["2025-06-02T09:15"]) is None
    assert due(hourly, at(2025, 6, 2, 4, 45), done=["2025-06-02T09:15"]) == "2025-06-02T10:15"
    late = Schedule("hourly", dt.time(0, 15), "UTC")
    assert due(late, at(2025, 6, 2, 10, 20), done=["2025-06-02T10:15"]) is None  # 09:15 is over an hour ago
    assert hourly.next_after(at(2025, 6, 2, 3, 45)) == at(2025, 6, 2, 4, 45)


def test_a_new_subscription_waits_for_its_next_period():
    hourly = Schedule("hourly", dt.time(0, 0), "UTC")
    assert due(hourly, at(2025, 6, 2, 10, 30), not_before=at(2025, 6, 2, 10, 5)) is None
    assert due(hourly, at(2025, 6, 2, 11, 0), not_before=at(2025, 6, 2, 10, 5)) == "2025-06-02T11:00"
