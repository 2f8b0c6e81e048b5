"""Claims in the state store are exactly-once: a digest period and a due feed poll go to one claimer, among
threads and among OS processes with their own connections, on SQLite (one shared file) and on PostgreSQL."""

import datetime as dt
import json
import subprocess
import sys
import threading
import time

from search.feeds import EVERY
from search.store import Store

NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def _subscribe(store, channel_id=2):
    return store.digests.subscribe(
        guild_id=1, channel_id=channel_id, time=dt.time(8), timezone="UTC", topics=[], quiet=False, created_by=None,
        now=NOW,
    )  # fmt: skip


def _race(workers: int, work) -> list:
    """Run ``work(i)`` in ``workers`` threads released together; their results, by worker."""
    start = threading.Barrier(workers)
    results = [None] * workers

    def run(i):
        start.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_digest_period_is_claimed_once_and_the_log_follows_its_subscription(store):
    subscription = _subscribe(store)
    assert store.digests.claim(subscription.id, "2025-06-01", NOW, NOW)
    assert not store.digests.claim(subscription.id, "2025-06-01", NOW, NOW)
    assert store.digests.claim(subscription.id, "2025-06-02", NOW, NOW)
    assert store.digests.periods_done(subscription.id) == {"2025-06-01", "2025-06-02"}
    assert store.digests.remove(subscription.id, 1) and store.digests.periods_done(subscription.id) == set()


def test_threads_with_their_own_stores_claim_each_period_once(state_target):
    stores = [Store(state_target) for _ in range(6)]
    subscription = _subscribe(stores[0])
    for period in ("2025-06-01", "2025-06-02", "2025-06-03"):
        won = _race(6, lambda i, period=period: stores[i].digests.claim(subscription.id, period, NOW, NOW))
        assert won.count(True) == 1, won
    for opened in stores:
        opened.close()


def _feeds(store, count, scope_of=lambda i: 0):
    return [store.feeds.add(f"https://example.org/feed/{i}", None, NOW, scope_of(i)) for i in range(count)]


def test_claiming_due_feeds_takes_the_longest_waiting_first_and_leases_them(store):
    feeds = _feeds(store, 4)
    store.feeds.record_poll(feeds[0].id, NOW, NOW + HOUR)  # not due now
    store.feeds.record_poll(feeds[3].id, NOW - HOUR, NOW - HOUR)  # due longest
    claimed = store.feeds.claim_due(NOW, dt.timedelta(minutes=30), 2)
    assert [feed.id for feed in claimed] == sorted([feeds[3].id, feeds[1].id])
    assert {feed.next_poll for feed in claimed} == {NOW + dt.timedelta(minutes=30)}
    assert [feed.id for feed in store.feeds.claim_due(NOW, HOUR, 5)] == [feeds[2].id]
    assert store.feeds.claim_due(NOW, HOUR, 5) == []  # the rest are leased or not due
    later = NOW + dt.timedelta(minutes=45)  # the first lease ran out: its poller died, others take its feeds
    assert [feed.id for feed in store.feeds.claim_due(later, HOUR, 5)] == sorted([feeds[1].id, feeds[3].id])
    assert [feed.id for feed in store.feeds.claim_due(later, HOUR, None, due_by=EVERY)] == [
        feed.id for feed in feeds
    ]  # due by the end of time: every feed, leased or not


def test_claiming_due_feeds_can_be_limited_to_some_scopes(store, monkeypatch):
    monkeypatch.setattr("search.store.feeds.CLAIM_IDS", 2)  # a predicate's feeds are claimed 2 per statement
    feeds = _feeds(store, 6, scope_of=lambda i: i % 3)  # scopes 0, 1, 2, 0, 1, 2
    taken = store.feeds.claim_due(NOW, HOUR, 1, scopes={1})
    assert [feed.id for feed in taken] == [feeds[1].id]
    taken = store.feeds.claim_due(NOW, HOUR, None, scopes=lambda scope: scope != 2)
    assert [feed.id for feed in taken] == [feeds[0].id, feeds[3].id, feeds[4].id]
    assert store.feeds.claim_due(NOW, HOUR, None, scopes=[]) == []
    assert [feed.scope for feed in store.feeds.claim_due(NOW, HOUR, None)] == [2, 2]


def test_threads_with_their_own_stores_claim_each_due_feed_once(state_target):
    stores = [Store(state_target) for _ in range(6)]
    feeds = _feeds(stores[0], 30)

    def claim_all(i):
        mine = []
        while taken := stores[i].feeds.claim_due(NOW, HOUR, 2):
            mine += [feed.id for feed in taken]
        return mine

    claimed = _race(6, claim_all)
    everything = [feed_id for mine in claimed for feed_id in mine]
    assert sorted(everything) == [feed.id for feed in feeds]  # each exactly once
    for opened in stores:
        opened.close()


CLAIMER = """
import datetime as dt, json, sys, time
from search.store import Store

store = Store(sys.argv[1])
subscription, periods, start = int(sys.argv[2]), range(int(sys.argv[3])), float(sys.argv[4])
now = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
time.sleep(max(0.0, start - time.time()))
order = reversed(periods) if sys.argv[5] == "backward" else periods  # the processes meet in the middle
digests = [p for p in order if store.digests.claim(subscription, f"p{p}", now, now)]
feeds = []
while taken := store.feeds.claim_due(now, dt.timedelta(hours=1), 1):
    feeds += [feed.id for feed in taken]
print(json.dumps({"digests": digests, "feeds": feeds}))
"""


def test_processes_with_their_own_connections_claim_each_period_and_each_feed_once(state_target):
    store = Store(state_target)
    subscription, feeds = _subscribe(store), _feeds(store, 40)
    start = time.time() + 1.5  # both processes are connected by then, and start together
    claimers = [
        subprocess.Popen(
            [sys.executable, "-c", CLAIMER, str(state_target), str(subscription.id), "200", str(start), order],
            stdout=subprocess.PIPE,
            text=True,
        )
        for order in ("forward", "backward")
    ]
    results = [json.loads(claimer.communicate(timeout=120)[0]) for claimer in claimers]
    digests = [period for result in results for period in result["digests"]]
    polled = [feed_id for result in results for feed_id in result["feeds"]]
    assert sorted(digests) == list(range(200)) and sorted(polled) == [feed.id for feed in feeds]
    store.close()
