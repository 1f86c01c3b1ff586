"""Keyness: which terms a province (or a family) uses more than the others.

Monroe, Colaresi & Quinn (2008), "Fightin' Words", weighted log-odds ratio with an informative
Dirichlet prior. Raw frequency differences are dominated by common words and raw log-odds by
rare ones; shrinking each group's counts towards the corpus-wide frequencies and dividing by the
estimated standard deviation (the z-score ``zeta``) ranks terms that are both frequent enough
and clearly skewed. With five reports, a term used twice in one of them should not top the list.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dvlib.compare.profiles import sort_units
from dvlib.segment import blank_str, ensure_content

KEYNESS_COLUMNS = ["group", "term", "count_group", "count_rest", "delta", "var", "zeta", "rank"]


def term_counts(sentences: pd.DataFrame, group: str = "province") -> pd.DataFrame:
    """Group x term count matrix from the sentences' ``terms`` lists."""
    exploded = sentences[[group, "terms"]].explode("terms").dropna(subset=["terms"])
    exploded = exploded[exploded["terms"].astype(str) != ""]
    counts = pd.crosstab(blank_str(exploded[group]), exploded["terms"])
    groups = sort_units(blank_str(sentences[group]))
    counts = counts.reindex(index=groups, fill_value=0)
    counts.index.name, counts.columns.name = group, "term"
    return counts.astype(np.int64)


def log_odds_dirichlet(counts: pd.DataFrame, prior: pd.Series | None = None,
                       alpha0: float | None = None,
                       reference: str | None = None) -> pd.DataFrame:
    """Weighted log-odds of every term, each group against the rest (or a ``reference`` group).

    ``counts``: groups x terms. ``prior``: term frequencies of a background (default: the
    column sums of ``counts``, i.e. the whole corpus), scaled so the pseudo-counts a_w sum to
    ``alpha0`` (default: the number of term tokens in ``counts``). For group i against j::

        delta_w = log((y_i+a_w)/(n_i+a0-y_i-a_w)) - log((y_j+a_w)/(n_j+a0-y_j-a_w))
        var_w   = 1/(y_i+a_w) + 1/(y_j+a_w)          zeta_w = delta_w / sqrt(var_w)

    Returns a long table (group, term, count_group, count_rest, delta, var, zeta, rank), rank 1
    being the term most characteristic of the group.
    """
    counts = counts.fillna(0).astype(float)
    terms = counts.columns
    if prior is None:
        prior = counts.sum(axis=0)
    prior = prior.reindex(terms).astype(float).fillna(0.0)
    if (prior <= 0).any():
        # A term unseen in the background still needs a positive pseudo-count (log of 0).
        floor = prior[prior > 0].min() if (prior > 0).any() else 1.0
        prior = prior.where(prior > 0, floor)
    a0 = float(counts.to_numpy().sum()) if alpha0 is None else float(alpha0)
    a = (prior / prior.sum() * a0).to_numpy()
    y = counts.to_numpy()
    total = y.sum(axis=0)
    frames = []
    for i, name in enumerate(counts.index):
        if reference is not None and name == reference:
            continue
        y_i = y[i]
        y_j = y[counts.index.get_loc(reference)] if reference is not None else total - y_i
        n_i, n_j = y_i.sum(), y_j.sum()
        delta = (np.log((y_i + a) / (n_i + a0 - y_i - a))
                 - np.log((y_j + a) / (n_j + a0 - y_j - a)))
        var = 1.0 / (y_i + a) + 1.0 / (y_j + a)
        zeta = delta / np.sqrt(var)
        frame = pd.DataFrame({"group": name, "term": terms, "count_group": y_i.astype(np.int64),
                              "count_rest": y_j.astype(np.int64), "delta": delta, "var": var,
                              "zeta": zeta})
        frame = frame.sort_values(["zeta", "term"], ascending=[False, True], kind="stable")
        frame["rank"] = np.arange(1, len(frame) + 1)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
    return pd.concat(frames, ignore_index=True)[KEYNESS_COLUMNS]


# Terms shown as written are looked up for the top of each group's list only: the lookup scans
# the text once per term, and only the top of a keyness list is ever read.
WRITTEN_TOP = 30
_SYLLABLE_RUN = re.compile(r"[^\W_]+")
_SEPARATOR = re.compile(r"[\s_]+")
_PIECES = re.compile(r"[^\W_]+|[\W_]+")
_WORD_CHAR = re.compile(r"\w")


