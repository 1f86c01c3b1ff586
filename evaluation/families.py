"""Scoring the family classifier: gold loading, per-family reports, leave-one-report-out
cross-validation, confusion tables, and scoring whole report files through the pipeline.

Evaluation code, outside the runtime library: dvlib never imports it.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from dvlib.label import FAMILIES, FamilyClassifier, label_families
from dvlib.text.data import data_file
from dvlib.text.normalize import nfc

GOLD_FILE = "gold_seed_sentences.csv"
DEV_GOLD_FILE = "gold_dev_sentences.csv"
GOLD_SUBSETS = {"seed": (GOLD_FILE,), "dev": (DEV_GOLD_FILE,), "all": (GOLD_FILE, DEV_GOLD_FILE)}


def load_gold(path: str | Path | None = None, subset: str = "all") -> pd.DataFrame:
    """Gold sentences as a sentences table (doc_id = file, text = sentence).

    Without ``path``: the training gold, ``subset`` "seed" (the five seed reports), "dev" (the
    development reports of the blind set, ``data/gold_dev_sentences.csv``) or "all" (both).
    The test reports of the blind set are never in these files.
    """
    if path is not None:
        names = [path]
    else:
        if subset not in GOLD_SUBSETS:
            raise ValueError(f"subset must be one of {sorted(GOLD_SUBSETS)}")
        names = [data_file(n) for n in GOLD_SUBSETS[subset]]
    gold = pd.concat([pd.read_csv(n, keep_default_na=False) for n in names], ignore_index=True)
    gold = gold.rename(columns={"sentence": "text"})
    gold["doc_id"] = gold["file"]
    return gold



def family_report(y_true, y_pred, groups=None) -> pd.DataFrame:
    """Per-family precision/recall/F1/support plus a macro row, overall and per group."""
    def one(yt, yp, scope):
        p, r, f, s = precision_recall_fscore_support(yt, yp, labels=list(FAMILIES), zero_division=0)
        rows = [dict(scope=scope, family=fam, precision=p[i], recall=r[i], f1=f[i], support=int(s[i]))
                for i, fam in enumerate(FAMILIES)]
        present = [fam for i, fam in enumerate(FAMILIES) if s[i] > 0 or fam in set(yp)]
        rows.append(dict(scope=scope, family="macro", precision=np.nan, recall=np.nan,
                         f1=f1_score(yt, yp, labels=present, average="macro", zero_division=0),
                         support=len(yt)))
        return rows

    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    rows = one(y_true, y_pred, "all")
    if groups is not None:
        groups = np.asarray(groups, dtype=object)
        for g in pd.unique(groups):
            m = groups == g
            rows += one(y_true[m], y_pred[m], str(g))
    return pd.DataFrame(rows)


def cross_validate_loro(gold: pd.DataFrame | None = None, **params):
    """Leave-one-report-out CV: each report is scored by a model fitted on the others.

    Returns ``(predictions, report)``: the gold rows with ``predicted``, ``family_score`` and
    ``family_evidence``; and :func:`family_report` over all rows (scope "all", macro-F1 over
    the five families) and per held-out report (macro over the families present there).
    """
    gold = load_gold() if gold is None else gold.copy()
    if "doc_id" not in gold.columns:
        gold["doc_id"] = gold["file"] if "file" in gold.columns else "doc"
    group_col = "file" if "file" in gold.columns else "doc_id"
    parts = []
    for g in pd.unique(gold[group_col]):
        test = gold[gold[group_col] == g]
        train = gold[gold[group_col] != g]
        model = FamilyClassifier(**params).fit(train)
        out = model.transform(test)
        parts.append(out.rename(columns={"family": "predicted"}))
    pred = pd.concat(parts).loc[gold.index]
    report = family_report(pred["label"], pred["predicted"], pred[group_col])
    return pred, report


def confusion_table(y_true, y_pred) -> pd.DataFrame:
    """Confusion matrix as a frame (rows: gold, columns: predicted) over the five families."""
    cm = confusion_matrix(y_true, y_pred, labels=list(FAMILIES))
    return pd.DataFrame(cm, index=pd.Index(FAMILIES, name="gold"), columns=pd.Index(FAMILIES, name="predicted"))


def _text_key(text: str) -> str:
    """Whitespace-normalised NFC text: how a gold sentence is found among produced ones."""
    return " ".join(nfc(str(text)).split())


def evaluate_reports(files, gold: pd.DataFrame, model: FamilyClassifier | None = None):
    """Score the classifier on report files the way the pipeline labels them.

    The files are copied (without any manifest) to a temporary folder, read with
    :func:`dvlib.load_corpus`, labelled with :func:`label_families`, and each gold row
    (columns file, label, sentence or text) is matched to a produced sentence of the same file
    by whitespace-normalised NFC text, in order; a gold row that matches nothing counts as
    predicted "other". Returns ``(predictions, report)``: the gold rows with ``predicted``,
    ``family_score``, ``family_evidence``, ``matched``; and :func:`family_report` overall and
    per file.
    """
    import shutil
    import tempfile

    from dvlib import load_corpus

    files = [Path(f) for f in files]
    gold = gold.copy()
    if "text" not in gold.columns:
        gold["text"] = gold["sentence"]
    names = {f.name for f in files}
    gold = gold[gold["file"].isin(names)]
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            shutil.copy2(f, Path(tmp) / f.name)
        corpus = load_corpus(tmp, progress=False)
    sentences = corpus.sentences
    file_of = {d: Path(f).name for d, f in zip(corpus.documents["doc_id"], corpus.documents["file"])}
    labelled = label_families(sentences, model)
    produced: dict[tuple[str, str], list[tuple]] = {}
    for d, t, fam, sc, ev in zip(labelled["doc_id"], labelled["text"], labelled["family"],
                                 labelled["family_score"], labelled["family_evidence"]):
        produced.setdefault((file_of.get(d, d), _text_key(t)), []).append((fam, sc, ev))
    taken: Counter = Counter()
    out = []
    for f, t in zip(gold["file"], gold["text"]):
        key = (f, _text_key(t))
        options = produced.get(key, [])
        if options:  # the same text twice in a report: matched in order
            out.append(options[min(taken[key], len(options) - 1)] + (True,))
            taken[key] += 1
        else:
            out.append(("other", 0.0, "unmatched: not a sentence of the pipeline", False))
    pred = gold.assign(
        predicted=[o[0] for o in out], family_score=[o[1] for o in out],
        family_evidence=[o[2] for o in out], matched=[o[3] for o in out],
    )
    return pred, family_report(pred["label"], pred["predicted"], pred["file"])
