"""The cluster stage: inductive sub-themes of the claims of each family
(:mod:`~dvlib.cluster.subthemes`, fitted once and saved as JSON so old reports keep their
sub-themes), the deductive codebook codes (:mod:`~dvlib.cluster.codebook`) and the aspects of
claims (:mod:`~dvlib.cluster.aspects`: the codebook codes a claim is about, precision first).

``assign_subthemes(claims, sentences, model_path) -> claims and sentences + subtheme columns``,
``code(content) -> coded`` (one row per codebook term found);
``tag_aspects(claims) -> claims + aspects, aspect_terms``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dvlib.cluster.aspects import claim_aspects, load_aspect_rules, tag_aspects
from dvlib.cluster.codebook import code_sentences, codes_vs_subthemes, load_codebook
from dvlib.cluster.subthemes import SubthemeModel, assign_or_fit
from dvlib.runtime.parallel import map_documents

__all__ = ["SubthemeModel", "assign_subthemes", "claim_aspects", "code", "code_sentences",
           "codes_vs_subthemes", "load_aspect_rules", "load_codebook", "tag_aspects"]

RANDOM_STATE = 0


def assign_subthemes(claims: pd.DataFrame, sentences: pd.DataFrame, model_path: Path | None,
                     refit: bool = False, random_state: int = RANDOM_STATE):
    """Sub-themes of the claims (reusing the model saved at ``model_path`` unless ``refit``;
    none saved when ``model_path`` is None), and of the sentences they come from.

    ``claims`` are the claims stage's output with ``terms`` (the content claims: furniture and
    republished copies have none). A sentence takes the sub-theme of its main claim: the first
    one of the sentence's own family that is not framing (else its first claim); sentences
    without claims get "". Returns ``(claims, sentences, model, mapping)``: both tables with
    ``subtheme``, ``subtheme_label``, ``subtheme_score``; the fitted :class:`SubthemeModel`;
    and, after a refit, the old -> new mapping (else None).
    """
    cols = ["subtheme", "subtheme_label", "subtheme_score"]
    units = claims.drop(columns=[c for c in cols if c in claims.columns])
    if model_path is None:
        model = SubthemeModel(random_state=random_state)
        assigned, mapping = model.fit_transform(units), None
    else:
        model, assigned, mapping = assign_or_fit(units, model_path, refit=refit,
                                                 random_state=random_state)
    fam = sentences[["sentence_id", "family"]].rename(columns={"family": "_sentence_family"})
    main = assigned.merge(fam, on="sentence_id", how="left")
    rank = np.where(main["family"].eq(main["_sentence_family"]) & ~main["framing"].astype(bool),
                    0, 1)
    main = (main.assign(_rank=rank, _order=np.arange(len(main)))
            .sort_values(["_rank", "_order"], kind="stable").drop_duplicates("sentence_id"))
    out = sentences.drop(columns=[c for c in cols if c in sentences]).merge(
        main[["sentence_id"] + cols], on="sentence_id", how="left")
    for c in ("subtheme", "subtheme_label"):
        out[c] = out[c].fillna("")
    return assigned, out, model, mapping


def code(content: pd.DataFrame, n_jobs: int | None = None) -> pd.DataFrame:
    """The codebook stage: every codebook term found in ``content`` (doc_id, sentence_id, text),
    one row per match, computed in worker processes for large tables."""
    return map_documents(code_sentences, content[["doc_id", "sentence_id", "text"]],
                         n_jobs=n_jobs, keep_index=False)