def written_forms(sentences: pd.DataFrame, terms) -> dict[str, str]:
    """term -> the term as the reports write it: the commonest spelling of its syllables in the
    sentences' text ("dân_vận_khéo" -> "Dân vận khéo", "btv" -> "BTV"); a term not found is
    shown with spaces for underscores.

    An occurrence is the term's syllables as whole words of one sentence separated by spaces or
    "_". Each sentence is read once and the terms are looked up by their first syllable, so the
    cost grows with the text plus the occurrences, not with terms x text (a scan per term took
    23 s at 600 reports), and memory with one sentence (an index of the whole corpus took
    500 MB at 2,000 reports)."""
    from collections import Counter
    import re

    from dvlib.text.normalize import match_form

    if "text" not in sentences.columns:  # terms without their sentences: shown as tokens
        return {t: str(t).replace("_", " ") for t in terms}
    terms = list(dict.fromkeys(terms))
    by_first: dict[str, list] = {}   # first run of letters/digits -> [(term, parts, glue)]
    scanned: list = []               # terms with a syllable that begins or ends with a mark
    for term in terms:
        sylls = [x for x in match_form(str(term)).split("_") if x]
        # the term as runs of letters/digits, each with what must separate it from the
        # previous run: any spaces or "_" between syllables, the exact marks inside one
        # ("covid-19", "tp.hcm")
        parts, glue, simple = [], [], bool(sylls)
        for x in sylls:
            pieces = _PIECES.findall(x)
            if not _SYLLABLE_RUN.fullmatch(pieces[0]) or not _SYLLABLE_RUN.fullmatch(pieces[-1]):
                simple = False
            for i, piece in enumerate(pieces):
                if i % 2 == 0:
                    glue.append(None if i == 0 else pieces[i - 1])
                    parts.append(piece)
        if simple:
            by_first.setdefault(parts[0], []).append((term, parts, glue))
        elif sylls:
            scanned.append((term, re.compile(
                r"(?<!\w)" + r"[\s_]+".join(re.escape(x) for x in sylls) + r"(?!\w)")))
    found: dict = {t: Counter() for t in terms}
    for text in blank_str(sentences["text"]):
        if not text:
            continue
        form = match_form(text)  # same length as text: spans carry over
        runs = [(m.start(), m.end()) for m in _SYLLABLE_RUN.finditer(form)]
        last_end: dict = {}
        for k, (s0, e0) in enumerate(runs):
            for term, parts, glue in by_first.get(form[s0:e0], ()):
                n = len(parts)
                if (s0 < last_end.get(term, -1) or k + n > len(runs)
                        or (s0 > 0 and _WORD_CHAR.match(form, s0 - 1))):
                    continue
                if any(form[runs[k + i][0]:runs[k + i][1]] != parts[i]
                       or (form[runs[k + i - 1][1]:runs[k + i][0]] != glue[i] if glue[i] is not None
                           else not _SEPARATOR.fullmatch(form, runs[k + i - 1][1], runs[k + i][0]))
                       for i in range(1, n)):
                    continue
                end = runs[k + n - 1][1]
                if end < len(form) and _WORD_CHAR.match(form, end):
                    continue
                found[term][text[s0:end]] += 1
                last_end[term] = end
        for term, rx in scanned:
            for m in rx.finditer(form):
                found[term][text[m.start():m.end()]] += 1
    return {t: found[t].most_common(1)[0][0] if found[t] else str(t).replace("_", " ")
            for t in terms}


def keyness(sentences: pd.DataFrame, group: str = "province", family: str | None = None,
            documents: pd.DataFrame | None = None, alpha0: float | None = None,
            min_count: int = 0) -> pd.DataFrame:
    """Distinctive terms of each group (province by default) against all the others.

    With ``family="limitation"`` only that family's sentences are compared across groups
    (how do provinces word their shortcomings?), while the prior stays the whole corpus's
    term frequencies, the background every report is written against. ``min_count`` drops
    terms used fewer times by the group. Rows carry ``family`` when one was chosen.
    """
    sents = ensure_content(sentences, documents)
    background = term_counts(sents.assign(_all=""), "_all").sum(axis=0)
    if family is not None:
        sents = sents[blank_str(sents["family"]) == family]
    counts = term_counts(sents, group)
    counts = counts.loc[:, counts.sum(axis=0) > 0]
    out = log_odds_dirichlet(counts, prior=background, alpha0=alpha0)
    if min_count:
        out = out[out["count_group"] >= min_count].copy()
        out["rank"] = out.groupby("group").cumcount() + 1
    out = out.rename(columns={"group": group})
    # the term as written, for people: "dân vận khéo", not the token dân_vận_khéo
    forms = written_forms(sents, out.loc[out["rank"] <= WRITTEN_TOP, "term"])
    out.insert(2, "shown", [forms.get(t, str(t).replace("_", " ")) for t in out["term"]])
    if family is not None:
        out.insert(1, "family", family)
    return out.reset_index(drop=True)
