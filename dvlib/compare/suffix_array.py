"""Suffix arrays over token sequences, in numpy: the index behind dvlib.compare.formulas.

A corpus's sentences, as one integer sequence with a separator after each, give by prefix
doubling a suffix array and the LCP of adjacent suffixes; the LCP intervals are then the
right-maximal repeated phrases with all their occurrences. The small helpers (distinct
values, ranks within groups, concatenated ranges, size-limited batches) are the vectorised
pieces formulas.py also uses for counting provinces and near-identical sentences.
"""
from __future__ import annotations

import numpy as np


def distinct(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique's hash-based path is far slower on millions of keys)."""
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def rank_in_group(keys: np.ndarray) -> np.ndarray:
    """For each item, how many items with the same key come before it."""
    by = np.argsort(keys, kind="stable")
    start = np.r_[True, keys[by][1:] != keys[by][:-1]] if len(keys) else np.zeros(0, dtype=bool)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[by] = np.arange(len(by)) - np.maximum.accumulate(np.where(start, np.arange(len(by)), 0))
    return rank


def batches(sizes: np.ndarray, limit: int):
    """(lo, hi) slices of consecutive items whose sizes add up to about ``limit``."""
    cum, lo = np.cumsum(sizes), 0
    while lo < len(sizes):
        base = cum[lo - 1] if lo else 0
        hi = max(lo + 1, int(np.searchsorted(cum, base + limit, side="right")))
        yield lo, hi
        lo = hi


def ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated ``arange(lo[i], hi[i])`` and, for each element, its range number i."""
    lengths = hi - lo
    which = np.repeat(np.arange(len(lo)), lengths)
    return np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths - lo, lengths), which


def suffix_array(seq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Suffix array of ``seq`` and the LCP of adjacent suffixes, by prefix doubling.

    ``seq`` ends every sentence with a separator found nowhere else, so no common prefix
    crosses a sentence boundary and the doubling stops after log2(longest sentence) rounds.
    The rank arrays of every round give each LCP by binary lifting, all in numpy.
    """
    n = len(seq)
    rank = np.unique(seq, return_inverse=True)[1].astype(np.int64)
    ranks, step = [rank.astype(np.int32)], 1
    while n and rank.max() < n - 1:
        nxt = np.zeros(n, dtype=np.int64)
        nxt[:n - step] = rank[step:] + 1
        rank = np.unique(rank * (n + 1) + nxt, return_inverse=True)[1].astype(np.int64)
        ranks.append(rank.astype(np.int32))  # kept for the LCPs; int32 halves the memory
        step *= 2
    sa = np.empty(n, dtype=np.int64)
    sa[rank] = np.arange(n)
    a, b = sa[:-1], sa[1:]
    lcp = np.zeros(max(n - 1, 0), dtype=np.int64)
    for level in range(len(ranks) - 1, -1, -1):
        r = ranks[level]
        lcp += (r[a + lcp] == r[b + lcp]).astype(np.int64) << level
    return sa, lcp


def lcp_intervals(lcp: np.ndarray, min_value: int) -> np.ndarray:
    """(value, lb, rb) of every lcp-interval with value >= ``min_value``.

    Suffixes sa[lb..rb] share exactly ``value`` leading tokens and no more: each interval is a
    right-maximal repeated phrase with all its occurrences (a node of the suffix tree).
    """
    idx = np.flatnonzero(lcp >= min_value)
    out: list[tuple[int, int, int]] = []
    for run in np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1):
        if not len(run):
            continue
        start, end = int(run[0]), int(run[-1]) + 1
        stack: list[list[int]] = []  # [value, lb]
        for i, v in enumerate(lcp[start:end].tolist(), start):
            lb = i
            while stack and stack[-1][0] > v:
                val, lb = stack.pop()
                out.append((val, lb, i))
            if not stack or stack[-1][0] < v:
                stack.append([v, lb])
        out.extend((val, lb, end) for val, lb in reversed(stack))
    return np.array(out, dtype=np.int64).reshape(-1, 3)
