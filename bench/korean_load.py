"""``python -m bench.korean_load [--runs 5]``: what loading the Korean model costs the other threads of a
process, the bot's event loop among them. Each run is a fresh process: a thread ticks every 5 ms while another
loads the model (``search.analyze.warm_korean``); the table gives the load time and the longest time the
ticking thread was held up (the GIL held by the import and the model load), median and worst over the runs."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time


def once() -> dict:
    from search.analyze import warm_korean

    gaps: list[float] = []
    stop = threading.Event()

    def tick() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticker = threading.Thread(target=tick)
    ticker.start()
    start = time.perf_counter()
    loaded = warm_korean()
    load = time.perf_counter() - start
    stop.set()
    ticker.join()
    return {"loaded": loaded, "load_s": load, "pause_s": max(gaps)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.korean_load", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.once:
        print(json.dumps(once()))
        return 0
    command = [sys.executable, "-m", "bench.korean_load", "--once"]
    runs = [
        json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout) for _ in range(args.runs)
    ]
    if not all(run["loaded"] for run in runs):
        print("The Korean model could not be loaded (kiwipiepy and kiwipiepy-model installed?).")
        return 1
    print(f"| {args.runs} fresh processes | median s | worst s |\n|---|---|---|")
    for key, label in (("load_s", "model load"), ("pause_s", "longest pause of another thread")):
        values = [run[key] for run in runs]
        print(f"| {label} | {statistics.median(values):.2f} | {max(values):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
