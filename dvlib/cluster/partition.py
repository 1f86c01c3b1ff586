"""The numbers under dvlib.cluster.subthemes: TF-IDF rows of a sentence's terms, spherical
k-means centroids, the partition settled so no cluster is below the minimum size, and the
c-TF-IDF that names each cluster by its terms.

Written out in numpy/scipy (rather than re-created scikit-learn objects) so that a sub-theme
model loaded from JSON computes the very same numbers as the model that was fitted.
"""
from __future__ import annotations

import hashlib
import math

import numpy as np
import scipy.sparse as sp


def terms_of(value) -> list[str]:
    """The ``terms`` cell as a list of str (lists, tuples, numpy arrays from parquet, or text)."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, float) and math.isnan(value):
        return []
    return [str(t) for t in value if isinstance(t, str) and t]


def as_list(terms):
    """The terms as they are: the analyzer of the vectorizer fitted on term lists."""
    # Module-level (not a lambda) so a vectorizer stays inspectable; the terms are already words.
    return terms


def fingerprint(family: str, terms: list[str]) -> str:
    """A short hash of a sentence's family and terms: a saved model knows a sentence it has
    already placed, and keeps it where it was."""
    raw = family + "\x1f" + "\x1e".join(terms)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def vectorize(terms_lists: list[list[str]], vocab: dict[str, int], idf: np.ndarray) -> sp.csr_matrix:
    """TF-IDF rows exactly as TfidfVectorizer(sublinear_tf=True, norm="l2") would give them.

    Written out (instead of a re-created vectorizer) so that a model loaded from JSON computes
    the very same numbers as the model that was fitted.
    """
    indptr, indices, data = [0], [], []
    for terms in terms_lists:
        counts: dict[int, int] = {}
        for t in terms:
            j = vocab.get(t)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        cols = sorted(counts)
        indices.extend(cols)
        data.extend(counts[j] for j in cols)
        indptr.append(len(indices))
    X = sp.csr_matrix((np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64),
                       np.asarray(indptr, dtype=np.int64)), shape=(len(terms_lists), len(vocab)))
    if X.nnz:
        X.data = 1.0 + np.log(X.data)
        X = X @ sp.diags(idf)
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        X = sp.diags(1.0 / norms) @ X
    return sp.csr_matrix(X)


def centroids(X: sp.csr_matrix, labels: np.ndarray, m: int) -> np.ndarray:
    """Unit-length mean of each cluster's rows (spherical k-means centroids)."""
    C = np.zeros((m, X.shape[1]))
    for c in range(m):
        rows = np.flatnonzero(labels == c)
        if len(rows):
            C[c] = np.asarray(X[rows].mean(axis=0)).ravel()
    norms = np.linalg.norm(C, axis=1)
    norms[norms == 0] = 1.0
    return C / norms[:, None]


def compact(labels: np.ndarray) -> np.ndarray:
    """Renumber cluster labels 0..m-1 in increasing order of the old numbers."""
    _, inverse = np.unique(labels, return_inverse=True)
    return inverse.astype(np.int64)


def nearest(S: np.ndarray) -> np.ndarray:
    """Index of the most similar centroid per row; ties go to the lower index (argmax)."""
    return np.argmax(S, axis=1).astype(np.int64)


def dissolve_small(X, labels: np.ndarray, min_size: int) -> np.ndarray:
    """Dissolve clusters below ``min_size`` (smallest first) into the nearest remaining centroids."""
    labels = compact(labels)
    while True:
        m = int(labels.max()) + 1
        sizes = np.bincount(labels, minlength=m)
        small = [c for c in range(m) if sizes[c] < min_size]
        if not small or m == 1:
            return labels
        victim = min(small, key=lambda c: (sizes[c], c))
        keep = [c for c in range(m) if c != victim]
        C = centroids(X, labels, m)[keep]
        rows = np.flatnonzero(labels == victim)
        target = np.asarray(keep)[nearest(np.asarray(X[rows] @ C.T))]
        labels = labels.copy()
        labels[rows] = target
        labels = compact(labels)


def settle(X, labels: np.ndarray, min_size: int, max_iter: int = 50) -> np.ndarray:
    """No cluster below min_size, and (as far as it converges) every row at its nearest centroid."""
    labels = dissolve_small(X, labels, min_size)
    for _ in range(max_iter):
        m = int(labels.max()) + 1
        new = compact(nearest(np.asarray(X @ centroids(X, labels, m).T)))
        if np.array_equal(new, labels):
            break
        labels = dissolve_small(X, new, min_size)
    return labels


def ctfidf(counts: np.ndarray) -> np.ndarray:
    """BERTopic's c-TF-IDF of a classes × terms count matrix."""
    totals = counts.sum(axis=1, keepdims=True)
    tf = counts / np.where(totals == 0, 1, totals)
    f = counts.sum(axis=0)
    A = counts.sum() / max(counts.shape[0], 1)
    idf = np.log(1.0 + A / np.where(f == 0, 1, f))
    return tf * idf
