"""The label stage: the theme family of each sentence (limitation, priority, model, achievement
or other), with a score and the evidence that decided it.

``label(sentences) -> sentences + family, family_score, family_evidence``. Modules, in the
order a sentence passes through them: :mod:`~dvlib.label.lexicon` (the cue lexicon),
:mod:`~dvlib.label.features` (per-sentence features), :mod:`~dvlib.label.sections` (document
context), :mod:`~dvlib.label.model` (the classifier, stored as JSON),
:mod:`~dvlib.label.rules` (the rules on top), :mod:`~dvlib.label.explain` (evidence).

The families and their tie rules are those of the annotation guide (copied into the docstring of
:class:`FamilyClassifier`). The classifier is a hybrid, because the gold set is small (374
sentences from ten reports: five seeds, ``data/gold_seed_sentences.csv``, and the five DEV
reports of the blind set, ``data/gold_dev_sentences.csv``) and the reports it must work on come
from other provinces:

1. **Cues as data** (``data/family_cues.yaml``): genre vocabulary per family, masks for look-alikes
   ("giải quyết khó khăn" is not a shortcoming, "ý kiến, kiến nghị của cử tri" is no
   recommendation, "tiếp tục được đẩy mạnh" reports work done), section lead-ins ("những hạn
   chế như:", "nhiệm vụ trọng tâm", "Thứ nhất:", dash bullets), sentence-initial imperative
   verbs, and genre structures (a model introduced and then described, lists of typical models,
   meeting proceedings, proposals, praise of results).
2. **Document context**: a per-document pass that tracks the section a sentence sits in (after a
   limitations lead-in or heading and the causes that follow it, inside a tasks section, inside
   a "Các tin khác" trailer, in the passage describing a model just introduced), the title,
   which year is the reviewed one and which the planned one ("năm 2024" in a report on 2023),
   neighbouring sentences' cues and position.
3. **A learned model**: logistic regression (class_weight="balanced") over those handcrafted
   features plus down-weighted syllable n-grams of the match form.
4. **High-precision rules** on top, in the guide's tie order: site furniture, trailer news,
   datelines, attendance/chair/caption lines, event headlines and meeting proceedings (awards,
   elections, pacts, discussion) are ``other``; items of a limitations list and the causes of
   shortcomings are ``limitation``; enumerated/imperative items of a tasks section, the sentence
   opening it ("Năm 2025 là năm ...", "Đồng chí ... đề nghị") and proposals of delegates are
   ``priority``; a strong task cue ("cần", "đề nghị", "thời gian tới" ...) before any "đã" makes
   ``priority``; otherwise a strong shortcoming cue ("chưa", "còn chậm", "hạn chế" ...) makes
   ``limitation``; a title "topic: claim" and praise of results are ``achievement``; a title
   naming a model, a list of named models, a sentence introducing a named model and the
   description that follows it are ``model``; a named model reported with figures or result
   words is ``achievement``.

Measured by ``evaluation/evaluate_families.py`` (leave-one-report-out on seeds + dev and on the
seeds alone, the dev reports through the pipeline, held-out snippets, and once, after the rules
were final, the five blind TEST reports); without the rules the learned model alone scores lower.

Every label comes with ``family_score`` (probability-like, in [0, 1]) and ``family_evidence``
(the cue, section or rule that decided it), so a researcher can audit any row.
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
           "read_corrections", "write_corrections"]

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
    return out, problems + unmatched
