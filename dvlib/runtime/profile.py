"""Stage timing: with ``DVLIB_PROFILE=1``, each stage's wall time and memory on stderr."""
from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from dvlib import config


@contextlib.contextmanager
def stage(name: str):
    """With DVLIB_PROFILE=1, print each stage's wall time and this process's memory to stderr
    (how the benchmark's figures break down)."""
    if not config.profile_enabled():
        yield
        return
    t = time.perf_counter()
    yield
    rss = peak = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) // 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) // 1024
    print(f"dvlib profile: {name:<20} {time.perf_counter() - t:7.1f} s  rss {rss} MB  peak {peak} MB",
          file=sys.stderr)
