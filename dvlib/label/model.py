"""The family classifier: handcrafted features (:mod:`~dvlib.label.sections`) and syllable
n-grams into a logistic regression, with the rules (:mod:`~dvlib.label.rules`) on top.

The default classifier is fitted once by ``scripts/fit_family_model.py`` on the gold sentences
and stored as JSON in ``data/models/family_model.json`` (coefficients, intercepts, vocabulary
and idf, scaler scales, classes, feature names, the training data's sha256 and the versions);
:func:`default_classifier` reads it back into an equivalent predictor — no pickle, no refit.
"""
from __future__ import annotations

import hashlib
import importlib.metadata as md
import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from dvlib.label.explain import evidence_text, top_contributions
from dvlib.label.features import DENSE_FEATURES, DIGIT, WORD, dense_matrix
from dvlib.label.lexicon import CueLexicon, load_cue_lexicon
from dvlib.label.rules import apply_rules, tie_break
from dvlib.label.sections import feature_batches, feature_rows
from dvlib.runtime.gc import gc_paused
from dvlib.schema import FAMILIES
from dvlib.text.data import data_file
from dvlib.text.lexicon import Scan

MODEL_FILE = "models/family_model.json"
GOLD_FILES = ("gold_seed_sentences.csv", "gold_dev_sentences.csv")  # what the model is fitted on


# --------------------------------------------------------------------------- n-grams


def ngram_text(mf: str) -> str:
    """Syllables of the match form, digits folded so numbers generalise."""
    return DIGIT.sub("0", " ".join(WORD.findall(mf)))


def tfidf_transformer(vectorizer: TfidfVectorizer) -> TfidfTransformer:
    """The tf-idf weighting of a fitted vectorizer as a transformer of count matrices (built from
    its public ``idf_``; the same computation ``vectorizer.transform`` applies to its counts)."""
    v = vectorizer
    t = TfidfTransformer(norm=v.norm, use_idf=v.use_idf, smooth_idf=v.smooth_idf,
                         sublinear_tf=v.sublinear_tf)
    t.idf_ = np.asarray(v.idf_, dtype=np.float64)
    t.n_features_in_ = len(t.idf_)
    return t


def ngram_matrix(vectorizer: TfidfVectorizer, docs: list[str], tfidf: TfidfTransformer | None = None):
    """``vectorizer.transform(docs)``, counting the n-grams in one pass per document (the
    analyzer sklearn builds costs more than the labelling rules). Only for the plain word
    n-grams FamilyClassifier configures; anything else goes through sklearn."""
    v = vectorizer
    tfidf = tfidf if tfidf is not None else tfidf_transformer(v)
    plain = (v.analyzer == "word" and v.input == "content" and v.tokenizer is None
             and v.preprocessor is None and v.lowercase and v.strip_accents is None
             and v.stop_words is None and v.token_pattern == r"\S+" and not v.binary)
    if not plain:
        return v.transform(docs)
    vocab, (min_n, max_n) = v.vocabulary_, v.ngram_range
    indices, counts, indptr = [], [], [0]
    for doc in docs:
        toks = doc.lower().split()  # = re.findall(r"\S+") (both split at str.isspace)
        grams = toks if min_n == 1 else []
        for n in range(max(min_n, 2), min(max_n, len(toks)) + 1):
            grams = grams + list(map(" ".join, zip(*(toks[i:] for i in range(n)))))
        found = Counter(map(vocab.get, grams))
        found.pop(None, None)  # out of vocabulary
        indices += found.keys()
        counts += found.values()
        indptr.append(len(indices))
    X = sparse.csr_matrix(
        (np.asarray(counts, dtype=np.intc), np.asarray(indices, dtype=np.int32),
         np.asarray(indptr, dtype=np.int32)),
        shape=(len(docs), len(vocab)), dtype=v.dtype)
    X.sort_indices()
    return tfidf.transform(X, copy=False)


# --------------------------------------------------------------------------- classifier


