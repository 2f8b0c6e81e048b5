"""A PostgreSQL state database that goes away while the bot runs: one warning, a short error, no traceback."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time

import pytest

from bot.loops import logged
from search.store import Store, StoreUnavailableError
from search.store.postgres import POOL_TIMEOUT_SECONDS, UNREACHABLE
from tests.postgres import PostgresServer

NOW = dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def lost_store():
    """A store whose server has stopped after the store opened (its URL carries a password)."""
    server = PostgresServer.start()
    store = Store(server.url().replace("postgres@", "postgres:hunter2@"))
    store.feeds.add("https://example.org/feed", None, NOW)
    server.stop()
    yield store
    store.close()


def test_a_lost_server_is_one_warning_and_a_short_error_that_names_nothing(lost_store, caplog):
    started = time.monotonic()
    with caplog.at_level(logging.WARNING), pytest.raises(StoreUnavailableError) as raised:
        lost_store.feeds.all()
    assert time.monotonic() - started < POOL_TIMEOUT_SECONDS + 5
    assert str(raised.value) == UNREACHABLE
    warnings = [r for r in caplog.records if r.name == "search.store.postgres"]
    assert len(warnings) == 1 and warnings[0].exc_info is None
    message = warnings[0].getMessage()
    assert "unreachable" in message and "***" in message and "hunter2" not in caplog.text


def test_a_background_task_during_an_outage_is_skipped_in_one_line(lost_store, caplog):
    with caplog.at_level(logging.WARNING):
        result = asyncio.run(logged("sync_shared", asyncio.to_thread(lost_store.sources.latest_change)))
    assert result is None
    skipped = [r for r in caplog.records if r.name == "bot.loops"]
    assert len(skipped) == 1 and skipped[0].exc_info is None and "sync_shared" in skipped[0].getMessage()
    assert "Traceback" not in caplog.text and "hunter2" not in caplog.text
