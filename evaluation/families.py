"""Labelled sets, cross-validation, calibration and scoring of the family classifier.

Not imported by the library. Every labelled set is a folder of report texts plus a gold CSV
(``file``, ``sentence``, ``label``) labelled by the annotation guide (evaluation/
annotation-guide.md). Sentences are produced the way ``dvlib analyze`` produces them (the texts
are read and segmented by dvlib's own load and segment stages) and gold labels are matched to
them by whitespace-normalised NFC text, in order; a gold row that matches no produced sentence
counts as predicted "other" when scoring.

The sets (see README "How well it works"):

- ``seed``: the five bundled reports (real, 216 sentences; labelled by the project's annotator).
- ``blind``: ten reports written in the genre for an earlier evaluation (339 sentences).
- ``a``, ``b``, ``c``: 48 texts written for this project by three writers in eight genres
  (headlines, news ledes, features on one model, interviews, formal Báo cáo, portal news, mass
  organisations, speeches), each sentence labelled blind by two annotators who did not write
  it, disagreements adjudicated by a third (1,326 sentences).
- ``e``: 14 texts by a fifth writer asked for many headlines, launches of contests and models,
  closing slogans and model descriptions (the constructions the first sets were short of),
  labelled the same way (training).
- ``d``: 16 more texts by a fourth writer, labelled the same way — the TEST portion: set apart
  before any feature or weight was chosen, never trained or tuned on, scored once.
- ``f``: 14 texts by a sixth writer, written and labelled after the classifier was final (a
  second test set; the model was not changed after it was scored).
- ``g``, ``h``, ``i``: 48 texts by three more writers (a third of ``g`` and some of ``h``/``i``
  after the 2025 merger: new provinces, two-level local government; ``h`` leans on models),
  labelled the same way. ``g`` is a third TEST set of the stored model (frozen since d was
  scored), never used to choose anything. A model refitted with d, f, h and i added (4,019
  sentences; CV 0.845) scored 0.811 on g against 0.808 and failed four behavioural tests (a
  task sentence right after a headline read as "other"), so it was not kept; ``h`` and ``i``
  wait as training text for the next model.
- ``j``: 16 texts by an eighth writer (434 sentences; a third after the 2025 merger; five of
  the texts about the seed provinces), labelled the same way — a fourth TEST set of the stored
  model, scored once.
- ``k``: 16 texts by two more writers (493 sentences; four after the 2025 merger), labelled the
  same way (agreement 97.8 %, kappa 0.97, 11 adjudicated) and set apart before any new feature
  or weight was tried. The plan written down before scoring it: a refit on sets seed-j, its
  settings chosen by cross-validation and the behavioural tests only, then the stored model and
  the refit each scored once on k. The refit (document block, CV 0.847) failed behavioural
  tests, so by that plan it was not to be kept; on k it scored 0.882 against the old model's
  0.854 (model family 0.854 against 0.822). We kept it anyway: that makes k a set used to
  CHOOSE, not a test, so k joined the training sets and a new test set was written.
- ``l``: 16 texts by two more writers (461 sentences), written and labelled after that choice,
  never read by the developers: the TEST set of the stored model (fitted on seed-k), scored
  once.
- ``m``: 16 texts by two more writers (478 sentences; two after the 2025 merger), labelled the
  same way (agreement 98.5 %, kappa 0.98, 7 adjudicated), never read by the developers; the
  stored model scored once on it: 0.851 (model family 0.747). Plan for the next model, written
  before it was fitted (and committed before it): refit on seed-l with the stored settings
  (``DEFAULT_PARAMS``; no new feature); keep the refit if and only if it fails no behavioural
  test that the stored model passes; then score the kept model once on m. m is never used to
  choose; its figure is reported whatever it is. Outcome: the refit (5,835 sentences, CV 0.854,
  the same as the stored model's) failed two behavioural tests the stored model passes (a
  headline that states a claim read as "other"; a report's opening task, "Thời gian tới, các
  cấp hội cần ...", read as "other") while it fixed two the stored model fails (a headline
  naming a shortcoming; a tasks sub-heading before its items), so it was not kept and not
  scored on m; the stored model stays, and m stays an untouched test of it.
"""
from __future__ import annotations

import shutil
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from dvlib.config import data_file, project_dir
from dvlib.label import FAMILIES, FamilyClassifier
from dvlib.pipeline import load_corpus

