"""Shared formulas across provinces (keyword-in-context is :mod:`dvlib.compare.kwic`).

Reports copy wording from central guidance and from each other ("công tác tuyên truyền có lúc,
có việc ..."). Finding the same phrase in several provinces separates the template from what a
province actually says. Stock formulas of the genre ("có lúc, có nơi", data/formulas.yaml) and
parallels "A x, A y" are grouped with their variants ("có lúc, có việc", "có nơi, có lúc"), so
one formula names every province that uses any wording of it. Matching runs on
:func:`dvlib.text.normalize.match_form` syllables with punctuation removed, so NFC/NFD, old/new
tone placement and case do not matter; every quote is sliced from the sentence's own text
(match_form is length-preserving on NFC text).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from collections import Counter
from itertools import combinations
from typing import Iterable

import numpy as np
import pandas as pd
import yaml
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from dvlib.segment import blank_str, ensure_content
from dvlib.text.normalize import match_form, nfc
from dvlib.compare.kwic import tokens_with_spans  # noqa: F401  (part of this module's API)
from dvlib.config import data_file
from dvlib.runtime.profile import substage
from dvlib.compare.suffix_array import (batches as _batches, distinct as _distinct,
                                        lcp_intervals as _lcp_intervals,
                                        rank_in_group as _rank_in_group,
                                        cover_mask as _cover_mask, find_phrase as _find_phrase,
                                        jaccard_components as _jaccard_components,
                                        parallel_runs as _parallel_runs, ranges as _ranges,
                                        suffix_array as _suffix_array)

_SYLLABLE = re.compile(r"\w+")
# Default caps of shared_formulas: on 2,000 reports a stock sentence recurs in hundreds of
# reports and the long table would run to hundreds of thousands of rows. Both leave the seed
# corpus's tables as they are (at most 356 formulas, 37 rows per formula there).
MAX_FORMULAS: int | None = 1000
MAX_QUOTES: int | None = 50

FORMULA_COLUMNS = ["formula_id", "kind", "phrase", "n_tokens", "n_provinces", "n_occurrences",
                   "provinces", "score", "province", "doc_id", "sentence_id", "quote", "text",
                   "variant", "variants", "start", "end", "passage"]
_SEPARATORS = {",", ";", "-", "–", "—"}  # between the pairs of a found parallel
PASSAGE_CHARS = 300  # a longer sentence is quoted around the match, cut between words


def load_stoplist(path=None) -> list[str]:
    """Ubiquitous formulas (one per line, ``#`` comments) as space-joined match-form tokens."""
    path = data_file("formula_stoplist.txt") if path is None else path
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(" ".join(tokens_with_spans(line)[0]))
    return out


def load_stock(path=None) -> tuple[list[tuple[str, list[str]]], set[str]]:
    """Stock formulas of the genre (``data/formulas.yaml``, the researcher's to edit):
    ``[(name, [name, variant, ...]), ...]`` as written, and the words a found parallel may not
    repeat ("các cấp, các ngành" is a list, not a formula)."""
    raw = yaml.safe_load(open(data_file("formulas.yaml") if path is None else path,
                              encoding="utf-8")) or {}
    stock = [(nfc(str(e["name"])), list(dict.fromkeys(nfc(str(v)) for v in
                                                      [e["name"], *(e.get("variants") or [])])))
             for e in raw.get("stock") or []]
    return stock, {match_form(str(w)) for w in raw.get("not_heads") or []}


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
        # syllables interned: a corpus has a few thousand distinct ones and millions of uses
        # (one str each would be ~60 bytes: 190 MB at 2,000 reports)
        intern = sys.intern
        self.tokens = [list(map(intern, _SYLLABLE.findall(f))) for f in self.forms]
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
    masked = np.r_[0, np.cumsum(_cover_mask(seq, vocab, stop))] if stop else None
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


def _near_identical(prep: _Prepared, threshold: float, min_len: int, min_provinces: int,
                    block: int = 256, chunk: int = 5_000, overlap_k: int = 4):
    """Groups of sentences (row numbers) whose character 5-gram sets have Jaccard >=
    ``threshold``, found in >= ``min_provinces`` provinces (the join: jaccard_components)."""
    forms = [" ".join(t) for t in prep.tokens]
    row_forms = np.array([len(forms[u]) >= min_len for u in range(len(forms))], dtype=bool)
    if row_forms[prep.text_of_row].sum() < 2:
        return []
    texts = np.flatnonzero(row_forms)
    label, sizes = _jaccard_components([forms[u] for u in texts], threshold, block, chunk,
                                       overlap_k)
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


def _variant_formulas(prep: _Prepared, min_provinces: int, stock, not_heads: set[str]) -> list:
    """Stock formulas and found parallels, their variants grouped: ``[(kind, phrase, n_tokens,
    n_units, [(text, pos, length, variant), ...]), ...]`` for those used in >= min_provinces.

    Occurrences are the listed variants of every stock formula (any length) and every parallel
    run "A x, A y ..." of the distinct texts (repeated word not in ``not_heads``). A graph links
    each occurrence to keys (A, x) for each slot and {x, y} for each pair of slots, and each
    stock formula to the keys of its own variants: two wordings that differ in one word or in
    order share a key, so a connected component is one formula with all its variants. Where
    occurrences overlap the longer one stays (a listed "dân biết, dân bàn, dân làm, dân kiểm
    tra" over the run found inside it). Linear in the corpus's syllables (times the number of
    listed variants), plus the graph's size.
    """
    lengths = np.array([len(t) for t in prep.tokens], dtype=np.int64)
    codes, words = pd.factorize(pd.Series([t for ts in prep.tokens for t in ts], dtype=object))
    vocab = {t: i for i, t in enumerate(words)}
    words = np.asarray(words, dtype=object)
    starts = np.r_[0, np.cumsum(lengths + 1)[:-1]].astype(np.int64)
    seq = np.empty(int((lengths + 1).sum()), dtype=np.int64)
    sep = starts + lengths
    seq[sep] = -1 - np.arange(len(lengths))  # one separator per text, unique
    seq[np.setdiff1d(np.arange(len(seq)), sep, assume_unique=True)] = codes
    nodes: dict = {}
    occ, edges = [], []  # occ: (seq start, length, variant, from stock)

    def keys_of(toks) -> list[int]:
        head, slots = toks[0], toks[1::2]
        ks = [("h", head, x) for x in slots] + [("s", *sorted(p)) for p in combinations(slots, 2)]
        return [nodes.setdefault(k, len(nodes)) for k in ks]

    def runs(toks) -> list[tuple]:
        local = pd.factorize(pd.Series(toks, dtype=object))[0].astype(np.int64)
        return [tuple(toks[s:s + L]) for s, L in _parallel_runs(local)]

    text_of = np.repeat(np.arange(len(lengths)), lengths + 1)
    for s, L in _parallel_runs(seq):
        u = int(text_of[s])
        L = _parallel_length(prep.utexts[u], prep.spans(u), s - int(starts[u]), L)
        toks = tuple(words[seq[s:s + L]])
        if L < 4 or toks[0] in not_heads or any(t.isdigit() for t in toks):
            continue
        o = nodes.setdefault(("o", len(occ)), len(nodes))
        occ.append((s, L, ", ".join(f"{toks[0]} {x}" for x in toks[1::2]), False))
        edges += [(o, k) for k in keys_of(toks)]
    for i, (_, variants) in enumerate(stock):
        node = nodes.setdefault(("stock", i), len(nodes))
        for v in variants:
            toks = tokens_with_spans(v)[0]
            for run in runs(toks):
                edges += [(node, k) for k in keys_of(run)]
            if toks and all(t in vocab for t in toks):
                for s in _find_phrase(seq, [vocab[t] for t in toks]).tolist():
                    o = nodes.setdefault(("o", len(occ)), len(nodes))
                    occ.append((s, len(toks), match_form(v), True))
                    edges.append((o, node))
    if not occ:
        return []
    e = np.array(edges, dtype=np.int64).reshape(-1, 2)
    graph = sparse.coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(len(nodes),) * 2)
    label = connected_components(graph, directed=False)[1]
    stock_of = {int(label[nid]): k[1] for k, nid in sorted(nodes.items(), key=lambda kv: -kv[1])
                if k[0] == "stock"}  # the first listed formula names a merged component
    groups: dict[int, list] = {}
    end = -1
    for i in sorted(range(len(occ)), key=lambda i: (occ[i][0], -occ[i][1], not occ[i][3])):
        s, L, variant, _ = occ[i]
        if s < end:  # inside (or across) an occurrence already kept
            continue
        end = s + L
        u = int(text_of[s])
        groups.setdefault(int(label[nodes[("o", i)]]), []).append(
            (u, s - int(starts[u]), L, variant))
    out = []
    for comp, found in groups.items():
        texts = np.array([f[0] for f in found], dtype=np.int64)
        n_units = int(prep.count_units(np.zeros(len(texts), dtype=np.int64), texts, 1)[0])
        if n_units < min_provinces:
            continue
        if comp in stock_of:
            kind, phrase = "stock", stock[stock_of[comp]][0]
        else:
            by = Counter(f[3] for f in found)
            kind, phrase = "parallel", min(by, key=lambda v: (-by[v], v))
        out.append((kind, phrase, len(tokens_with_spans(phrase)[0]), n_units, found))
    return out


