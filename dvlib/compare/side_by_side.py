"""Shared formulas as findings: each formula several provinces use nearly verbatim, with one
passage per province side by side (a notebook table; the brief shows the same passages)."""
from __future__ import annotations

import pandas as pd

from dvlib.segment import blank_str


def formulas_side_by_side(formulas: pd.DataFrame, top: int = 10,
                          provinces: list[str] | None = None) -> pd.DataFrame:
    """One row per formula (the ``top`` shared by most provinces, then by score): the phrase
    as written, the provinces, and one column per province holding its first passage (the
    sentence) — what a reader compares. ``formulas`` is ``tables["shared_formulas"]``."""
    if formulas is None or formulas.empty:
        return pd.DataFrame(columns=["formula", "n_provinces", "provinces"])
    f = formulas.copy()
    for col in ("province", "quote", "text"):
        f[col] = blank_str(f[col])
    if provinces:
        f = f[f["province"].isin(provinces)]
    order = list(dict.fromkeys(provinces or sorted(set(f["province"]) - {""})))
    rows = []
    for fid, grp in f.groupby("formula_id", sort=False):
        first = grp.drop_duplicates("province").set_index("province")
        if len(first) < 2:
            continue
        row = {"formula": first["quote"].iloc[0], "n_provinces": len(first),
               "provinces": ", ".join(p for p in order if p in first.index),
               "_score": pd.to_numeric(grp["score"], errors="coerce").max()}
        row.update({p: first.at[p, "text"] if p in first.index else "" for p in order})
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=["formula", "n_provinces", "provinces"])
    out = out.sort_values(["n_provinces", "_score"], ascending=False, kind="stable")
    return out.drop(columns="_score").head(top).reset_index(drop=True)
