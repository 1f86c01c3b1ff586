"""Run per-document work in worker processes (or on a Dask cluster), and cache its results.

Labelling, coding and the like work sentence by sentence within a document, so a corpus can
be cut into groups of whole documents and processed on every core. Workers are forked, so
whatever the parent has loaded (a fitted classifier, compiled lexicons) is there already.

* :func:`map_documents`: one stage's function over a sentence table, in chunks of documents;
* :func:`map_batches`: any module-level function over a list of batches, locally or on the
  Dask cluster at ``scheduler`` (:mod:`dvlib.runtime.dask`), with one progress bar;
* :class:`FrameCache`: per-document results as Arrow files, keyed by content and code.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable, Iterator, Sequence

import pandas as pd
from tqdm.auto import tqdm

# Below this many rows the pool's start-up costs more than it saves.
MIN_ROWS_FOR_POOL = 4000


def document_chunks(frame: pd.DataFrame, n_chunks: int) -> list[pd.DataFrame]:
    """About ``n_chunks`` runs of consecutive rows of similar size, never splitting a
    document (its rows must be contiguous)."""
    codes, _ = pd.factorize(frame["doc_id"])
    bounds = [round(i * len(frame) / n_chunks) for i in range(n_chunks + 1)]
    chunks, start = [], 0
    for b in bounds[1:]:
        end = b
        while 0 < end < len(frame) and codes[end] == codes[end - 1]:
            end += 1  # never split a document
        if end > start:
            chunks.append(frame.iloc[start:end])
            start = end
    if start < len(frame):
        chunks.append(frame.iloc[start:])
    return chunks


def die_with_parent(parent_pid: int) -> None:
    """Worker initializer: ask the kernel to kill this worker when its parent dies (Linux
    ``PR_SET_PDEATHSIG``), so a killed run leaves no worker computing on for its result."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux glibc: fall back to the check below only
        pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def worker_init(parent_pid: int, then: Callable | None = None) -> None:
    """Pool initializer: :func:`die_with_parent`, then ``then()`` (the caller's own)."""
    die_with_parent(parent_pid)
    if then is not None:
        then()


def map_documents(func: Callable[[pd.DataFrame], pd.DataFrame], frame: pd.DataFrame,
                  n_jobs: int | None = None, min_rows: int = MIN_ROWS_FOR_POOL,
                  keep_index: bool = True) -> pd.DataFrame:
    """``func`` applied to groups of whole documents (by ``doc_id``), results in input order.

    ``func`` must treat documents independently and return one table for its input (as
    ``label_families`` or ``code_sentences`` do); the result equals ``func(frame)``
    (with a fresh index when ``keep_index`` is False). The rows of a document must be
    contiguous, as sentence tables are; otherwise everything runs in this process.
    """
    jobs = n_jobs or os.cpu_count() or 1
    codes, _ = pd.factorize(frame["doc_id"])
    contiguous = len(codes) == 0 or bool((codes[1:] >= codes[:-1]).all())
    if (jobs <= 1 or len(frame) < min_rows or not contiguous
            or not sys.platform.startswith("linux")):
        return func(frame)
    # About 4 chunks per worker so an uneven chunk evens out.
    chunks = document_chunks(frame, jobs * 4)
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        parts = list(pool.map(func, chunks))
    return pd.concat(parts, ignore_index=not keep_index)


# --------------------------------------------------------------------------- batches of work
def map_batches(func: Callable, batches: Sequence, *, n_jobs: int | None = None,
                scheduler=None, sizes: Sequence[int] | None = None, desc: str = "documents",
                unit: str = "doc", progress: bool = True,
                initializer: Callable | None = None) -> Iterator[tuple[int, object]]:
    """``(i, func(batches[i]))`` for every batch, in the order they finish: on the Dask
    cluster at ``scheduler`` when one is given (see :mod:`dvlib.runtime.dask`), else in
    ``n_jobs`` forked worker processes (default: every core), else (one job, one batch) here.

    One tqdm bar counts ``sizes[i]`` units per finished batch (documents by default), with
    its rate. ``func`` must be a module-level function (it travels to the workers by name).
    """
    if scheduler:
        from dvlib.runtime.dask import map_on_cluster
        yield from map_on_cluster(func, batches, scheduler, sizes=sizes, desc=desc, unit=unit,
                                  progress=progress)
        return
    jobs = min(n_jobs if n_jobs and n_jobs > 0 else (os.cpu_count() or 1), len(batches))
    total = sum(sizes) if sizes is not None else len(batches)
    step = (lambda i: sizes[i]) if sizes is not None else (lambda i: 1)
    if jobs <= 1 or not sys.platform.startswith("linux"):
        if initializer is not None:
            initializer()
        with tqdm(total=total, desc=desc, unit=unit, disable=not progress) as bar:
            for i, batch in enumerate(batches):
                result = func(batch)
                bar.update(step(i))
                yield i, result
        return
    # fork: workers inherit what the parent imported and loaded (models, lexicons). The pool
    # starts before the bar so no tqdm monitor thread exists at fork time.
    ctx = multiprocessing.get_context("fork")
    # Every worker dies with this process (a killed run leaves nothing computing on).
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=worker_init,
                             initargs=(os.getpid(), initializer)) as pool:
        futures = {pool.submit(func, b): i for i, b in enumerate(batches)}
        with tqdm(total=total, desc=desc, unit=unit, disable=not progress) as bar:
            for fut in as_completed(futures):
                i = futures[fut]
                result = fut.result()
                bar.update(step(i))
                yield i, result


def batches_by_size(sizes: Sequence[int], target: int, max_items: int = 64) -> list[list[int]]:
    """Positions ``0..len(sizes)-1`` cut into consecutive runs of about ``target`` units (at
    most ``max_items`` items each): big enough that a task's fixed cost is spread, small
    enough that every worker gets several and an uneven one evens out."""
    out, cur, acc = [], [], 0
    for i, n in enumerate(sizes):
        cur.append(i)
        acc += n
        if acc >= target or len(cur) >= max_items:
            out.append(cur)
            cur, acc = [], 0
    if cur:
        out.append(cur)
    return out


# --------------------------------------------------------------------------- per-document cache
class FrameCache:
    """Tables cached by key (a hash of the input and of the code and data that made the
    output) as Arrow IPC files under ``folder``: columnar, typed, read back without parsing.

    A key that is absent, or a file that cannot be read, is a miss; writes are atomic, so an
    interrupted run never leaves a half-written entry."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.arrow"

    def get(self, key: str):
        """The Arrow table stored under ``key``, or None."""
        import pyarrow.feather as feather
        try:
            return feather.read_table(self._path(key), memory_map=False)
        except (OSError, ValueError, KeyError):
            return None

    def put(self, key: str, table) -> None:
        """Store the Arrow table ``table`` under ``key`` (atomically)."""
        import pyarrow.feather as feather
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        feather.write_feather(table, tmp,
                              compression="lz4")
        os.replace(tmp, path)
