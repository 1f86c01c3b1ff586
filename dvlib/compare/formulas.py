"""Shared formulas across provinces (keyword-in-context is :mod:`dvlib.compare.kwic`).

Reports copy wording from central guidance and from each other ("công tác tuyên truyền có lúc,
có việc ..."). Finding the same phrase in several provinces separates the template from what a
province actually says. Matching runs on :func:`dvlib.text.normalize.match_form` syllables with
punctuation removed, so NFC/NFD, old/new tone placement and case do not matter; every quote is
sliced from the sentence's own text (match_form is length-preserving on NFC text).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from dvlib.segment import blank_str, ensure_content
from dvlib.text.normalize import match_form, nfc
from dvlib.compare.kwic import tokens_with_spans  # noqa: F401  (part of this module's API)
from dvlib.config import data_file
from dvlib.compare.suffix_array import (batches as _batches, distinct as _distinct,
                                        lcp_intervals as _lcp_intervals, ranges as _ranges,
                                        rank_in_group as _rank_in_group,
                                        suffix_array as _suffix_array)

_SYLLABLE = re.compile(r"\w+")
# Default caps of shared_formulas: on 2,000 reports a stock sentence recurs in hundreds of
# reports and the long table would run to hundreds of thousands of rows. Both leave the seed
# corpus's tables as they are (at most 356 formulas, 37 rows per formula there).
MAX_FORMULAS: int | None = 1000
MAX_QUOTES: int | None = 50

FORMULA_COLUMNS = ["formula_id", "kind", "phrase", "n_tokens", "n_provinces", "n_occurrences",
                   "provinces", "score", "province", "doc_id", "sentence_id", "quote", "text"]


def load_stoplist(path=None) -> list[str]:
    """Ubiquitous formulas (one per line, ``#`` comments) as space-joined match-form tokens."""
    path = data_file("formula_stoplist.txt") if path is None else path
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(" ".join(tokens_with_spans(line)[0]))
    return out


class _Prepared:
    """Distinct sentence texts, their match-form tokens and the rows that carry them.

    Reports repeat sentences verbatim (templates, paragraphs reused from report to report), so
    every search below runs once per distinct text and expands to rows at the end.
    """

    def __init__(self, sents: pd.DataFrame, unit: str):
        self.sents = sents.reset_index(drop=True)
        self.texts = [nfc(t) for t in self.sents["text"].astype(str)]
        self.units = blank_str(self.sents[unit]).tolist()
        index: dict[str, int] = {}
        self.text_of_row = np.fromiter((index.setdefault(t, len(index)) for t in self.texts),
                                       dtype=np.int64, count=len(self.texts))
        self.utexts = list(index)
        self.forms = [match_form(t) for t in self.utexts]
        self.tokens = [_SYLLABLE.findall(f) for f in self.forms]
        order = np.argsort(self.text_of_row, kind="stable")
        bounds = np.searchsorted(self.text_of_row[order], np.arange(len(self.utexts) + 1))
        # Rows of distinct text u: row_order[row_bounds[u]:row_bounds[u + 1]].
        self.row_order, self.row_bounds = order, bounds
        self.unit_codes, self.unit_names = pd.factorize(pd.Series(self.units, dtype=object))
        # The distinct units of each distinct text: text_units[ptr[u]:ptr[u + 1]].
        width = len(self.unit_names) + 1
        pairs = _distinct(self.text_of_row * width + self.unit_codes)
        self.text_units = pairs % width
        self.text_units_ptr = np.r_[0, np.cumsum(np.bincount(pairs // width,
                                                             minlength=len(self.utexts)))]
        self._spans: dict[int, list[tuple[int, int]]] = {}

    def rows_of(self, u: int) -> np.ndarray:
        return self.row_order[self.row_bounds[u]:self.row_bounds[u + 1]]

    def spans(self, u: int) -> list[tuple[int, int]]:
        """Character spans of text ``u``'s tokens (only needed for quotes, so computed lazily)."""
        if u not in self._spans:
            self._spans[u] = [m.span() for m in _SYLLABLE.finditer(self.forms[u])]
        return self._spans[u]

    def count_units(self, group: np.ndarray, texts: np.ndarray, n_groups: int) -> np.ndarray:
        """Distinct units of each group 0..n_groups-1, given (group, distinct text) pairs."""
        if not len(group):
            return np.zeros(n_groups, dtype=np.int64)
        idx, which = _ranges(self.text_units_ptr[texts], self.text_units_ptr[texts + 1])
        width = len(self.unit_names) + 1
        pairs = _distinct(group[which] * width + self.text_units[idx])
        return np.bincount(pairs // width, minlength=n_groups)


@dataclass
class _Phrases:
    """Shared phrases; occurrences of phrase i are (text, pos)[bounds[i]:bounds[i + 1]]."""
    phrases: list[str]
    n_tokens: np.ndarray
    n_units: np.ndarray
    text: np.ndarray   # distinct text of each occurrence (it stands for all rows with that text)
    pos: np.ndarray    # token position of each occurrence
    bounds: np.ndarray


def _shared_phrases(prep: _Prepared, n: int, min_provinces: int, stop: list[str]):
    """Maximal token runs (length >= n) found in >= ``min_provinces`` provinces.

    A phrase is kept if no one-token extension (left or right) has all of its occurrences, so
    the sub-phrases of a longer shared phrase are not reported again. These are the left- and
    right-maximal repeats of a suffix array over the distinct texts, each a block of adjacent
    suffixes, so every phrase and all its occurrences come out in one pass (no re-scanning).
    Stoplisted phrases are removed.
    """
    empty = _Phrases([], *[np.zeros(k, dtype=np.int64) for k in (0, 0, 0, 0, 1)])
    keep = [u for u, toks in enumerate(prep.tokens) if len(toks) >= n]
    if not keep or n < 1:
        return empty
    flat = pd.Series([t for u in keep for t in prep.tokens[u]], dtype=object)
    codes, uniques = pd.factorize(flat)
    vocab = {t: i for i, t in enumerate(uniques)}
    lengths = np.array([len(prep.tokens[u]) for u in keep], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
    seq = np.empty(int((lengths + 1).sum()), dtype=np.int64)
    seq_text = np.repeat(np.array(keep, dtype=np.int64), lengths + 1)
    seq_pos = np.arange(len(seq)) - np.repeat(starts, lengths + 1)
    body = seq_pos < np.repeat(lengths, lengths + 1)
    seq[body] = codes
    seq[~body] = len(vocab) + np.arange(len(keep))  # one separator per text, unique
    sa, lcp = _suffix_array(seq)

    # Candidates: lcp-intervals, plus a whole text repeated verbatim in several rows (a
    # single suffix whose every occurrence is a copy of the same text).
    iv = _lcp_intervals(lcp, n)
    # (With min_provinces <= 1 a text found once is "shared" too.)
    first = np.flatnonzero((seq_pos[sa] == 0) & ((np.diff(prep.row_bounds)[seq_text[sa]] > 1)
                                                 | (min_provinces <= 1)))
    full = lengths[np.searchsorted(keep, seq_text[sa[first]])]
    nb = np.maximum(np.r_[0, lcp][first], np.r_[lcp, 0][first])
    first, full = first[nb < full], full[nb < full]
    cand = np.concatenate([iv, np.stack([full, first, first], axis=1)])
    # Left-maximal: the occurrences are not all preceded by the same token (a text start
    # counts as a token of its own).
    prev = np.where(seq_pos > 0, np.r_[-1, seq[:-1]], -2 - np.arange(len(seq)))[sa]
    changes = np.r_[0, np.cumsum(prev[1:] != prev[:-1])]
    cand = cand[(changes[cand[:, 2]] > changes[cand[:, 1]]) | (cand[:, 1] == cand[:, 2])]
    if not len(cand):
        return empty
    # Occurrences, distinct units and stoplist test of every candidate, a few million
    # occurrences at a time so memory stays bounded.
    sizes = cand[:, 2] - cand[:, 1] + 1
    masked = np.r_[0, np.cumsum(_stop_mask(seq, vocab, stop))] if stop else None
    n_units, ok, kept = np.zeros(len(cand), dtype=np.int64), np.zeros(len(cand), dtype=bool), []
    width = len(prep.utexts) + 1
    for lo, hi in _batches(sizes, 1 << 20):
        c = cand[lo:hi]
        idx, which = _ranges(c[:, 1], c[:, 2] + 1)
        occ = sa[idx]
        pairs = _distinct(which * width + seq_text[occ])
        n_units[lo:hi] = prep.count_units(pairs // width, pairs % width, hi - lo)
        good = n_units[lo:hi] >= min_provinces
        if masked is not None:
            # Generic when, wherever it occurs, fewer than n of its syllables are its own.
            L = c[which, 0]
            own = L - (masked[occ + L] - masked[occ])
            good &= np.maximum.reduceat(own, np.r_[0, np.cumsum(sizes[lo:hi])[:-1]]) >= n
        ok[lo:hi] = good
        kept.append(occ[good[which]])
    occ = np.concatenate(kept)
    bounds = np.r_[0, np.cumsum(sizes[ok])]
    first = occ[bounds[:-1]]
    phrases = [" ".join(prep.tokens[u][p:p + L]) for u, p, L in
               zip(seq_text[first].tolist(), seq_pos[first].tolist(), cand[ok, 0].tolist())]
    return _Phrases(phrases, cand[ok, 0], n_units[ok], seq_text[occ], seq_pos[occ], bounds)


def _stop_mask(seq: np.ndarray, vocab: dict[str, int], stoplist: list[str]) -> np.ndarray:
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
        hit = np.flatnonzero(seq[:len(seq) - len(e) + 1] == e[0])
        for j in range(1, len(e)):
            hit = hit[seq[hit + j] == e[j]]
        np.add.at(cover, hit, 1)
        np.add.at(cover, hit + len(e), -1)
    return np.cumsum(cover[:-1]) > 0


def _char_ngrams(forms: list[str], k: int = 5) -> sparse.csr_matrix:
    """Binary matrix: which character k-grams each string contains (as CountVectorizer's
    ``analyzer="char"`` would list them), built with numpy on all strings at once."""
    lengths = np.array([len(f) for f in forms], dtype=np.int64)
    chars = np.frombuffer("".join(forms).encode("utf-32-le"), dtype=np.uint32)
    present = np.zeros(int(chars.max()) + 1 if len(chars) else 1, dtype=bool)
    present[chars] = True
    code = np.cumsum(present, dtype=np.int64)[chars]  # dense character codes from 1
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    where, row = _ranges(starts, starts + np.maximum(lengths - k + 1, 0))  # k-gram starts
    bits = max(int(code.max()).bit_length(), 1) if len(code) else 1
    if bits * k <= 62:
        key = np.zeros(len(where), dtype=np.int64)
        for j in range(k):
            key <<= bits
            key |= code[where + j]
    else:  # a very large alphabet: number the k-grams exactly by repeated pairing
        key = code[where]
        for j in range(1, k):
            key = np.unique(key * (code.max() + 1) + code[where + j], return_inverse=True)[1]
    del code, where
    col = pd.factorize(key)[0]  # hashing: linear time, the column order does not matter
    x = sparse.csr_matrix((np.ones(len(row), dtype=np.int32), (row, col)),
                          shape=(len(forms), int(col.max()) + 1 if len(col) else 0))
    x.sum_duplicates()
    x.data[:] = 1
    return x


def _prefixes(x: sparse.csr_matrix, sizes: np.ndarray, coeff: float, k: int) -> sparse.csr_matrix:
    """Each row's first ``size - ceil(coeff * size) + k`` features, plus one for rounding.

    Columns of ``x`` are numbered rarest first and sorted within rows. Prefix filtering: if two
    sets share at least a = coeff * size elements, their first k shared elements lie within
    both prefixes of length size - a + k (so the prefixes share k features, or a if a < k).
    """
    counts = np.diff(x.indptr)
    rank_in_row = np.arange(x.nnz) - np.repeat(x.indptr[:-1], counts)
    length = np.clip(sizes - np.ceil(coeff * sizes) + k + 1, 0, sizes)
    take = rank_in_row < np.repeat(length, counts)
    rows = np.repeat(np.arange(x.shape[0]), counts)[take]
    return sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, x.indices[take])),
                             shape=x.shape)


def _link(x, sizes, threshold, label, a, b, chunk):
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


def _near_identical(prep: _Prepared, threshold: float, min_len: int, min_provinces: int,
                    block: int = 256, chunk: int = 5_000, overlap_k: int = 4):
    """Groups of sentences whose character 5-gram sets have Jaccard >= ``threshold``.

    Exact, without comparing every pair: candidate pairs come from prefix filtering (a pair
    with Jaccard >= t shares ``overlap_k`` of its rarer 5-grams), ``block`` texts at a time
    so memory stays bounded; they are verified ``chunk`` pairs at a time, skipping pairs
    whose two texts are already linked through others (a template repeated in hundreds of
    reports would otherwise need every pair of its copies).
    """
    forms = [" ".join(t) for t in prep.tokens]
    row_forms = np.array([len(forms[u]) >= min_len for u in range(len(forms))], dtype=bool)
    if row_forms[prep.text_of_row].sum() < 2:
        return []
    texts = np.flatnonzero(row_forms)
    x = _char_ngrams([forms[u] for u in texts])
    sizes = np.asarray(x.sum(axis=1)).ravel()
    df = np.asarray(x.sum(axis=0)).ravel()
    rarity = np.empty(len(df), dtype=x.indices.dtype)
    rarity[np.argsort(df, kind="stable")] = np.arange(len(df))
    x = sparse.csr_matrix((x.data, rarity[x.indices], x.indptr), shape=x.shape)
    x.sort_indices()
    m = len(texts)
    label = np.arange(m)  # connected component of each text so far
    if m > 1 and threshold <= 1:
        # PPJoin bounds: probe with the larger set's prefix, index the smaller set's.
        t = max(threshold, 0.0)
        probe = _prefixes(x, sizes, t, overlap_k)
        index = _prefixes(x, sizes, 2 * t / (1 + t), overlap_k).T.tocsr()
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
                now = _rank_in_group(label[a]) < tries
                label = _link(x, sizes, threshold, label, a[now], b[now], chunk)
                a, b, tries = a[~now], b[~now], tries * 2
    # Copies of one text are identical (Jaccard 1) unless the text has no 5-gram at all.
    merge = (sizes > 0) & (threshold <= 1)
    groups: dict[int, list[int]] = {}
    for pos, u in enumerate(texts.tolist()):
        rows = prep.rows_of(u).tolist()
        if merge[pos]:
            groups.setdefault(int(label[pos]), []).extend(rows)
        else:
            for r in rows:
                groups[-1 - r] = [r]
    out = []
    for g in groups.values():
        if len({prep.units[k] for k in g}) >= min_provinces:
            out.append(sorted(g))
    return sorted(out, key=lambda g: g[0])


def shared_formulas(sentences: pd.DataFrame, min_provinces: int = 2, n: int = 5,
                    min_len: int = 40, jaccard: float = 0.7,
                    stoplist: bool | Iterable[str] | None = None, unit: str = "province",
                    documents: pd.DataFrame | None = None,
                    max_formulas: int | None = MAX_FORMULAS,
                    max_quotes: int | None = MAX_QUOTES) -> pd.DataFrame:
    """Wording shared by reports of different provinces, one row per occurrence.

    Two kinds: ``phrase`` = maximal runs of >= ``n`` syllables (match form, punctuation
    removed) found in >= ``min_provinces`` provinces; ``sentence`` = whole sentences (at least
    ``min_len`` characters) that are near-identical across provinces (character 5-gram
    Jaccard >= ``jaccard``). Formulas are ranked by score = n_tokens x n_provinces.
    ``stoplist=True`` drops ubiquitous formulas listed in ``data/formula_stoplist.txt``
    (or pass your own phrases): a phrase goes if, in every sentence where it occurs, fewer
    than ``n`` of its syllables lie outside stoplisted formulas. ``quote`` is the phrase as the
    report spells it; rows come by formula, then in corpus order (left to right in a sentence).

    Caps, so that a large corpus gives a table one can read (``None`` = no cap): only the
    ``max_formulas`` top-ranked formulas are kept (``formula_id`` <= max_formulas), and a
    formula keeps at most ``max_quotes`` occurrence rows, but always one per province: the
    first occurrence in each province, then the second ones, and so on, in corpus order.
    ``n_occurrences``, ``n_provinces`` and ``provinces`` always count every occurrence.
    """
    sents = ensure_content(sentences, documents)
    prep = _Prepared(sents, unit)
    if stoplist is True:
        stop = load_stoplist()
    elif stoplist:
        stop = [" ".join(tokens_with_spans(s)[0]) for s in stoplist]
    else:
        stop = []

    found = _shared_phrases(prep, n, min_provinces, stop)
    groups = _near_identical(prep, jaccard, min_len, min_provinces)
    copies = np.diff(prep.row_bounds)
    n_occ = np.add.reduceat(copies[found.text], found.bounds[:-1]) if len(found.phrases) else []
    meta = pd.DataFrame({
        "kind": ["phrase"] * len(found.phrases) + ["sentence"] * len(groups),
        "phrase": found.phrases + [prep.texts[g[0]] for g in groups],
        "n_tokens": np.r_[found.n_tokens, [min(len(prep.tokens[prep.text_of_row[k]]) for k in g)
                                           for g in groups]].astype(np.int64),
        "n_provinces": np.r_[found.n_units, [len({prep.units[k] for k in g}) for g in groups]
                             ].astype(np.int64),
        "n_occurrences": np.r_[n_occ, [len(g) for g in groups]].astype(np.int64)})
    if meta.empty:
        return pd.DataFrame(columns=FORMULA_COLUMNS)
    meta["score"] = meta["n_tokens"] * meta["n_provinces"]
    # Rank formulas: score, then occurrences, then kind and phrase.
    ranking = (meta.drop_duplicates(["kind", "phrase"])
               .sort_values(["score", "n_occurrences", "kind", "phrase"],
                            ascending=[False, False, True, True]))
    ids = {key: i for i, key in enumerate(zip(ranking["kind"], ranking["phrase"]), start=1)}
    formula_id = np.array([ids[key] for key in zip(meta["kind"], meta["phrase"])], dtype=np.int64)
    kept = np.flatnonzero(formula_id <= max_formulas) if max_formulas is not None else \
        np.arange(len(meta))

    which, rows, quotes, provinces = [], [], [], {}
    for f in kept.tolist():
        if f < len(found.phrases):
            r, q = _phrase_rows(prep, found, f)
        else:
            r = np.asarray(groups[f - len(found.phrases)])
            q = [prep.texts[k] for k in r.tolist()]
        provinces[f] = "; ".join(sorted({prep.units[k] for k in r.tolist()}))
        if max_quotes is not None:
            r, q = _cap_rows(prep, r, q, max_quotes)
        which.append(np.full(len(r), f))
        rows.append(r)
        quotes.extend(q)
    if not which:  # max_formulas=0
        return pd.DataFrame(columns=FORMULA_COLUMNS)
    which, rows = np.concatenate(which), np.concatenate(rows).astype(np.int64)
    order = np.lexsort((rows, formula_id[which]))  # stable: by formula, then corpus order
    which, rows = which[order].tolist(), rows[order].tolist()
    doc_ids, sentence_ids = prep.sents["doc_id"].tolist(), prep.sents["sentence_id"].tolist()
    cols = {"formula_id": formula_id[which]}
    for col in ("kind", "phrase", "n_tokens", "n_provinces", "n_occurrences"):
        values = meta[col].tolist()
        cols[col] = [values[f] for f in which]
    cols["provinces"] = [provinces[f] for f in which]
    cols["score"] = meta["score"].to_numpy()[which]
    cols["province"] = [prep.units[k] for k in rows]
    cols["doc_id"] = [doc_ids[k] for k in rows]
    cols["sentence_id"] = [sentence_ids[k] for k in rows]
    cols["quote"] = [quotes[i] for i in order.tolist()]
    cols["text"] = [prep.texts[k] for k in rows]
    return pd.DataFrame(cols, columns=FORMULA_COLUMNS)


def _phrase_rows(prep: _Prepared, found: _Phrases, f: int) -> tuple[np.ndarray, list[str]]:
    """Rows and quotes of shared phrase ``f``, in corpus order (left to right in a sentence)."""
    L = int(found.n_tokens[f])
    rows, pos, quotes = [], [], []
    lo, hi = found.bounds[f], found.bounds[f + 1]
    for u, p in zip(found.text[lo:hi].tolist(), found.pos[lo:hi].tolist()):
        spans = prep.spans(u)
        quote = prep.utexts[u][spans[p][0]:spans[p + L - 1][1]]
        for k in prep.rows_of(u).tolist():
            rows.append(k)
            pos.append(p)
            quotes.append(quote)
    order = np.lexsort((pos, rows))
    return np.asarray(rows, dtype=np.int64)[order], [quotes[i] for i in order.tolist()]


def _cap_rows(prep: _Prepared, rows: np.ndarray, quotes: list[str], cap: int):
    """At most ``cap`` rows (never fewer than one per province), province by province in turn."""
    if len(rows) <= cap:
        return rows, quotes
    codes = prep.unit_codes[rows]
    turn = _rank_in_group(codes)  # 0 = first row of its province, 1 = second ...
    limit = max(cap, len(np.unique(codes)))
    keep = np.sort(np.lexsort((np.arange(len(rows)), turn))[:limit])
    return rows[keep], [quotes[i] for i in keep.tolist()]


def summarize_formulas(formulas: pd.DataFrame) -> pd.DataFrame:
    """One row per formula (first quote as example) from the long :func:`shared_formulas`."""
    cols = ["formula_id", "kind", "phrase", "n_tokens", "n_provinces", "n_occurrences",
            "provinces", "score"]
    first = formulas.groupby("formula_id", sort=True).first().reset_index()
    return first[cols + ["quote"]].rename(columns={"quote": "example"})
