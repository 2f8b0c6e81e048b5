"""When digests are due, pure: a subscription's ``Schedule`` and the period due at a moment.

A subscription is due once per period: daily at its local time, weekly on its weekday at that time, or hourly
at that time's minutes past each local hour (zoneinfo; a time that does not exist on a spring-forward day falls
an hour later, an ambiguous one takes its first occurrence). It stays due for a grace window (at most an hour
for hourly digests), so a digest missed while the bot was down is still posted if it comes back in time. The
caller records (subscription, period key) before sending, so a period is never posted twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

FREQUENCIES = ("daily", "weekly", "hourly")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HOUR = dt.timedelta(hours=1)


def scheduled_at(local_date: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of ``time`` on ``local_date`` in ``zone`` (fold 0 for gaps and repeats)."""
    return dt.datetime.combine(local_date, time, tzinfo=zone).astimezone(dt.UTC)


@dataclass(frozen=True)
class Schedule:
    """When a subscription's digests are due. Each period has a key: the local date (``2025-06-03``) for daily
    and weekly digests, the local date and hour (``2025-06-03T09:30``) for hourly ones."""

    frequency: str  # one of FREQUENCIES
    time: dt.time  # hourly: only its minutes count
    timezone: str
    weekday: int | None = None  # weekly: 0 is Monday

    def moments(self, now: dt.datetime, *, forward: bool = False) -> Iterator[tuple[str, dt.datetime]]:
        """(period key, UTC instant) of the scheduled moments from ``now``'s local day or hour, going back
        (newest first) or forward; enough of them to cover a week."""
        zone = ZoneInfo(self.timezone)
        local = now.astimezone(zone)
        step = 1 if forward else -1
        if self.frequency == "hourly":
            start = dt.datetime.combine(local.date(), dt.time(local.hour, self.time.minute))
            for i in range(3):
                naive = start + dt.timedelta(hours=step * i)
                yield naive.strftime("%Y-%m-%dT%H:%M"), naive.replace(tzinfo=zone).astimezone(dt.UTC)
            return
        for i in range(9):
            day = local.date() + dt.timedelta(days=step * i)
            if self.frequency == "daily" or day.weekday() == self.weekday:
                yield day.isoformat(), scheduled_at(day, self.time, zone)

    def window(self, grace: dt.timedelta) -> dt.timedelta:
        return min(grace, HOUR) if self.frequency == "hourly" else grace

    def next_after(self, now: dt.datetime) -> dt.datetime:
        return next(moment for _, moment in self.moments(now, forward=True) if moment > now)


def due_period(
    schedule: Schedule, now: dt.datetime, grace: dt.timedelta, *, not_before: dt.datetime, done: set[str]
) -> str | None:
    """The key of the period whose digest is due at ``now``, if any: scheduled at or before ``now``, within
    the grace window, not before ``not_before`` (the subscription's creation), and not already ``done``."""
    for key, moment in schedule.moments(now):
        if moment <= now < moment + schedule.window(grace) and moment >= not_before and key not in done:
            return key
    return None
