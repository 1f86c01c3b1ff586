"""The label stage: the theme family of each sentence (limitation, priority, model, achievement
or other), with a calibrated score, the evidence, and the researcher's corrections.

``label(sentences) -> sentences + family, family_score, family_evidence``; then
``correct(sentences, documents, paths)`` applies ``corrections.csv`` (``family_source``,
``family_confident``). Modules, in the order a sentence passes through them:
:mod:`~dvlib.label.lexicon` (the cue lexicon, ``data/family_cues.yaml``),
:mod:`~dvlib.label.features` and :mod:`~dvlib.label.sections` (per-sentence features and
document context: the section a sentence sits in, planned vs reviewed year, the title ...),
:mod:`~dvlib.label.rules` (the genre rules, whose votes are features),
:mod:`~dvlib.label.function` (what a sentence does: first words and their part of speech,
markers, questions, reported speech, list items), :mod:`~dvlib.label.model` (one calibrated
logistic regression over all of them, stored as JSON), :mod:`~dvlib.label.corrections` and
:mod:`~dvlib.label.review` (the researcher's side).

The families and their tie rules are those of the annotation guide (copied into the docstring
of :class:`FamilyClassifier`). The model is fitted by ``evaluation/fit_family_model.py`` on
2,285 labelled sentences and measured by ``evaluation/evaluate_families.py`` (README, "How well
it works": held-out test set and cross-validation, and what each figure measures).
"""
from __future__ import annotations

from functools import partial

import pandas as pd

from dvlib.config import min_family_score
from dvlib.label.corrections import (CORRECTIONS_FILE, apply_corrections, corrections_for,
                                     read_corrections, write_corrections)
from dvlib.label.model import FamilyClassifier, default_classifier, label_families
from dvlib.runtime.parallel import map_documents
from dvlib.schema import FAMILIES, validate

__all__ = ["CORRECTIONS_FILE", "FAMILIES", "FamilyClassifier", "apply_corrections", "correct",
           "corrections_for", "default_classifier", "label", "label_families",
           "measured_quality", "read_corrections", "write_corrections"]

# what labelling reads of a sentence (less to copy to worker processes)
LABEL_INPUT = ("doc_id", "sentence_index", "paragraph_index", "text", "boilerplate", "tokens")


def label(sentences: pd.DataFrame, model: FamilyClassifier | None = None,
          n_jobs: int | None = None) -> pd.DataFrame:
    """The label stage: ``sentences`` (one document's rows contiguous, in order) with
    ``family``, ``family_score`` and ``family_evidence`` added, computed in worker processes
    for large tables. ``model`` defaults to the stored classifier (:func:`default_classifier`).
    """
    default_classifier()  # read once here, inherited by forked workers
    func = label_families if model is None else partial(label_families, model=model)
    cols = [c for c in LABEL_INPUT if c in sentences]
    labelled = map_documents(func, sentences[cols], n_jobs=n_jobs)
    new = [c for c in labelled.columns if c not in cols]
    return validate(sentences.join(labelled[new]), "labelled")


def correct(sentences: pd.DataFrame, documents: pd.DataFrame, paths) -> tuple[pd.DataFrame, list[str]]:
    """The researcher's corrections (``corrections.csv`` of the corpus folders in ``paths``)
    applied to labelled ``sentences``: ``family_source`` ("model" or "corrected") and
    ``family_confident`` (corrected, or a calibrated score at least
    :func:`dvlib.config.min_family_score`: what tables and briefs count) added; and one
    problem line per unreadable file or correction that matches no sentence."""
    corrections, problems = corrections_for(paths)
    out, unmatched = apply_corrections(sentences, documents, corrections)
    out["family_confident"] = ((out["family_source"] == "corrected")
                               | (out["family_score"].astype(float) >= min_family_score()))
    return validate(out, "corrected"), problems + unmatched


def measured_quality() -> dict:
    """The classifier's measured figures (``data/family_scores.json``, written by
    evaluation/evaluate_families.py), flat, for briefs and notebooks: ``test_macro_f1`` and
    ``test_per_family_f1`` on the held-out test set (``test_n`` sentences), ``cv_macro_f1`` over
    the training sets, ``ece`` (calibration error on the test set), ``min_family_score`` (what
    tables count) and ``what`` (what the figures measure). Empty values when not measured."""
    import json

    from dvlib.text.data import data_file
    path = data_file("family_scores.json")
    scores = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    test, cv = scores.get("test", {}), scores.get("cross_validation", {})
    return {"test_macro_f1": test.get("macro_f1"), "test_n": test.get("n"),
            "test_per_family_f1": {f: v["f1"] for f, v in test.get("families", {}).items()},
            "cv_macro_f1": cv.get("macro_f1"), "cv_n": cv.get("n"),
            "ece": scores.get("calibration", {}).get("ece_test"),
            "min_family_score": min_family_score(), "what": scores.get("what", "")}