def _parallel_length(text: str, spans: list, p: int, L: int) -> int:
    """How much of the run of ``L`` syllables at ``p`` reads as a parallel: "A x" pairs
    written with a separator between them ("có lúc, có nơi", "có lúc - có việc") and none
    inside one, A not capitalised as a name (but as a sentence's first word). Syllables
    repeat inside compounds ("đoàn viên, hội viên" holds "viên hội viên": the comma falls
    inside a pair) and names ("Sở Nội vụ, Sở Y tế", "Tỉnh ủy giao, Ủy ban"): no parallels."""
    def gap(i):  # the characters between syllables p + i and p + i + 1
        return text[spans[p + i][1]:spans[p + i + 1][0]].strip()
    def titled(i):  # "Sở", not "sở" nor "SỞ" (a headline in capitals)
        word = text[spans[p + i][0]:spans[p + i][1]]
        return word[0].isupper() and not (len(word) > 1 and word.isupper())
    pairs = 0
    while 2 * pairs + 1 < L and not gap(2 * pairs) and (
            pairs == 0 or gap(2 * pairs - 1) in _SEPARATORS) and (
            not titled(2 * pairs) or (p == 0 and pairs == 0)):
        pairs += 1
    return 2 * pairs


def _passage(text: str, start: int, end: int, width: int = PASSAGE_CHARS) -> str:
    """The sentence whole, or about ``width`` characters around [start, end) cut between words
    (never inside one), with "…" where it was cut."""
    if len(text) <= width:
        return text
    pad = max(width - (end - start), 0) // 2
    lo, hi = max(start - pad, 0), min(end + pad, len(text))
    if lo > 0:  # move forward to the start of a word
        cut = max(text.rfind(" ", 0, lo), text.rfind("\n", 0, lo))
        nxt = text.find(" ", lo, start)
        lo = nxt + 1 if nxt >= 0 else (cut + 1 if cut >= 0 else 0)
    if hi < len(text):  # move back to the end of a word
        prev = text.rfind(" ", end, hi + 1)
        hi = prev if prev >= 0 else (text.find(" ", hi) if text.find(" ", hi) >= 0 else len(text))
    return ("…" if lo > 0 else "") + text[lo:hi].strip() + ("…" if hi < len(text) else "")