ROOT = project_dir()
EVAL = ROOT / "evaluation"
SETS = {  # name -> (texts folder, gold CSV)
    "seed": (ROOT / "corpus", data_file("gold_seed_sentences.csv")),
    "blind": (ROOT / "tests" / "data" / "blind", ROOT / "tests" / "data" / "blind" / "gold.csv"),
    "a": (EVAL / "texts" / "a", EVAL / "labels" / "a_gold.csv"),
    "b": (EVAL / "texts" / "b", EVAL / "labels" / "b_gold.csv"),
    "c": (EVAL / "texts" / "c", EVAL / "labels" / "c_gold.csv"),
    "d": (EVAL / "texts" / "d", EVAL / "labels" / "d_gold.csv"),
    "e": (EVAL / "texts" / "e", EVAL / "labels" / "e_gold.csv"),
    "f": (EVAL / "texts" / "f", EVAL / "labels" / "f_gold.csv"),
    "g": (EVAL / "texts" / "g", EVAL / "labels" / "g_gold.csv"),
    "h": (EVAL / "texts" / "h", EVAL / "labels" / "h_gold.csv"),
    "i": (EVAL / "texts" / "i", EVAL / "labels" / "i_gold.csv"),
    "j": (EVAL / "texts" / "j", EVAL / "labels" / "j_gold.csv"),
    "k": (EVAL / "texts" / "k", EVAL / "labels" / "k_gold.csv"),
    "l": (EVAL / "texts" / "l", EVAL / "labels" / "l_gold.csv"),
    "m": (EVAL / "texts" / "m", EVAL / "labels" / "m_gold.csv"),
}
TRAIN_SETS = ("seed", "blind", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k")
TEST_SETS = ("l", "m")
# The settings of the stored model, chosen by report-wise cross-validation on sets seed-j
# (C, block weights, trigrams: 0.837-0.847 macro-F1); the document block
# (dvlib/label/document.py) at weight 2 lifted the weakest family, model, from 0.713 to 0.721
# (on seed-k: 0.731 -> 0.738, macro 0.853 -> 0.854).
DEFAULT_PARAMS = {"w_document": 2.0}




def text_key(text: str) -> str:
    """Whitespace-normalised NFC text: how a gold sentence is found among produced ones."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def read_gold(name: str) -> pd.DataFrame:
    """The gold rows of a labelled set (file, sentence, label)."""
    gold = pd.read_csv(SETS[name][1], keep_default_na=False)
    return gold.rename(columns={"text": "sentence"})[["file", "sentence", "label"]]


def load_set(name: str) -> pd.DataFrame:
    """A labelled set as the pipeline sees it: the sentences dvlib produces from its texts, with
    ``file``, ``set`` and ``label`` (None where no gold row matched)."""
    texts, _ = SETS[name]
    gold = read_gold(name)
    files = sorted(set(gold["file"]))
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:  # (no manifest: metadata does not matter for labels)
            shutil.copy2(Path(texts) / f, Path(tmp) / f)
        corpus = load_corpus(tmp, progress=False)
    sents = corpus.sentences.copy()
    names = {d: Path(f).name for d, f in zip(corpus.documents["doc_id"], corpus.documents["file"])}
    sents["file"] = sents["doc_id"].map(names)
    labels: dict[tuple, list] = {}
    for f, t, lab in zip(gold["file"], gold["sentence"], gold["label"]):
        labels.setdefault((f, text_key(t)), []).append(lab)
    taken: Counter = Counter()
    out = []
    for f, t in zip(sents["file"], sents["text"]):
        key = (f, text_key(t))
        options = labels.get(key)
        if options:
            out.append(options[min(taken[key], len(options) - 1)])
            taken[key] += 1
        else:
            out.append(None)
    sents["label"] = out
    sents["set"] = name
    sents.attrs["n_gold"] = len(gold)
    return sents


def load_sets(names=TRAIN_SETS) -> pd.DataFrame:
    """Several labelled sets, one frame (documents stay contiguous and in order)."""
    return pd.concat([load_set(n) for n in names], ignore_index=True)


def folds(frame: pd.DataFrame, n_folds: int = 10, seed: int = 0) -> list[set]:
    """Report-wise folds: every sentence of a report falls in the same fold."""
    files = list(pd.unique(frame["file"]))
    rng = np.random.RandomState(seed)
    rng.shuffle(files)
    return [set(files[i::n_folds]) for i in range(n_folds)]


def cross_validate(frame: pd.DataFrame, n_folds: int = 10, seed: int = 0, **params):
    """Out-of-fold predictions: each report is labelled by a model fitted on the reports of the
    other folds. Returns (probabilities before calibration, classes); rows follow ``frame``."""
    labelled = frame["label"].notna().to_numpy()
    proba, classes = np.zeros((len(frame), len(FAMILIES))), None
    for fold in folds(frame, n_folds, seed):
        test = frame["file"].isin(fold).to_numpy()
        train = frame[~test & labelled]
        model = FamilyClassifier(**{**params, "temperature": 1.0}).fit(train)
        classes = list(model.classes_)
        proba[test] = model.predict_proba(frame[test])
    return proba, classes


def fit_temperature(proba: np.ndarray, classes: list[str], y) -> float:
    """The temperature T minimising the negative log-likelihood of softmax(log p / T)."""
    idx = np.array([classes.index(v) for v in y])
    logp = np.log(np.clip(proba, 1e-12, 1))

    def nll(t: float) -> float:
        z = logp / t
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        return float(-np.mean(np.log(p[np.arange(len(idx)), idx] + 1e-12)))

    return float(minimize_scalar(nll, bounds=(0.25, 4.0), method="bounded").x)


def apply_temperature(proba: np.ndarray, t: float) -> np.ndarray:
    z = np.log(np.clip(proba, 1e-12, 1)) / t
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def reliability(confidence, correct, bins: int = 10) -> tuple[pd.DataFrame, float]:
    """Reliability table (per confidence bin: n, mean confidence, accuracy) and the expected
    calibration error (bin-size-weighted |accuracy - confidence|)."""
    confidence, correct = np.asarray(confidence, float), np.asarray(correct, float)
    edges = np.linspace(0, 1, bins + 1)
    rows, ece = [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (confidence > lo) & (confidence <= hi)
        if m.any():
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(m.sum()),
                         "confidence": round(float(confidence[m].mean()), 3),
                         "accuracy": round(float(correct[m].mean()), 3)})
            ece += m.mean() * abs(confidence[m].mean() - correct[m].mean())
    return pd.DataFrame(rows), float(ece)


def family_report(y_true, y_pred) -> dict:
    """Per-family precision, recall, F1, support and the macro-F1 over the five families."""
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(FAMILIES),
                                                 zero_division=0)
    return {"macro_f1": round(float(np.mean(f)), 3), "n": int(len(y_true)),
            "families": {fam: {"precision": round(float(p[i]), 3), "recall": round(float(r[i]), 3),
                               "f1": round(float(f[i]), 3), "support": int(s[i])}
                         for i, fam in enumerate(FAMILIES)}}


def macro_f1(y_true, y_pred) -> float:
    return float(f1_score(y_true, y_pred, labels=list(FAMILIES), average="macro", zero_division=0))


def confusion_table(y_true, y_pred) -> pd.DataFrame:
    """Confusion matrix (rows: gold, columns: predicted) over the five families."""
    cm = confusion_matrix(y_true, y_pred, labels=list(FAMILIES))
    return pd.DataFrame(cm, index=pd.Index(FAMILIES, name="gold"),
                        columns=pd.Index(FAMILIES, name="predicted"))


def score_through_pipeline(name: str, model: FamilyClassifier) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A set scored the way ``dvlib analyze`` labels it (load, segment, tokenize, label).
    Returns the produced sentences (with ``predicted``, ``family_score``) and one row per gold
    sentence (``label``, ``predicted``): a gold sentence that matches no produced one counts as
    predicted "other" (``matched`` False)."""
    from dvlib.label import label
    from dvlib.tokenize import tokenize
    frame = load_set(name)
    labelled = label(tokenize(frame.drop(columns=["label", "set", "file"]), progress=False,
                              cache=False), model=model)
    frame = frame.assign(predicted=labelled["family"].to_numpy(),
                         family_score=labelled["family_score"].to_numpy())
    produced: dict[tuple, list[str]] = {}
    for f, t, p in zip(frame["file"], frame["text"], frame["predicted"]):
        produced.setdefault((f, text_key(t)), []).append(p)
    rows = []
    for f, t, lab in zip(*(read_gold(name)[c] for c in ("file", "sentence", "label"))):
        options = produced.get((f, text_key(t))) or []
        matched = bool(options)  # (the same text twice in a report: matched in order)
        rows.append({"set": name, "label": lab, "predicted": options.pop(0) if matched else "other",
                     "matched": matched})
    return frame, pd.DataFrame(rows)
