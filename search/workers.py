"""CPU work off the event loop. Threads suit most of it; a big page's extraction goes to a worker process,
because trafilatura's date and text regexes hold the GIL for hundreds of milliseconds on a page of
several MB (measured: 0.7 s on 4.4 MiB), which would stall the event loop even from a thread.

The process pool is started on first use (``spawn``: safe beside the bot's threads) and reused.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
BIG_INPUT = 256 * 1024  # characters; smaller inputs are extracted in a thread
_pool: concurrent.futures.ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _process_pool() -> concurrent.futures.ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        return _pool


def start_process_pool() -> None:
    """Start the worker process now (blocking: call it from a thread, before serving). Spawning forks the
    whole interpreter while holding the GIL, which on a large process stalls every thread; paying that at
    start-up keeps it off the first big ingest."""
    _process_pool().submit(int).result()


async def run_cpu(size: int, work: Callable[..., T], *args) -> T:
    """Run ``work(*args)`` in a thread, or in the worker process when its input is ``size`` ≥ BIG_INPUT
    (``work`` and its arguments must then be picklable: a module-level function and plain data)."""
    if size < BIG_INPUT:
        return await asyncio.to_thread(work, *args)
    return await asyncio.get_running_loop().run_in_executor(_process_pool(), work, *args)
