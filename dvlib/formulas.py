"""Shared formulas across provinces, and keyword-in-context.

Reports copy wording from central guidance and from each other ("công tác tuyên truyền có lúc,
có việc ..."). Finding the same phrase in several provinces separates the template from what a
province actually says. Matching runs on :func:`dvlib.normalize.match_form` syllables with
punctuation removed, so NFC/NFD, old/new tone placement and case do not matter; every quote is
sliced from the sentence's own text (match_form is length-preserving on NFC text).
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer

from dvlib.compare import _blank, _ensure_content
from dvlib.normalize import match_form, nfc
from dvlib.paths import data_file

_SYLLABLE = re.compile(r"\w+")

FORMULA_COLUMNS = ["formula_id", "kind", "phrase", "n_tokens", "n_provinces", "n_occurrences",
                   "provinces", "score", "province", "doc_id", "sentence_id", "quote", "text"]


def tokens_with_spans(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Match-form syllables of ``text`` and their character spans in ``nfc(text)``."""
    form = match_form(text)
    toks, spans = [], []
    for m in _SYLLABLE.finditer(form):
        toks.append(m.group(0))
        spans.append(m.span())
    return toks, spans


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
    """Per-sentence tokens and spans, computed once."""

    def __init__(self, sents: pd.DataFrame, unit: str):
        self.sents = sents.reset_index(drop=True)
        self.texts = [nfc(t) for t in self.sents["text"].astype(str)]
        self.units = _blank(self.sents[unit]).tolist()
        pairs = [tokens_with_spans(t) for t in self.texts]
        self.tokens = [p[0] for p in pairs]
        self.spans = [p[1] for p in pairs]


def _shared_phrases(prep: _Prepared, n: int, min_provinces: int):
    """Maximal token n-grams (length >= n) found in >= ``min_provinces`` provinces.

    Grows shared phrases one token at a time (an (L+1)-gram can only be shared if both of its
    L-grams are), then keeps a phrase only if no one-token extension has all of its
    occurrences, so the sub-phrases of a longer shared phrase are not reported again.
    Yields (tokens, occurrences) with occurrences = [(sentence row, token position)].
    """
    def group(occurrences):
        found = defaultdict(list)
        for k, pos, length in occurrences:
            found[tuple(prep.tokens[k][pos:pos + length])].append((k, pos))
        return {g: occ for g, occ in found.items()
                if len({prep.units[k] for k, _ in occ}) >= min_provinces}

    level = group((k, pos, n) for k, toks in enumerate(prep.tokens)
                  for pos in range(len(toks) - n + 1))
    length = n
    while level:
        starts = {(k, pos) for occ in level.values() for k, pos in occ}
        nxt = group((k, pos, length + 1) for k, pos in starts
                    if (k, pos + 1) in starts and pos + length < len(prep.tokens[k]))
        # Occurrence counts of the one-token extensions, seen from the shorter phrase.
        covered = defaultdict(int)
        for phrase, occ in nxt.items():
            covered[("R", phrase[:-1])] = max(covered[("R", phrase[:-1])], len(occ))
            covered[("L", phrase[1:])] = max(covered[("L", phrase[1:])], len(occ))
        for phrase, occ in level.items():
            if max(covered[("R", phrase)], covered[("L", phrase)]) < len(occ):
                yield phrase, occ
        level, length = nxt, length + 1


def _near_identical(prep: _Prepared, threshold: float, min_len: int, min_provinces: int,
                    block: int = 512):
    """Groups of sentences whose character 5-gram sets have Jaccard >= ``threshold``."""
    forms = [" ".join(t) for t in prep.tokens]
    rows = [k for k, f in enumerate(forms) if len(f) >= min_len]
    if len(rows) < 2:
        return []
    vec = CountVectorizer(analyzer="char", ngram_range=(5, 5), binary=True, lowercase=False)
    x = vec.fit_transform([forms[k] for k in rows]).tocsr()
    sizes = np.asarray(x.sum(axis=1)).ravel()
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Blocks of rows keep the (sparse) intersection matrix small on a large corpus.
    for lo in range(0, len(rows), block):
        inter = (x[lo:lo + block] @ x.T).tocoo()
        i, j, v = inter.row + lo, inter.col, inter.data
        keep = j > i
        i, j, v = i[keep], j[keep], v[keep]
        jac = v / (sizes[i] + sizes[j] - v)
        for a, b in zip(i[jac >= threshold], j[jac >= threshold]):
            parent[find(a)] = find(b)
    groups = defaultdict(list)
    for idx in range(len(rows)):
        groups[find(idx)].append(rows[idx])
    return [g for g in groups.values() if len({prep.units[k] for k in g}) >= min_provinces]


def _stop_masks(prep: _Prepared, stoplist: list[str]) -> list[list[bool]]:
    """Per sentence, which tokens belong to an occurrence of a stoplisted formula.

    Masking in the sentence (not in the phrase) also catches fragments that start inside a
    formula, such as "chính trị xã hội tỉnh" cut from "các tổ chức chính trị - xã hội tỉnh".
    """
    entries = [tuple(e.split()) for e in stoplist if e]
    masks = []
    for toks in prep.tokens:
        mask = [False] * len(toks)
        for e in entries:
            for pos in range(len(toks) - len(e) + 1):
                if toks[pos] == e[0] and tuple(toks[pos:pos + len(e)]) == e:
                    mask[pos:pos + len(e)] = [True] * len(e)
        masks.append(mask)
    return masks