class FamilyClassifier(ClassifierMixin, BaseEstimator):
    """Label each sentence of a report with a theme family (annotation guide).

    | family | the sentence mainly ... |
    |---|---|
    | limitation | states a shortcoming, weakness, difficulty or something not yet done |
    | priority | sets a task, direction or recommendation for the coming period |
    | model | identifies or describes a specific named model, movement, scheme, plan or contest |
    | achievement | reports a result, outcome or quantity that was reached |
    | other | frames the event or is not report content |

    Ties: a forward-looking task is priority; a shortcoming is limitation even inside a sentence
    crediting results; a named model as subject is model unless the sentence mainly reports what
    it achieved. Items after a limitations lead-in are limitations and items of a tasks section
    are priorities, even without a cue.

    Parameters
    ----------
    C : inverse regularisation of the logistic regression.
    ngram_weight : scale of the syllable n-gram block relative to the handcrafted features
        (0 switches n-grams off).
    ngram_range, min_df : of the syllable n-grams.
    rules : apply the high-precision rules (framing/furniture, section items) on top.
    lexicon_path : another cue lexicon (YAML) instead of ``data/family_cues.yaml``.
    random_state : seed of the solver (results are deterministic for a given value).
    """

    def __init__(self, C=0.2, ngram_weight=1.0, ngram_range=(1, 2), min_df=2, rules=True,
                 lexicon_path=None, random_state=0):
        self.C = C
        self.ngram_weight = ngram_weight
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.rules = rules
        self.lexicon_path = lexicon_path
        self.random_state = random_state

    # -- helpers
    def _lexicon(self) -> CueLexicon:
        return load_cue_lexicon(str(self.lexicon_path) if self.lexicon_path else None)

    def _matrix(self, dense: np.ndarray, words: list[list[str]], fit: bool):
        """Scaled handcrafted features and weighted n-grams of the syllables ``words`` (of
        each match form)."""
        if fit:
            self.scaler_ = StandardScaler(with_mean=False).fit(dense)
        blocks = [sparse.csr_matrix(self.scaler_.transform(dense))]
        if self.ngram_weight:
            docs = [DIGIT.sub("0", " ".join(w)) for w in words]  # as ngram_text
            if fit:
                self.vectorizer_ = TfidfVectorizer(
                    analyzer="word", token_pattern=r"\S+", ngram_range=tuple(self.ngram_range),
                    min_df=self.min_df, sublinear_tf=True,
                )
                self.vectorizer_.fit(docs)
                self.tfidf_ = tfidf_transformer(self.vectorizer_)
            blocks.append(ngram_matrix(self.vectorizer_, docs, self.tfidf_) * float(self.ngram_weight))
        return sparse.hstack(blocks).tocsr()

    def _feature_names(self) -> list[str]:
        names = list(DENSE_FEATURES)
        if self.ngram_weight:
            names += [f'n-gram "{t}"' for t in self.vectorizer_.get_feature_names_out()]
        return names

    # -- sklearn API
    def fit(self, sentences: pd.DataFrame, y=None):
        if y is None:
            if "label" not in sentences.columns:
                raise KeyError("fit needs labels: a 'label' column or y")
            y = sentences["label"]
        y = np.asarray(y, dtype=object)
        unknown = set(y) - set(FAMILIES)
        if unknown:
            raise ValueError(f"unknown family labels: {sorted(unknown)}")
        rows, scans = feature_rows(sentences, self._lexicon())
        X = self._matrix(dense_matrix(rows), [s.words for s in scans], fit=True)
        self.model_ = LogisticRegression(
            C=self.C, class_weight="balanced", max_iter=5000, random_state=self.random_state,
        )
        # one BLAS thread: the problem is small, and on a busy machine threads only spin (10x)
        with threadpool_limits(limits=1, user_api="blas"):
            self.model_.fit(X, y)
        self.classes_ = self.model_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def _decide(self, sentences: pd.DataFrame):
        """(labels, probabilities over classes_, scores, evidence) in input order."""
        if len(sentences) == 0:
            return (np.array([], dtype=object), np.zeros((0, len(self.classes_))), np.array([]), [])
        lex, n = self._lexicon(), len(sentences)
        names = self._feature_names()
        labels, scores = np.empty(n, dtype=object), np.empty(n)
        proba, evidence = np.empty((n, len(self.classes_))), [None] * n
        with gc_paused():
            for pos, rows, scans in feature_batches(sentences, lex):
                labels[pos], proba[pos], scores[pos], batch_evidence = self._decide_rows(rows, scans, lex, names)
                for p, ev in zip(pos.tolist(), batch_evidence):
                    evidence[p] = ev
        return labels, proba, scores, evidence

    def _decide_rows(self, rows: list[dict], scans: list[Scan], lex: CueLexicon, names: list[str]):
        """(labels, probabilities, scores, evidence) of feature rows."""
        dense = dense_matrix(rows)
        X = self._matrix(dense, [s.words for s in scans], fit=False)
        proba = self.model_.predict_proba(X)
        best, best_p = proba.argmax(axis=1), proba.max(axis=1)
        classes = list(self.classes_)
        labels, scores, rules_ev = [], [], []
        for k, r in enumerate(rows):
            p = proba[k]
            fam, ev_rule, rule_conf = None, None, None
            if self.rules:
                fam, ev_rule, rule_conf = apply_rules(r, lex, scans[k])
            if fam is None or fam not in classes:
                fam = classes[int(best[k])]
                score = float(best_p[k])
                if self.rules:
                    tied, ev_tie = tie_break(r, fam)
                    if tied != fam and tied in classes:
                        fam, ev_rule = tied, ev_tie
                        score = max(float(p[classes.index(fam)]), 0.6)
            else:
                score = max(float(p[classes.index(fam)]), rule_conf)
            labels.append(fam)
            scores.append(round(min(max(score, 0.0), 1.0), 4))
            rules_ev.append(ev_rule)
        # coefficients of each row's family (binary: one row, for classes_[1])
        coef = self.model_.coef_ if len(classes) > 2 else np.vstack([-self.model_.coef_[0], self.model_.coef_[0]])
        fam_idx = np.array([classes.index(f) for f in labels], dtype=np.intp)
        need = np.array([ev is None for ev in rules_ev], dtype=bool)
        tops = top_contributions(X, dense, coef, fam_idx, need)
        evidence = [evidence_text(r, fam, ev, tops.get(k), names)
                    for k, (r, fam, ev) in enumerate(zip(rows, labels, rules_ev))]
        return np.array(labels, dtype=object), proba, np.array(scores), evidence

    def predict(self, sentences: pd.DataFrame) -> np.ndarray:
        return self._decide(sentences)[0]

    def predict_proba(self, sentences: pd.DataFrame) -> np.ndarray:
        """Class probabilities (columns in ``classes_`` order); a rule's family gets at least
        the rule's confidence, and the row is renormalised."""
        labels, proba, scores, _ = self._decide(sentences)
        proba = proba.copy()
        classes = list(self.classes_)
        for k, fam in enumerate(labels):
            j = classes.index(fam)
            if proba[k, j] < scores[k]:
                rest = proba[k].sum() - proba[k, j]
                if rest > 0:
                    proba[k] *= (1 - scores[k]) / rest
                proba[k, j] = scores[k]
        return proba

    def transform(self, sentences: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``sentences`` with ``family``, ``family_score`` and ``family_evidence``."""
        labels, _, scores, evidence = self._decide(sentences)
        out = sentences.copy()
        out["family"] = labels
        out["family_score"] = scores
        out["family_evidence"] = evidence
        return out

    # -- stored as data (JSON): what a fitted classifier needs to predict, nothing else
    def to_dict(self) -> dict:
        """The fitted classifier as plain data (see :meth:`from_dict`)."""
        d = {"params": {k: (list(v) if isinstance(v, tuple) else v)
                        for k, v in self.get_params().items()},
             "classes": [str(c) for c in self.classes_],
             "dense_features": list(DENSE_FEATURES),
             "n_features": int(self.n_features_in_),
             "scaler": {"scale": self.scaler_.scale_.tolist(), "mean": self.scaler_.mean_.tolist(),
                        "var": self.scaler_.var_.tolist(),
                        "n_samples_seen": int(self.scaler_.n_samples_seen_)},
             "logistic_regression": {"coef": self.model_.coef_.tolist(),
                                     "intercept": self.model_.intercept_.tolist()}}
        if self.ngram_weight:
            vocab = self.vectorizer_.vocabulary_
            d["vectorizer"] = {"vocabulary": sorted(vocab, key=vocab.get),
                               "idf": self.vectorizer_.idf_.tolist()}
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "FamilyClassifier":
        """A classifier equal in its predictions to the one :meth:`to_dict` described."""
        params = dict(d["params"])
        params["ngram_range"] = tuple(params["ngram_range"])
        if list(d["dense_features"]) != list(DENSE_FEATURES):
            raise ValueError("the stored family model was fitted on other features: refit it "
                             "(scripts/fit_family_model.py)")
        self = cls(**params)
        sc = d["scaler"]
        self.scaler_ = StandardScaler(with_mean=False)
        self.scaler_.scale_ = np.asarray(sc["scale"], dtype=np.float64)
        self.scaler_.mean_ = np.asarray(sc["mean"], dtype=np.float64)
        self.scaler_.var_ = np.asarray(sc["var"], dtype=np.float64)
        self.scaler_.n_samples_seen_ = sc["n_samples_seen"]
        self.scaler_.n_features_in_ = len(self.scaler_.scale_)
        if self.ngram_weight:
            vocab = d["vectorizer"]["vocabulary"]
            self.vectorizer_ = TfidfVectorizer(
                analyzer="word", token_pattern=r"\S+", ngram_range=tuple(self.ngram_range),
                min_df=self.min_df, sublinear_tf=True, vocabulary={t: i for i, t in enumerate(vocab)})
            self.vectorizer_.vocabulary_ = {t: i for i, t in enumerate(vocab)}
            self.vectorizer_.idf_ = np.asarray(d["vectorizer"]["idf"], dtype=np.float64)
            self.tfidf_ = tfidf_transformer(self.vectorizer_)
        lr = d["logistic_regression"]
        self.model_ = LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000,
                                         random_state=self.random_state)
        self.model_.classes_ = np.asarray(d["classes"], dtype=object)
        self.model_.coef_ = np.asarray(lr["coef"], dtype=np.float64)
        self.model_.intercept_ = np.asarray(lr["intercept"], dtype=np.float64)
        self.model_.n_features_in_ = int(d["n_features"])
        self.classes_ = self.model_.classes_
        self.n_features_in_ = int(d["n_features"])
        return self

    def save(self, path: str | Path, training_data: dict[str, str] | None = None) -> Path:
        """Write the classifier as JSON, with the sha256 of each training file
        (``training_data``: name -> hash) and the versions it was fitted with."""
        d = {"format": "dvlib-family-model/1", "training_data_sha256": training_data or {},
             "versions": {p: _version(p) for p in ("dvlib", "scikit-learn", "underthesea",
                                                   "numpy", "scipy")}}
        d.update(self.to_dict())
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(d, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> "FamilyClassifier":
        """Read a classifier written by :meth:`save`."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def score(self, sentences: pd.DataFrame, y=None) -> float:
        """Macro-F1 over the five families."""
        y = sentences["label"] if y is None else y
        return float(f1_score(y, self.predict(sentences), labels=list(FAMILIES), average="macro", zero_division=0))



def _version(package: str) -> str:
    try:
        return md.version(package)
    except md.PackageNotFoundError:
        return "not installed"


def training_hashes(files=GOLD_FILES) -> dict[str, str]:
    """sha256 of each gold file the default model is fitted on (name -> hex digest)."""
    return {Path(f).name: hashlib.sha256(Path(f).read_bytes()).hexdigest()
            for f in (data_file(n) if isinstance(n, str) else n for n in files)}


@lru_cache(maxsize=1)
def default_classifier() -> FamilyClassifier:
    """The :class:`FamilyClassifier` fitted on the seed and dev gold sentences, read from
    ``data/models/family_model.json`` (written by ``scripts/fit_family_model.py``)."""
    path = data_file(MODEL_FILE)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run scripts/fit_family_model.py")
    return FamilyClassifier.load(path)


def label_families(sentences: pd.DataFrame, model: FamilyClassifier | None = None) -> pd.DataFrame:
    """``sentences`` with ``family``, ``family_score``, ``family_evidence`` added."""
    return (model or default_classifier()).transform(sentences)

