"""The state in PostgreSQL (``DATABASE_URL=postgresql://…``), shared by every process of a sharded bot.

Why psycopg 3 with psycopg-pool, not asyncpg: every store call already runs in a worker thread (the services
call the repositories through ``asyncio.to_thread``, the CLI calls them directly), and the repositories are
synchronous and shared with the SQLite backend. psycopg's synchronous API with a thread-safe pool fits that
as it is; asyncpg would need an event loop in every caller and a second, async copy of each repository.

- **Connections**: a pool (``POOL_SIZE``; each is checked before use, so a restarted server costs no failed
  call). Reads run in autocommit; ``transaction()`` is one transaction, and with ``serial`` it first takes a
  transaction-scoped advisory lock, so transactions naming the same lock run one after the other.
- **SQL**: the repositories' ``?`` placeholders become psycopg's ``%s``; rows are dicts.
- **Schema**: ``POSTGRES_MIGRATIONS`` (search/store/migrations.py), the same tables and constraints as the
  SQLite list, recorded in ``schema_version`` and applied in one transaction under an advisory lock, so
  processes starting together never race.
- **Failures**: a server that cannot be reached at start is a ``StoreUnavailableError`` whose message names
  the URL with its password masked. Later, a server that goes away (refused, lost mid-query, no connection
  free within ``POOL_TIMEOUT_SECONDS``) is logged as one warning, with the URL masked, and raised as a
  ``StoreUnavailableError`` that names nothing of the server: its message may reach a Discord user.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import weakref
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from search.store.db import Database
from search.store.errors import StoreUnavailableError
from search.store.migrations import POSTGRES_MIGRATIONS

log = logging.getLogger(__name__)

POOL_SIZE = 10  # more than the worker threads that call the store at once in one process
CONNECT_TIMEOUT_SECONDS = 10
POOL_TIMEOUT_SECONDS = 5  # longest a call waits for a connection before the server counts as unreachable
UNREACHABLE = "The state database cannot be reached right now; try again in a minute."


def mask_url(url: str) -> str:
    """``url`` with its password (in the authority or a ``password=`` parameter) shown as ``***``."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}:***@{host}"
    query = urlencode([(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query)], safe="*/")
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for ``name``, in briefbot's own namespace."""
    return int.from_bytes(hashlib.blake2b(f"briefbot:{name}".encode(), digest_size=8).digest(), "big", signed=True)


@functools.lru_cache(maxsize=512)
def adapt(sql: str) -> str:
    """The repositories' SQL with psycopg's placeholders (their SQL has no ``?`` other than placeholders)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _Connection:
    """A psycopg connection that takes the repositories' SQL."""

    def __init__(self, connection) -> None:
        self._connection = connection

    def execute(self, sql: str, params: Any = None):
        if params is None:
            return self._connection.execute(sql)
        return self._connection.execute(adapt(sql), params)

    def executemany(self, sql: str, rows: Any):
        cursor = self._connection.cursor()
        cursor.executemany(adapt(sql), rows)
        return cursor


class PostgresDatabase(Database):
    skip_locked = " FOR UPDATE SKIP LOCKED"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
            from psycopg.rows import dict_row
            from psycopg_pool import ConnectionPool
        except ImportError:
            raise StoreUnavailableError(
                "DATABASE_URL names a PostgreSQL database, but its driver is not installed: "
                "pip install 'briefbot[postgres]'"
            ) from None
        self.display_url = mask_url(url)
        self._password = urlsplit(url).password
        self._operational_error = psycopg.OperationalError
        options = {} if "connect_timeout" in url else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
        try:  # unreachable, refused, a bad URL: one line for the user
            connection = psycopg.connect(url, autocommit=True, row_factory=dict_row, **options)
        except psycopg.Error as error:
            raise StoreUnavailableError(
                f"cannot connect to the state database {self.display_url}: {self._reason(error)}"
            ) from None
        with connection:
            self._migrate(connection)
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=POOL_SIZE,
            timeout=POOL_TIMEOUT_SECONDS,
            kwargs={"autocommit": True, "row_factory": dict_row, **options},
            check=ConnectionPool.check_connection,
            name="briefbot-state",
            open=True,
        )
        self._closer = weakref.finalize(self, self._pool.close)

    def _reason(self, error: Exception) -> str:
        """The driver's message on one line, any password in it masked."""
        reason = " ".join(str(error).split())[:300]
        return reason.replace(self._password, "***") if self._password else reason

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Any]:
        """A pooled connection; losing the server (here or in the caller's statements) is one warning and a
        StoreUnavailableError."""
        try:
            with self._pool.connection() as connection:
                yield connection
        except self._operational_error as error:  # psycopg_pool.PoolTimeout is one too
            log.warning("the state database %s is unreachable: %s", self.display_url, self._reason(error))
            raise StoreUnavailableError(UNREACHABLE) from None

    @contextlib.contextmanager
    def connect(self) -> Iterator[_Connection]:
        with self._connection() as connection:
            yield _Connection(connection)

    @contextlib.contextmanager
    def transaction(self, serial: str | None = None) -> Iterator[_Connection]:
        with self._connection() as connection, connection.transaction():
            db = _Connection(connection)
            if serial:
                db.execute("SELECT pg_advisory_xact_lock(?)", (lock_key(serial),))
            yield db

    @property
    def schema_version(self) -> int:
        with self.connect() as db:
            return db.execute("SELECT version FROM schema_version").fetchone()["version"]

    def close(self) -> None:
        self._closer()

    @staticmethod
    def _migrate(connection) -> None:
        """Run the migrations not yet run, in one transaction, under an advisory lock: a process that starts
        while another migrates waits, then finds the schema up to date."""
        with connection.transaction():
            db = _Connection(connection)
            db.execute("SELECT pg_advisory_xact_lock(?)", (lock_key("migrations"),))
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                db.execute("INSERT INTO schema_version (version) VALUES (0)")
            version = row["version"] if row else 0
            for script in POSTGRES_MIGRATIONS[version:]:
                db.execute(script)
            if version < len(POSTGRES_MIGRATIONS):
                db.execute("UPDATE schema_version SET version = ?", (len(POSTGRES_MIGRATIONS),))