def shared_formulas(sentences: pd.DataFrame, min_provinces: int = 2, n: int = 5,
                    min_len: int = 40, jaccard: float = 0.7,
                    stoplist: bool | Iterable[str] | None = None, unit: str = "province",
                    documents: pd.DataFrame | None = None,
                    max_formulas: int | None = MAX_FORMULAS,
                    max_quotes: int | None = MAX_QUOTES, stock: bool | str = True) -> pd.DataFrame:
    """Wording shared by reports of different provinces, one row per occurrence.

    Four kinds: ``phrase`` = maximal runs of >= ``n`` syllables (match form, punctuation
    removed) found in >= ``min_provinces`` provinces; ``sentence`` = whole sentences (at least
    ``min_len`` characters) that are near-identical across provinces (character 5-gram
    Jaccard >= ``jaccard``); ``stock`` = a stock formula of ``data/formulas.yaml`` (always
    looked for, any length; ``stock`` may name another file, False skips both these kinds)
    and ``parallel`` = a parallel "A x, A y" found without being listed, each with its variants
    grouped (wordings that differ in one word or in order: "có lúc, có nơi" ~ "có lúc, có
    việc" ~ "có nơi, có lúc"), used in >= ``min_provinces`` provinces. ``variant`` is the
    wording a row uses ("" for the verbatim kinds), ``variants`` all those of its formula.
    Formulas are ranked stock first, then by score = n_tokens x n_provinces.
    ``stoplist=True`` drops ubiquitous phrases listed in ``data/formula_stoplist.txt``
    (or pass your own phrases): a phrase goes if, in every sentence where it occurs, fewer
    than ``n`` of its syllables lie outside stoplisted formulas. ``quote`` is the match as the
    report spells it, at ``start:end`` of ``text``; ``passage`` is the sentence whole, or cut
    between words around the match when longer than PASSAGE_CHARS. Rows come by formula,
    then in corpus order (left to right in a sentence).

    Caps, so that a large corpus gives a table one can read (``None`` = no cap): only the
    ``max_formulas`` top-ranked formulas are kept (``formula_id`` <= max_formulas), and a
    formula keeps at most ``max_quotes`` occurrence rows, but always one per province: the
    first occurrence in each province, then the second ones, and so on, in corpus order.
    ``n_occurrences``, ``n_provinces`` and ``provinces`` always count every occurrence.

    Cost, near-linear in the corpus's N syllables: the suffix array by prefix doubling is
    O(N log L) for L the longest sentence, its lcp-intervals O(N); stock variants and
    parallels are one vectorised pass per listed variant (O(N) each) plus a graph as large as
    the parallels found; near-identical sentences use prefix-filtered candidate pairs.
    """
    sents = ensure_content(sentences, documents)
    prep = _Prepared(sents, unit)
    if stoplist is True:
        stop = load_stoplist()
    elif stoplist:
        stop = [" ".join(tokens_with_spans(s)[0]) for s in stoplist]
    else:
        stop = []

    with substage("shared formulas: phrases (suffix array)"):
        found = _shared_phrases(prep, n, min_provinces, stop)
    with substage("shared formulas: near-identical sentences"):
        groups = _near_identical(prep, jaccard, min_len, min_provinces)
    with substage("shared formulas: stock, parallels"):
        extra = _variant_formulas(prep, min_provinces, *load_stock(None if stock is True else stock)
                                  ) if stock else []
    copies = np.diff(prep.row_bounds)
    n_occ = np.add.reduceat(copies[found.text], found.bounds[:-1]) if len(found.phrases) else []
    meta = pd.DataFrame({
        "kind": ["phrase"] * len(found.phrases) + ["sentence"] * len(groups)
        + [x[0] for x in extra],
        "phrase": found.phrases + [prep.texts[g[0]] for g in groups] + [x[1] for x in extra],
        "n_tokens": np.r_[found.n_tokens, [min(len(prep.tokens[prep.text_of_row[k]]) for k in g)
                                           for g in groups], [x[2] for x in extra]
                          ].astype(np.int64),
        "n_provinces": np.r_[found.n_units, [len({prep.units[k] for k in g}) for g in groups],
                             [x[3] for x in extra]].astype(np.int64),
        "n_occurrences": np.r_[n_occ, [len(g) for g in groups],
                               [sum(copies[o[0]] for o in x[4]) for x in extra]
                               ].astype(np.int64)})
    if meta.empty:
        return pd.DataFrame(columns=FORMULA_COLUMNS)
    meta["score"] = meta["n_tokens"] * meta["n_provinces"]
    # Rank formulas: the listed stock formulas first (always looked for, so never capped away
    # by longer phrases), then score, occurrences, kind and phrase.
    meta["_later"] = meta["kind"] != "stock"
    ranking = (meta.drop_duplicates(["kind", "phrase"])
               .sort_values(["_later", "score", "n_occurrences", "kind", "phrase"],
                            ascending=[True, False, False, True, True]))
    ids = {key: i for i, key in enumerate(zip(ranking["kind"], ranking["phrase"]), start=1)}
    formula_id = np.array([ids[key] for key in zip(meta["kind"], meta["phrase"])], dtype=np.int64)
    kept = np.flatnonzero(formula_id <= max_formulas) if max_formulas is not None else \
        np.arange(len(meta))

    P, G = len(found.phrases), len(groups)
    which, parts, provinces, variants = [], [], {}, {}
    for f in kept.tolist():
        if f < P:
            lo, hi, L = found.bounds[f], found.bounds[f + 1], int(found.n_tokens[f])
            occ = zip(found.text[lo:hi].tolist(), found.pos[lo:hi].tolist())
            part = _occurrence_rows(prep, [(u, p, L, "") for u, p in occ])
        elif f < P + G:
            r = groups[f - P]
            part = (np.asarray(r, dtype=np.int64), [prep.texts[k] for k in r],
                    [0] * len(r), [len(prep.texts[k]) for k in r], [""] * len(r))
        else:
            part = _occurrence_rows(prep, extra[f - P - G][4])
        provinces[f] = "; ".join(sorted({prep.units[k] for k in part[0].tolist()}))
        # most used first (Counter keeps first-seen order among equals)
        variants[f] = " | ".join(v for v, _ in Counter(part[4]).most_common() if v)
        if max_quotes is not None:
            keep = _cap_rows(prep, part[0], max_quotes)
            part = (part[0][keep], *[[x[i] for i in keep.tolist()] for x in part[1:]])
        which.append(np.full(len(part[0]), f))
        parts.append(part)
    if not which:  # max_formulas=0
        return pd.DataFrame(columns=FORMULA_COLUMNS)
    which = np.concatenate(which)
    rows = np.concatenate([p[0] for p in parts]).astype(np.int64)
    quotes, starts, ends, used = ([x for p in parts for x in p[i]] for i in range(1, 5))
    order = np.lexsort((rows, formula_id[which]))  # stable: by formula, then corpus order
    which, rows, order = which[order].tolist(), rows[order].tolist(), order.tolist()
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
    cols["quote"] = [quotes[i] for i in order]
    cols["text"] = [prep.texts[k] for k in rows]
    cols["variant"] = [used[i] for i in order]
    cols["variants"] = [variants[f] for f in which]
    cols["start"] = [starts[i] for i in order]
    cols["end"] = [ends[i] for i in order]
    cols["passage"] = [_passage(t, a, b) for t, a, b in zip(cols["text"], cols["start"],
                                                             cols["end"])]
    return pd.DataFrame(cols, columns=FORMULA_COLUMNS)


