"""The compare stage: province x family / sub-theme / code profiles with bootstrap intervals
(:mod:`~dvlib.compare.profiles`), shared vs distinctive themes, keyness
(:mod:`~dvlib.compare.keyness`), similarity, shared formulas (:mod:`~dvlib.compare.formulas`),
keyword in context (:mod:`~dvlib.compare.kwic`), and drill-down from any cell to its sentences.

``compare(sentences, documents, coded) -> {table name: DataFrame}``.
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from dvlib.compare import formulas, keyness
from dvlib.compare.formulas import shared_formulas, summarize_formulas
from dvlib.compare.keyness import log_odds_dirichlet, term_counts
from dvlib.compare.kwic import kwic
from dvlib.compare.side_by_side import formulas_side_by_side
from dvlib.compare.profiles import (PROFILE_STATS, boilerplate_summary, crosstab, drilldown,
                                    entities_by_province, profile, shared_vs_distinctive,
                                    similarity, sort_units, tfidf_similarity, top_shared,
                                    vietnamese_key)
from dvlib.runtime.profile import substage
from dvlib.schema import COMPARED_FAMILIES, FAMILIES
from dvlib.segment import content_sentences

__all__ = ["FAMILIES", "PROFILE_STATS", "boilerplate_summary", "compare", "content_sentences",
           "formulas_side_by_side",
           "crosstab", "drilldown", "entities_by_province", "formulas", "keyness", "kwic",
           "log_odds_dirichlet", "profile", "shared_formulas", "shared_vs_distinctive",
           "similarity", "sort_units", "summarize_formulas", "term_counts", "tfidf_similarity",
           "top_shared", "vietnamese_key"]

RANDOM_STATE = 0


def compare(sentences: pd.DataFrame, documents: pd.DataFrame, coded: pd.DataFrame,
            provinces: Sequence[str] | None = None, n_boot: int = 1000,
            random_state: int = RANDOM_STATE,
            claims: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The compare stage: the province comparison as tables (profiles, shared vs distinctive,
    keyness, similarity, shared formulas), for every province or a chosen few.

    With ``claims`` carrying sub-themes (the pipeline's case) the sub-theme profile counts
    claims, the units the sub-themes were formed on: ``n`` is then a province's claims."""
    content = content_sentences(sentences, documents)
    content = content[content["province"] != ""]
    if provinces:
        content = content[content["province"].isin(list(provinces))]
    # families are counted only where the label is confident (or set by the researcher); the
    # other sentences stay in sentences.csv, inspectable, with their low score
    counted = content[content["family_confident"].astype(bool)] if "family_confident" in content else content
    coded = coded[coded["sentence_id"].isin(counted["sentence_id"])]
    t: dict[str, pd.DataFrame] = {}
    with substage("profiles (bootstrap)"):
        t.update(_profiles(counted, coded, claims, n_boot, random_state))
    with substage("keyness"):
        k = [keyness.keyness(content, group="province")]
        for fam in COMPARED_FAMILIES:
            if (counted["family"] == fam).any():
                k.append(keyness.keyness(counted, group="province", family=fam))
        t["keyness"] = pd.concat(k, ignore_index=True)
    if "family" in t["keyness"]:
        t["keyness"]["family"] = t["keyness"]["family"].fillna("")
    with substage("similarity"):
        shares = crosstab(t["profile_subtheme"], by="subtheme", values="share")
        t["similarity_subtheme"] = similarity(shares).reset_index()
        t["similarity_tfidf"] = tfidf_similarity(content).reset_index()
    with substage("shared formulas"):
        t["shared_formulas"] = shared_formulas(content, stoplist=True)
    return t


def _profiles(counted, coded, claims, n_boot, random_state) -> dict[str, pd.DataFrame]:
    """The family, sub-theme and code profiles with their intervals, and shared/distinctive."""
    t = {"profile_family": profile(counted, by="family", n_boot=n_boot,
                                   random_state=random_state)}
    units = counted
    if claims is not None and "subtheme" in claims.columns:
        # claims of the counted sentences, with their report's province
        units = claims[claims["sentence_id"].isin(counted["sentence_id"])].merge(
            counted.drop_duplicates("sentence_id")[["sentence_id", "province", "sentence_index"]],
            on="sentence_id", how="inner")
    t["profile_subtheme"] = profile(units, by="subtheme", n_boot=n_boot,
                                    random_state=random_state)
    t["profile_code"] = profile(counted, by="code", coded=coded, n_boot=n_boot,
                                random_state=random_state)
    t["shared_distinctive_subtheme"] = shared_vs_distinctive(t["profile_subtheme"])
    t["shared_distinctive_code"] = shared_vs_distinctive(t["profile_code"])
    return t
