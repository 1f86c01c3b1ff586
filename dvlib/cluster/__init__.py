"""The cluster stage: inductive sub-themes of the content sentences of each family
(:mod:`~dvlib.cluster.subthemes`, fitted once and saved as JSON so old reports keep their
sub-themes), the deductive codebook codes (:mod:`~dvlib.cluster.codebook`) and the aspects of
claims (:mod:`~dvlib.cluster.aspects`: the codebook codes a claim is about, precision first).

``assign_subthemes(sentences, documents, model_path) -> sentences + subtheme columns`` and
``code(content) -> coded`` (one row per codebook term found);
``tag_aspects(claims) -> claims + aspects, aspect_terms``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from dvlib.cluster.aspects import claim_aspects, load_aspect_rules, tag_aspects
from dvlib.cluster.codebook import code_sentences, codes_vs_subthemes, load_codebook
from dvlib.cluster.subthemes import SubthemeModel, assign_or_fit
from dvlib.segment import content_sentences
from dvlib.runtime.parallel import map_documents

__all__ = ["SubthemeModel", "assign_subthemes", "claim_aspects", "code", "code_sentences",
           "codes_vs_subthemes", "load_aspect_rules", "load_codebook", "tag_aspects"]

RANDOM_STATE = 0


def assign_subthemes(sentences: pd.DataFrame, documents: pd.DataFrame,
                     model_path: Path | None, refit: bool = False,
                     random_state: int = RANDOM_STATE):
    """Sub-themes for the content sentences (reusing the model saved at ``model_path`` unless
    ``refit``; none saved when ``model_path`` is None); "" for furniture and republished copies.

    Returns ``(sentences, model, mapping)``: ``sentences`` with ``subtheme``,
    ``subtheme_label``, ``subtheme_score``; the fitted :class:`SubthemeModel`; and, after a
    refit, the old -> new mapping (else None).
    """
    content = content_sentences(sentences, documents)
    if model_path is None:
        model = SubthemeModel(random_state=random_state)
        assigned, mapping = model.fit_transform(content), None
    else:
        model, assigned, mapping = assign_or_fit(content, model_path, refit=refit,
                                                 random_state=random_state)
    cols = ["subtheme", "subtheme_label", "subtheme_score"]
    out = sentences.drop(columns=[c for c in cols if c in sentences]).merge(
        assigned[["sentence_id"] + cols], on="sentence_id", how="left")
    out["subtheme"] = out["subtheme"].fillna("")
    out["subtheme_label"] = out["subtheme_label"].fillna("")
    return out, model, mapping


def code(content: pd.DataFrame, n_jobs: int | None = None) -> pd.DataFrame:
    """The codebook stage: every codebook term found in ``content`` (doc_id, sentence_id, text),
    one row per match, computed in worker processes for large tables."""
    return map_documents(code_sentences, content[["doc_id", "sentence_id", "text"]],
                         n_jobs=n_jobs, keep_index=False)
