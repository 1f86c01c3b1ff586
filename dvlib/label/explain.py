"""Evidence for each label: the rule, the cues, the section, and for the learned model the
features that pushed the sentence into its family most."""
from __future__ import annotations

import numpy as np

from dvlib.label.features import FEATURE_LABELS
from dvlib.label.rules import short


def top_contributions(X, dense: np.ndarray, coef: np.ndarray, fam_idx: np.ndarray,
                       need: np.ndarray) -> dict[int, list[int]]:
    """For each row k with ``need[k]``: the features with the largest positive contributions
    x * coef (coefficients of the row's family ``fam_idx[k]``), largest first, at most six —
    ``[j for j in np.argsort(-contrib)[:6] if contrib[j] > 0]`` over the full row. Only stored
    entries can be positive, so only they are sorted, all rows at once; a row with equal values
    among its first six is sorted in full as above, as only that gives the same order."""
    n_dense = dense.shape[1]
    row = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    cols = X.indices
    contrib = X.data * coef[fam_idx[row], cols]
    keep = need[row] & (contrib > 0)
    dense_col = cols < n_dense  # a dense feature counts only when its raw value is nonzero
    keep[dense_col] &= dense[row[dense_col], cols[dense_col]] != 0
    row, cols, contrib = row[keep], cols[keep], contrib[keep]
    order = np.lexsort((-contrib, row))  # by row, then largest first (stable)
    row, cols, contrib = row[order], cols[order], contrib[order]
    starts = np.searchsorted(row, row, side="left")
    rank = np.arange(len(row)) - starts
    tied = (rank >= 1) & (rank <= 6) & (contrib == np.roll(contrib, 1))
    tied_rows = set(row[tied].tolist())
    out: dict[int, list[int]] = {int(k): [] for k in np.flatnonzero(need)}
    for k, j in zip(row[rank < 6].tolist(), cols[rank < 6].tolist()):
        out[k].append(j)
    for k in tied_rows:
        lo, hi = X.indptr[k], X.indptr[k + 1]
        x_row = np.zeros(X.shape[1])
        x_row[X.indices[lo:hi]] = X.data[lo:hi]
        raw = np.concatenate([dense[k], np.ones(len(x_row) - n_dense)])
        full = np.where(raw != 0, x_row * coef[fam_idx[k]], 0.0)
        out[k] = [int(j) for j in np.argsort(-full)[:6] if full[j] > 0]
    return out


def evidence_text(r: dict, fam: str, ev_rule: str | None, top: list[int] | None, names) -> str:
    """The rule, cues, section and (without a rule) the top model features ``top``."""
    parts = []
    if ev_rule:
        parts.append(ev_rule)
    hits = sorted(r["_cues"].get(fam, []), key=lambda h: (-h[1], h[2]))[:2]
    parts += [f'cue "{h[0]}" ({fam})' for h in hits if h[0]]
    if not ev_rule and r["_section"] in ("limitation", "priority") and r["_section"] == fam:
        parts.append(f'section: after "{short(r["_section_leadin"])}"')
    if not ev_rule:
        feats = []
        for j in top:
            name = names[j]
            label = FEATURE_LABELS.get(name, name if name.startswith("n-gram") else None)
            if label and label not in feats:
                feats.append(label)
            if len(feats) == 2:
                break
        if feats:
            parts.append("model: " + ", ".join(feats))
    return "; ".join(parts) if parts else "model"

