"""Stage timing: with ``DVLIB_PROFILE=1``, each stage's wall time and memory on stderr."""
from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from dvlib import config
from dvlib.runtime.gc import release_memory


def stage_bar(names, progress: bool = True):
    """One tqdm bar over the corpus-level stages ``names``: the count of stages done, the one
    running, its elapsed time. Without a monitor thread (worker pools fork during the stages)."""
    from tqdm import tqdm

    class _Bar(tqdm):
        monitor_interval = 0

    return _Bar(total=len(names), desc="corpus tables", unit="stage", disable=not progress,
                bar_format="{desc} |{bar:20}| {n_fmt}/{total_fmt} stages, {elapsed}")


@contextlib.contextmanager
def stage(name: str, bar=None):
    """A stage of the run, its freed memory returned to the system at the end: shown on
    ``bar`` (see :func:`stage_bar`) when given; with DVLIB_PROFILE=1, its wall time and this
    process's memory printed to stderr (how the benchmark's figures break down)."""
    if bar is not None:
        bar.set_description_str(f"corpus tables: {name}")
    t = time.perf_counter()
    yield
    release_memory()  # what the stage freed goes back to the system before the next one
    if bar is not None:
        bar.update(1)
    _report(name, time.perf_counter() - t)


@contextlib.contextmanager
def substage(name: str):
    """A part of a stage: with DVLIB_PROFILE=1 its wall time printed under the stage's line
    ("  - name"), so the benchmark shows where a long stage spends its time; else nothing."""
    if not config.profile_enabled():
        yield
        return
    t = time.perf_counter()
    yield
    _report(f"  - {name}", time.perf_counter() - t)


def _report(name: str, seconds: float) -> None:
    if not config.profile_enabled():
        return
    rss = peak = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) // 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) // 1024
    print(f"dvlib profile: {name:<20} {seconds:7.1f} s  rss {rss} MB  peak {peak} MB",
          file=sys.stderr)