def shared_formulas(sentences: pd.DataFrame, min_provinces: int = 2, n: int = 5,
                    min_len: int = 40, jaccard: float = 0.7,
                    stoplist: bool | Iterable[str] | None = None, unit: str = "province",
                    documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Wording shared by reports of different provinces, one row per occurrence.

    Two kinds: ``phrase`` = maximal runs of >= ``n`` syllables (match form, punctuation
    removed) found in >= ``min_provinces`` provinces; ``sentence`` = whole sentences (at least
    ``min_len`` characters) that are near-identical across provinces (character 5-gram
    Jaccard >= ``jaccard``). Formulas are ranked by score = n_tokens x n_provinces.
    ``stoplist=True`` drops ubiquitous formulas listed in ``data/formula_stoplist.txt``
    (or pass your own phrases): a phrase goes if, in every sentence where it occurs, fewer
    than ``n`` of its syllables lie outside stoplisted formulas. ``quote`` is the phrase as the report spells it.
    """
    sents = _ensure_content(sentences, documents)
    prep = _Prepared(sents, unit)
    if stoplist is True:
        stop = load_stoplist()
    elif stoplist:
        stop = [" ".join(tokens_with_spans(s)[0]) for s in stoplist]
    else:
        stop = []

    masks = _stop_masks(prep, stop) if stop else None
    formulas = []  # (kind, phrase, n_tokens, [(row, quote)])
    for phrase, occ in _shared_phrases(prep, n, min_provinces):
        L = len(phrase)
        # Generic when, wherever it occurs, fewer than n of its syllables are its own.
        if masks and all(L - sum(masks[k][pos:pos + L]) < n for k, pos in occ):
            continue
        quotes = [(k, prep.texts[k][prep.spans[k][pos][0]:prep.spans[k][pos + L - 1][1]])
                  for k, pos in occ]
        formulas.append(("phrase", " ".join(phrase), L, quotes))
    for group in _near_identical(prep, jaccard, min_len, min_provinces):
        group = sorted(group)
        formulas.append(("sentence", prep.texts[group[0]],
                         min(len(prep.tokens[k]) for k in group),
                         [(k, prep.texts[k]) for k in group]))

    rows = []
    for kind, phrase, L, quotes in formulas:
        units = [prep.units[k] for k, _ in quotes]
        provinces = sorted(set(units))
        for k, quote in quotes:
            row = prep.sents.iloc[k]
            rows.append({"kind": kind, "phrase": phrase, "n_tokens": L,
                         "n_provinces": len(provinces), "n_occurrences": len(quotes),
                         "provinces": "; ".join(provinces), "score": L * len(provinces),
                         "province": prep.units[k], "doc_id": row["doc_id"],
                         "sentence_id": row["sentence_id"], "quote": quote,
                         "text": prep.texts[k], "_order": k})
    if not rows:
        return pd.DataFrame(columns=FORMULA_COLUMNS)
    out = pd.DataFrame(rows)
    ranking = (out.drop_duplicates(["kind", "phrase"])
               .sort_values(["score", "n_occurrences", "kind", "phrase"],
                            ascending=[False, False, True, True]))
    ids = {key: i for i, key in enumerate(zip(ranking["kind"], ranking["phrase"]), start=1)}
    out.insert(0, "formula_id", [ids[key] for key in zip(out["kind"], out["phrase"])])
    out = out.sort_values(["formula_id", "_order"]).drop(columns="_order")
    return out[FORMULA_COLUMNS].reset_index(drop=True)


def summarize_formulas(formulas: pd.DataFrame) -> pd.DataFrame:
    """One row per formula (first quote as example) from the long :func:`shared_formulas`."""
    cols = ["formula_id", "kind", "phrase", "n_tokens", "n_provinces", "n_occurrences",
            "provinces", "score"]
    first = formulas.groupby("formula_id", sort=True).first().reset_index()
    return first[cols + ["quote"]].rename(columns={"quote": "example"})


def kwic(sentences: pd.DataFrame, keyword: str, window: int = 8,
         documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Keyword in context at sentence level, ``window`` syllables on each side.

    The keyword (one or more syllables) matches whatever the spelling: NFC or NFD, old or new
    tone placement, any case. ``left``, ``keyword`` and ``right`` are verbatim slices of the
    sentence text, so they read as the report wrote them.
    """
    sents = _ensure_content(sentences, documents).reset_index(drop=True)
    key = tokens_with_spans(keyword)[0]
    cols = ["doc_id", "sentence_id", "province", "left", "keyword", "right", "start", "end"]
    if not key:
        raise ValueError("empty keyword")
    rows = []
    first = key[0]
    for row in sents.itertuples(index=False):
        text = nfc(str(row.text))
        form_lower = match_form(text)
        if first not in form_lower:  # cheap pre-filter before tokenising
            continue
        toks, spans = tokens_with_spans(text)
        L = len(key)
        for pos in range(len(toks) - L + 1):
            if toks[pos:pos + L] != key:
                continue
            start, end = spans[pos][0], spans[pos + L - 1][1]
            lo = spans[max(0, pos - window)][0]
            hi = spans[min(len(toks), pos + L + window) - 1][1]
            rows.append({"doc_id": row.doc_id, "sentence_id": row.sentence_id,
                         "province": getattr(row, "province", ""),
                         "left": text[lo:start].strip(), "keyword": text[start:end],
                         "right": text[end:hi].strip(), "start": start, "end": end})
    return pd.DataFrame(rows, columns=cols)
