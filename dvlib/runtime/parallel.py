"""Run a per-document stage in worker processes.

Labelling, coding and the like work sentence by sentence within a document, so a corpus can
be cut into groups of whole documents and processed on every core. Workers are forked, so
whatever the parent has loaded (a fitted classifier, compiled lexicons) is there already.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Callable

import pandas as pd

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
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        parts = list(pool.map(func, chunks))
    return pd.concat(parts, ignore_index=not keep_index)
