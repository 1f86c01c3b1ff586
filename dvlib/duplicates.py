"""Republished reports: the same (or nearly the same) text under another name or outlet.

A report is a duplicate of the first copy (earliest date, then corpus order) when the Jaccard
similarity of its syllable 5-gram shingles is at least ``threshold``. Comparison runs on the
report *content* (boilerplate removed), in match form, so a copy with another site's furniture,
NFD encoding or old tone marks is still found.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import HashingVectorizer

from .normalize import match_form

_WORD = re.compile(r"\w+")


def _shingle_text(text: str) -> str:
    return " ".join(_WORD.findall(match_form(text)))


def find_duplicates(documents: pd.DataFrame, content_col: str = "content",
                    threshold: float = 0.8, shingle: int = 5) -> pd.DataFrame:
    """Return doc_id, duplicate_of ("" if original), duplicate_similarity for each document.

    ``documents`` needs doc_id, ``content_col`` and optionally date; row order is corpus order.
    """
    if documents.empty:
        return pd.DataFrame(columns=["doc_id", "duplicate_of", "duplicate_similarity"])
    order = documents.reset_index(drop=True).copy()
    order["_pos"] = range(len(order))
    # Earliest date first (unknown dates last), then corpus order: the "first" copy.
    date = order["date"].fillna("").astype(str) if "date" in order else pd.Series("", index=order.index)
    order["_date_key"] = date.where(date != "", "9999")
    order = order.sort_values(["_date_key", "_pos"], kind="stable").reset_index(drop=True)

    vec = HashingVectorizer(analyzer="word", ngram_range=(shingle, shingle), token_pattern=r"\S+",
                            lowercase=False, norm=None, alternate_sign=False, binary=True,
                            n_features=2**22)
    texts = [_shingle_text(t) for t in order[content_col].fillna("")]
    X = vec.transform(texts).astype(np.float64)
    sizes = np.asarray(X.sum(axis=1)).ravel()
    inter = (X @ X.T).toarray() if len(order) <= 4000 else None
    dup_of = [""] * len(order)
    sim_out = [np.nan] * len(order)
    for i in range(len(order)):
        if sizes[i] == 0:
            continue
        row = inter[i] if inter is not None else (X[i] @ X.T).toarray().ravel()
        for j in range(i):
            if dup_of[j] or sizes[j] == 0:
                continue  # compare with originals only
            union = sizes[i] + sizes[j] - row[j]
            jac = row[j] / union if union else 0.0
            if jac >= threshold:
                dup_of[i] = order.loc[j, "doc_id"]
                sim_out[i] = round(float(jac), 4)
                break
    result = pd.DataFrame({"doc_id": order["doc_id"], "duplicate_of": dup_of,
                           "duplicate_similarity": sim_out})
    return documents[["doc_id"]].merge(result, on="doc_id", how="left")