def _occurrence_rows(prep: _Prepared, occ: list) -> tuple:
    """Rows, quotes, starts, ends and variants of occurrences ``(text, pos, length, variant)``,
    in corpus order (left to right in a sentence); every row carrying the text gets them."""
    rows, pos, quotes, starts, ends, variants = [], [], [], [], [], []
    for u, p, L, variant in occ:
        spans = prep.spans(u)
        a, b = spans[p][0], spans[p + L - 1][1]
        for k in prep.rows_of(u).tolist():
            rows.append(k)
            pos.append(p)
            quotes.append(prep.utexts[u][a:b])
            starts.append(a)
            ends.append(b)
            variants.append(variant)
    order = np.lexsort((pos, rows)).tolist()
    return (np.asarray(rows, dtype=np.int64)[order], *[[x[i] for i in order] for x in
                                                       (quotes, starts, ends, variants)])


def _cap_rows(prep: _Prepared, rows: np.ndarray, cap: int) -> np.ndarray:
    """Which of ``rows`` to keep: at most ``cap`` (never fewer than one per province), province
    by province in turn."""
    if len(rows) <= cap:
        return np.arange(len(rows))
    codes = prep.unit_codes[rows]
    turn = _rank_in_group(codes)  # 0 = first row of its province, 1 = second ...
    limit = max(cap, len(np.unique(codes)))
    return np.sort(np.lexsort((np.arange(len(rows)), turn))[:limit])


def summarize_formulas(formulas: pd.DataFrame) -> pd.DataFrame:
    """One row per formula (first quote as example) from the long :func:`shared_formulas`."""
    cols = ["formula_id", "kind", "phrase", "n_tokens", "n_provinces", "n_occurrences",
            "provinces", "score"]
    first = formulas.groupby("formula_id", sort=True).first().reset_index()
    return first[cols + ["quote"]].rename(columns={"quote": "example"})
