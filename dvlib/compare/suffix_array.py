"""Suffix arrays over token sequences, in numpy: the index behind dvlib.compare.formulas.

A corpus's sentences, as one integer sequence with a separator after each, give by prefix
doubling a suffix array and the LCP of adjacent suffixes; the LCP intervals are then the
right-maximal repeated phrases with all their occurrences. The small helpers (distinct
values, ranks within groups, concatenated ranges, size-limited batches) are the vectorised
pieces formulas.py also uses for counting provinces; char_ngrams, prefixes and link are the
set-similarity join behind its near-identical sentences.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components


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


def _dense_rank(key: np.ndarray) -> np.ndarray:
    """``np.unique(key, return_inverse=True)[1]`` as int32, with fewer corpus-long
    temporaries (the suffix array's memory peak at 10,000 reports)."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    bump = np.zeros(len(key), dtype=np.int32)
    if len(key) > 1:
        np.cumsum(ordered[1:] != ordered[:-1], dtype=np.int32, out=bump[1:])
    del ordered
    rank = np.empty(len(key), dtype=np.int32)
    rank[order] = bump
    return rank


def suffix_array(seq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Suffix array of ``seq`` and the LCP of adjacent suffixes, by prefix doubling.

    ``seq`` ends every sentence with a separator found nowhere else, so no common prefix
    crosses a sentence boundary and the doubling stops after log2(longest sentence) rounds.
    The rank arrays of every round give each LCP by binary lifting, all in numpy.
    """
    n = len(seq)
    rank = _dense_rank(seq)
    ranks, step = [rank], 1  # every round's ranks are kept for the LCPs (int32)
    while n and rank.max() < n - 1:
        key = rank.astype(np.int64) * (n + 1)
        key[:n - step] += rank[step:] + 1  # the rank `step` tokens on (0 past the end)
        rank = _dense_rank(key)
        del key
        ranks.append(rank)
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


def char_ngrams(forms: list[str], k: int = 5, chunk_chars: int = 2_000_000) -> sparse.csr_matrix:
    """Binary matrix: which character k-grams each string contains (as CountVectorizer's
    ``analyzer="char"`` would list them), built with numpy.

    Memory stays near the size of the result: the strings are read ``chunk_chars``
    characters at a time, three times (the alphabet; the distinct k-grams, whose sorted
    codes number the columns; the columns of each row), instead of holding several arrays as
    long as the corpus's characters at once (1-2 GB at 10,000 reports)."""
    m = len(forms)
    lengths = np.array([len(f) for f in forms], dtype=np.int64)
    counts = np.maximum(lengths - k + 1, 0)
    indptr = np.r_[0, np.cumsum(counts)]
    chunks = list(batches(np.maximum(lengths, 1), chunk_chars))

    def chars_of(lo, hi):
        return np.frombuffer("".join(forms[lo:hi]).encode("utf-32-le"), dtype=np.uint32)

    top = max((int(chars_of(lo, hi).max(initial=0)) for lo, hi in chunks), default=0)
    present = np.zeros(top + 1, dtype=bool)
    for lo, hi in chunks:
        present[chars_of(lo, hi)] = True
    dense = np.cumsum(present, dtype=np.int64)  # dense character codes from 1
    bits = max(int(dense[-1]).bit_length(), 1)
    if bits * k > 62:  # a very large alphabet: number the k-grams by repeated pairing
        return _char_ngrams_paired(forms, k, dense)

    def keys_of(lo, hi):
        code = dense[chars_of(lo, hi)]
        starts = np.r_[0, np.cumsum(lengths[lo:hi])[:-1]]
        where, _ = ranges(starts, starts + counts[lo:hi])  # k-gram starts, row by row
        key = np.zeros(len(where), dtype=np.int64)
        for j in range(k):
            key <<= bits
            key |= code[where + j]
        return key

    vocab = distinct(np.concatenate([distinct(keys_of(lo, hi)) for lo, hi in chunks] or
                                    [np.zeros(0, dtype=np.int64)]))
    col = np.empty(int(indptr[-1]), dtype=np.int32)
    for lo, hi in chunks:
        col[indptr[lo]:indptr[hi]] = np.searchsorted(vocab, keys_of(lo, hi))
    x = sparse.csr_matrix((np.ones(len(col), dtype=np.int32), col, indptr),
                          shape=(m, len(vocab)))
    x.sum_duplicates()
    x.data[:] = 1
    return x


def _char_ngrams_paired(forms: list[str], k: int, dense: np.ndarray) -> sparse.csr_matrix:
    """:func:`char_ngrams` for an alphabet too large to pack k codes in 62 bits (all at once)."""
    lengths = np.array([len(f) for f in forms], dtype=np.int64)
    code = dense[np.frombuffer("".join(forms).encode("utf-32-le"), dtype=np.uint32)]
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    counts = np.maximum(lengths - k + 1, 0)
    where, _ = ranges(starts, starts + counts)
    key = code[where].astype(np.int64)
    for j in range(1, k):
        key = np.unique(key * (int(code.max()) + 1) + code[where + j], return_inverse=True)[1]
    col = pd.factorize(key)[0].astype(np.int32)
    x = sparse.csr_matrix((np.ones(len(col), dtype=np.int32), col, np.r_[0, np.cumsum(counts)]),
                          shape=(len(forms), int(col.max()) + 1 if len(col) else 0))
    x.sum_duplicates()
    x.data[:] = 1
    return x


def prefixes(x: sparse.csr_matrix, sizes: np.ndarray, coeff: float, k: int) -> sparse.csr_matrix:
    """Each row's first ``size - ceil(coeff * size) + k`` features, plus one for rounding.

    Columns of ``x`` are numbered rarest first and sorted within rows. Prefix filtering: if two
    sets share at least a = coeff * size elements, their first k shared elements lie within
    both prefixes of length size - a + k (so the prefixes share k features, or a if a < k).
    """
    counts = np.diff(x.indptr)
    length = np.clip(sizes - np.ceil(coeff * sizes) + k + 1, 0, sizes)
    keep = np.minimum(length, counts).astype(np.int64)
    # the first ``keep`` entries of each row, without arrays as long as all of x's entries
    lo = x.indptr[:-1].astype(np.int64)
    pos, _ = ranges(lo, lo + keep)
    return sparse.csr_matrix((np.ones(len(pos), dtype=np.int32), x.indices[pos],
                              np.r_[0, np.cumsum(keep)]), shape=x.shape)


def link(x, sizes, threshold, label, a, b, chunk):
    """Component labels after linking the pairs (a, b) whose Jaccard is >= ``threshold``."""
    m = len(label)
    for c in range(0, len(a), chunk):
        ca, cb = a[c:c + chunk], b[c:c + chunk]
        v = np.asarray(x[ca].multiply(x[cb]).sum(axis=1)).ravel()
        link = v / (sizes[ca] + sizes[cb] - v) >= threshold
        # Merge components through the new links (a graph on component labels).
        graph = sparse.coo_matrix(
            (np.ones(int(link.sum())), (label[ca[link]], label[cb[link]])), shape=(m, m))
        label = connected_components(graph, directed=False)[1][label]
    return label


def find_phrase(seq: np.ndarray, pattern: list[int]) -> np.ndarray:
    """Start positions of every occurrence of ``pattern`` (codes) in ``seq``: one vectorised
    pass per pattern token over the positions still matching, so O(len(seq)) per pattern."""
    if not pattern or len(pattern) > len(seq):
        return np.zeros(0, dtype=np.int64)
    hit = np.flatnonzero(seq[:len(seq) - len(pattern) + 1] == pattern[0])
    for j in range(1, len(pattern)):
        hit = hit[seq[hit + j] == pattern[j]]
    return hit


def parallel_runs(seq: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of every parallel run "A x A y [A z ...]" in ``seq``: one code repeated
    at every other position with a different code after each (codes < 0 are separators, never
    part of a run). One vectorised pass, then a loop over the hits only."""
    if len(seq) < 4:
        return []
    a, x, b, y = seq[:-3], seq[1:-2], seq[2:-1], seq[3:]
    hit = np.flatnonzero((a == b) & (x != y) & (x != a) & (y != a) & (a >= 0) & (x >= 0)
                         & (y >= 0))
    runs: list[list[int]] = []
    for i in hit.tolist():
        if runs and runs[-1][0] + runs[-1][1] - 2 == i and seq[runs[-1][0]] == seq[i]:
            runs[-1][1] += 2  # "A x A y" continued by "A z"
        else:
            runs.append([i, 4])
    return [(s, n) for s, n in runs]


def jaccard_components(forms: list[str], threshold: float, block: int = 256,
                       chunk: int = 5_000, overlap_k: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Connected components of the strings whose character 5-gram sets have Jaccard >=
    ``threshold`` (label of each string), and each string's number of 5-grams.

    Exact, without comparing every pair: candidate pairs come from prefix filtering (a pair
    with Jaccard >= t shares ``overlap_k`` of its rarer 5-grams), ``block`` strings at a time
    so memory stays bounded; they are verified ``chunk`` pairs at a time, skipping pairs
    already linked through others (a template repeated in hundreds of reports would
    otherwise need every pair of its copies).
    """
    x = char_ngrams(forms)
    sizes = np.asarray(x.sum(axis=1)).ravel()
    df = np.asarray(x.sum(axis=0)).ravel()
    rarity = np.empty(len(df), dtype=x.indices.dtype)
    rarity[np.argsort(df, kind="stable")] = np.arange(len(df))
    x = sparse.csr_matrix((x.data, rarity[x.indices], x.indptr), shape=x.shape)
    x.sort_indices()
    m = len(forms)
    label = np.arange(m)  # connected component of each text so far
    if m > 1 and threshold <= 1:
        # PPJoin bounds: probe with the larger set's prefix, index the smaller set's.
        t = max(threshold, 0.0)
        probe = prefixes(x, sizes, t, overlap_k)
        index = prefixes(x, sizes, 2 * t / (1 + t), overlap_k).T.tocsr()
        for lo in range(0, m, block):
            cand = (probe[lo:lo + block] @ index).tocoo()
            a, b = cand.row.astype(np.int64) + lo, cand.col.astype(np.int64)
            smaller = (sizes[b] < sizes[a]) | ((sizes[b] == sizes[a]) & (b < a))
            least = np.minimum(overlap_k, np.ceil(t / (1 + t) * (sizes[a] + sizes[b]) - 1e-6))
            keep = smaller & (sizes[b] >= threshold * sizes[a] - 1e-9) & (cand.data >= least)
            a, b = a[keep], b[keep]
            tries = 1
            while len(a):
                todo = label[a] != label[b]
                a, b = a[todo], b[todo]
                if not len(a):
                    break
                # Verify at most ``tries`` pairs per component this round, doubling each round:
                # the copies of a template link up after a few checks instead of all pairs.
                now = rank_in_group(label[a]) < tries
                label = link(x, sizes, threshold, label, a[now], b[now], chunk)
                a, b, tries = a[~now], b[~now], tries * 2
    return label, sizes


def cover_mask(seq: np.ndarray, vocab: dict[str, int], stoplist: list[str]) -> np.ndarray:
    """Which positions of ``seq`` belong to an occurrence of a stoplisted formula.

    Masking in the sentence (not in the phrase) also catches fragments that start inside a
    formula, such as "chính trị xã hội tỉnh" cut from "các tổ chức chính trị - xã hội tỉnh".
    """
    cover = np.zeros(len(seq) + 1, dtype=np.int64)
    for entry in stoplist:
        toks = entry.split()
        if not toks or any(t not in vocab for t in toks):
            continue
        e = [vocab[t] for t in toks]
        hit = find_phrase(seq, e)
        np.add.at(cover, hit, 1)
        np.add.at(cover, hit + len(e), -1)
    return np.cumsum(cover[:-1]) > 0
