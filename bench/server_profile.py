"""cProfile inside a benchmark server, switched by signals (``BENCH_SERVER_PROFILE``).

``bench.settings`` calls ``install(directory)`` when ``BENCH_SERVER_PROFILE`` names a
directory: SIGUSR1 starts profiling the server's event-loop thread (its CPU time, so other load on
the machine does not show up as time spent in a function), SIGUSR2 stops it
and writes ``directory/server-<pid>.prof`` (pstats) and ``server-<pid>.json`` (the
process's user and system CPU seconds over the profiled window: what a profile of
Python calls does not show is the kernel's share, the socket writes above all).
``bench.fanout`` sends the signals around its scored rounds (``BENCH_FANOUT_PROFILE``);
``BENCH_SERVER_PROFILE_CALLS=0`` writes the CPU split alone, unslowed.
Profiling slows the server: CPU and latency of a profiled run are not the measurement.
"""

from __future__ import annotations

import cProfile
import json
import os
import resource
import signal
import time
from pathlib import Path
from types import FrameType


def install(directory: str, *, calls: bool = True) -> None:
    """``calls``: False counts the CPU split only (no profiler, no overhead)."""
    out = Path(directory)
    # CPU time of the loop's thread, not wall time: the machine is shared.
    profiler = cProfile.Profile(time.thread_time)
    started: list[resource.struct_rusage] = []

    def start(signum: int, frame: FrameType | None) -> None:
        started[:] = [resource.getrusage(resource.RUSAGE_SELF)]
        if calls:
            profiler.enable()

    def stop(signum: int, frame: FrameType | None) -> None:
        end = resource.getrusage(resource.RUSAGE_SELF)
        pid = os.getpid()
        if calls:
            profiler.disable()
            profiler.dump_stats(out / f"server-{pid}.prof")
        if started:
            cpu = {
                "user": end.ru_utime - started[0].ru_utime,
                "system": end.ru_stime - started[0].ru_stime,
            }
            (out / f"server-{pid}.json").write_text(json.dumps(cpu))

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
