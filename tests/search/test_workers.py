"""The extraction worker process does not outlive the process that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

STARTER = """
import os
from search import workers
workers.prepare_workers()
print(workers._process_pool().submit(os.getpid).result(), flush=True)
input()
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # an exited child not yet reaped by its new parent is a zombie
        return stat.read().rpartition(")")[2].split()[0] != "Z"


def test_the_worker_exits_when_its_parent_is_killed_outright():
    starter = subprocess.Popen(
        [sys.executable, "-c", STARTER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        worker = int(starter.stdout.readline())
        assert worker != starter.pid and alive(worker)
        starter.send_signal(signal.SIGKILL)
        starter.wait()
        deadline = time.monotonic() + 10
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(worker), "the worker outlived its parent"
    finally:
        starter.kill()
