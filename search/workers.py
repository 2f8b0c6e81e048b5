"""CPU work off the event loop. Threads suit most of it; a big page's extraction goes to a worker process,
because trafilatura's date and text regexes hold the GIL for hundreds of milliseconds on a page of
several MB (measured: 0.7 s on 4.4 MiB), which would stall the event loop even from a thread.

The process pool is started on first use (``spawn``: safe beside the bot's threads) and reused. Its worker
exits by itself within a second when the process that started it dies, even by SIGKILL (no orphan is left).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
PARSERS = ("trafilatura", "feedparser", "json_repair", "markdown_it", "pypdf")
BIG_INPUT = 256 * 1024  # characters; smaller inputs are extracted in a thread
_pool: concurrent.futures.ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _process_pool() -> concurrent.futures.ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = concurrent.futures.ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
        return _pool


def _exit_with_parent(parent: int) -> None:
    """In the worker: a watcher thread that ends the process once ``parent`` is gone (it is then adopted by
    another process), since a parent killed outright never tells its pool to shut down."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def prepare_workers() -> None:
    """Import the parsers and start the worker process now (blocking: call it from a thread, before serving).
    Importing a parser's C extensions and spawning a process (which forks the whole interpreter) both hold
    the GIL and so stall every thread; a bot pays for them at start-up, not in its first ingest or feed poll.
    The CLI does not call this: its commands import only what they use."""
    for name in PARSERS:
        importlib.import_module(name)
    _process_pool().submit(int).result()


async def run_cpu(size: int, work: Callable[..., T], *args) -> T:
    """Run ``work(*args)`` in a thread, or in the worker process when its input is ``size`` ≥ BIG_INPUT
    (``work`` and its arguments must then be picklable: a module-level function and plain data)."""
    if size < BIG_INPUT:
        return await asyncio.to_thread(work, *args)
    return await asyncio.get_running_loop().run_in_executor(_process_pool(), work, *args)
