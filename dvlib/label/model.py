"""The family classifier: one calibrated logistic regression over five blocks of features.

Blocks (each scaled, then weighted):

1. the cue-lexicon and document-context features of :mod:`~dvlib.label.sections` (section a
   sentence sits in, cues per family, planned/reviewed year, quantities, named models ...);
2. function features (:mod:`~dvlib.label.function`): first words and their part of speech,
   tense/modality markers, questions, reported speech, bullets, low figures ...;
3. the votes of the genre rules (:mod:`~dvlib.label.rules`): not decisions that override the
   model, as before, but features whose trust is learned — measured on the labelled sets the
   rules as overrides cost 0.03–0.07 macro-F1 on text they were not written against;
4. the function features and rule votes of the sentence before and after;
5. word uni- and bigrams of underthesea's tokens (digits folded), down-weighted.

``family_score`` is the model's probability of the chosen family after temperature scaling
(one temperature fitted on out-of-fold probabilities by ``evaluation/fit_family_model.py``), so
a score of 0.7 means about seven in ten such labels are right on held-out text
(``evaluation/evaluate_families.py`` prints the reliability table). Site furniture marked by
the load stage is ``other`` with score 1.

The default classifier is fitted by ``evaluation/fit_family_model.py`` and stored as JSON in
``data/models/family_model.json`` (scaler, vectorizers' vocabularies and idf, coefficients,
temperature, the sha256 of the training data and the versions); :func:`default_classifier`
reads it back — no pickle, no refit per process.
"""
from __future__ import annotations

import hashlib
import importlib.metadata as md
import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from dvlib.label.document import document_features
from dvlib.label.features import DENSE_FEATURES, FEATURE_LABELS, dense_matrix
from dvlib.label.function import function_features, list_families, neighbour_features
from dvlib.label.lexicon import CueLexicon, load_cue_lexicon
from dvlib.label.rules import apply_rules, short
from dvlib.label.sections import feature_batches
from dvlib.runtime.gc import gc_paused
from dvlib.schema import FAMILIES
from dvlib.text.data import data_file
from dvlib.tokenize import tokenize_sentence

MODEL_FILE = "models/family_model.json"
FORMAT = "dvlib-family-model/2"
_DIGITS = re.compile(r"\d")
_BLOCKS = ("dense", "function", "rules", "neighbours", "document", "ngrams")


def sentence_tokens(text: str) -> list[str]:
    """The words of a sentence as the tokenize stage stores them (token form, no punctuation)."""
    return [t.form for t in tokenize_sentence(text) if not t.is_punct]


def rule_votes(r: dict, lex: CueLexicon, scan) -> tuple[dict[str, float], str | None, str | None]:
    """What the genre rules say of a sentence: as features (``rule=<family>`` and
    ``rule=<family>:<kind of rule>``), the family, and the rule's own explanation."""
    fam, ev, _ = apply_rules(r, lex, scan)
    if not fam:
        return {}, None, None
    kind = (ev or "").split(":", 1)[0].strip() or "rule"
    return {f"rule={fam}": 1.0, f"rule={fam}:{kind}": 1.0}, fam, ev


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

    Input: a sentences table (``doc_id``, ``sentence_index``, ``paragraph_index``, ``text``,
    ``boilerplate``, and ``tokens`` when the tokenize stage ran — else they are computed), one
    document's rows in order. ``fit`` also needs ``label`` (or ``y``).

    Parameters
    ----------
    C : inverse regularisation of the logistic regression.
    w_dense, w_function, w_rules, w_neighbours, w_ngrams, w_document : weight of each feature
        block (0 switches a block off; the document block, :mod:`~dvlib.label.document`, is
        off unless asked for, so models stored before it load unchanged).
    ngram_range, min_df : of the word n-grams.
    temperature : divides the log-probabilities before normalising (fitted on out-of-fold
        probabilities, so that scores are calibrated); 1 leaves them as the regression gives.
    lexicon_path : another cue lexicon (YAML) instead of ``data/family_cues.yaml``.
    random_state : seed of the solver.
    """

    def __init__(self, C=1.0, w_dense=1.0, w_function=1.0, w_rules=2.0, w_neighbours=0.5,
                 w_ngrams=1.0, ngram_range=(1, 2), min_df=2, temperature=1.0,
                 lexicon_path=None, random_state=0, w_document=0.0):
        self.C = C
        self.w_dense = w_dense
        self.w_function = w_function
        self.w_rules = w_rules
        self.w_neighbours = w_neighbours
        self.w_ngrams = w_ngrams
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.temperature = temperature
        self.lexicon_path = lexicon_path
        self.random_state = random_state
        self.w_document = w_document

    # -- features
    def _lexicon(self) -> CueLexicon:
        return load_cue_lexicon(str(self.lexicon_path) if self.lexicon_path else None)

    def _raw(self, rows, scans, tokens, doc_ids, texts, lex):
        """The five blocks' raw inputs for a batch of whole documents in order."""
        func, votes, rule_ev = [], [], []
        for r, s, toks, text in zip(rows, scans, tokens, texts):
            heading = bool(r["heading_like"] or r["first_heading"])
            func.append(function_features(text, toks, heading, r["_mf"]))
            v, fam, ev = rule_votes(r, lex, s)
            votes.append(v)
            rule_ev.append((fam, ev))
        return {"dense": dense_matrix(rows), "function": func, "rules": votes,
                "neighbours": neighbour_features([{**f, **v} for f, v in zip(func, votes)], doc_ids),
                "document": document_features(rows, doc_ids) if self.w_document else [{}] * len(rows),
                "ngrams": [_DIGITS.sub("0", " ".join(t)) for t in tokens],
                "rule_evidence": rule_ev}

    def _matrix(self, raw: dict, fit: bool):
        blocks = []
        if self.w_dense:
            if fit:
                self.scaler_ = StandardScaler().fit(raw["dense"])
            blocks.append(sparse.csr_matrix(np.clip(self.scaler_.transform(raw["dense"]), -5, 5))
                          * float(self.w_dense))
        for key, w in (("function", self.w_function), ("rules", self.w_rules),
                       ("neighbours", self.w_neighbours), ("document", self.w_document)):
            if w:
                if fit:
                    setattr(self, f"{key}_vectorizer_", DictVectorizer().fit(raw[key]))
                blocks.append(getattr(self, f"{key}_vectorizer_").transform(raw[key]) * float(w))
        if self.w_ngrams:
            if fit:
                self.ngram_vectorizer_ = TfidfVectorizer(
                    token_pattern=r"\S+", ngram_range=tuple(self.ngram_range),
                    min_df=self.min_df, sublinear_tf=True).fit(raw["ngrams"])
            blocks.append(self.ngram_vectorizer_.transform(raw["ngrams"]) * float(self.w_ngrams))
        return sparse.hstack(blocks).tocsr()

    def feature_names(self) -> list[str]:
        """Names of the model's columns, in order (for evidence and inspection)."""
        names = []
        if self.w_dense:
            names += list(DENSE_FEATURES)
        for key, w in (("function", self.w_function), ("rules", self.w_rules),
                       ("neighbours", self.w_neighbours), ("document", self.w_document)):
            if w:
                names += list(getattr(self, f"{key}_vectorizer_").feature_names_)
        if self.w_ngrams:
            names += [f'"{t}"' for t in self.ngram_vectorizer_.get_feature_names_out()]
        return names

    def _batches(self, sentences: pd.DataFrame):
        """(positions, feature rows, scans, tokens, doc ids, texts) per batch of documents."""
        lex = self._lexicon()
        has_tokens = "tokens" in sentences.columns
        tokens = list(sentences["tokens"]) if has_tokens else None
        doc_ids = sentences["doc_id"].tolist() if "doc_id" in sentences else None
        texts = sentences["text"].fillna("").astype(str).tolist()
        for pos, rows, scans in feature_batches(sentences, lex):
            p = pos.tolist()
            toks = [list(tokens[i]) for i in p] if has_tokens else [sentence_tokens(texts[i]) for i in p]
            docs = [doc_ids[i] for i in p] if doc_ids is not None else [0] * len(p)
            yield pos, rows, scans, toks, docs, [texts[i] for i in p], lex

    # -- sklearn API
    def fit(self, sentences: pd.DataFrame, y=None):
        """Fit on a labelled sentences table (``label`` column, or ``y`` in row order)."""
        if y is None:
            if "label" not in sentences.columns:
                raise KeyError("fit needs labels: a 'label' column or y")
            y = sentences["label"]
        y = np.asarray(y, dtype=object)
        unknown = set(y) - set(FAMILIES)
        if unknown:
            raise ValueError(f"unknown family labels: {sorted(unknown)}")
        parts, order = [], []
        for pos, rows, scans, toks, docs, texts, lex in self._batches(sentences):
            parts.append(self._raw(rows, scans, toks, docs, texts, lex))
            order.append(pos)
        raw = _concat(parts)
        X = self._matrix(raw, fit=True)
        self.model_ = LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000,
                                         random_state=self.random_state)
        with threadpool_limits(limits=1, user_api="blas"):  # small problem: threads only spin
            self.model_.fit(X, y[np.concatenate(order)])
        self.classes_ = self.model_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def _calibrated(self, X) -> np.ndarray:
        logp = self.model_.predict_log_proba(X) / float(self.temperature)
        logp -= logp.max(axis=1, keepdims=True)
        p = np.exp(logp)
        return p / p.sum(axis=1, keepdims=True)

    def _decide(self, sentences: pd.DataFrame):
        """(labels, calibrated probabilities over classes_, scores, evidence), input order."""
        n, k = len(sentences), len(self.classes_)
        labels, scores = np.empty(n, dtype=object), np.zeros(n)
        proba, evidence = np.zeros((n, k)), [""] * n
        if n == 0:
            return labels, proba, scores, evidence
        names = self.feature_names()
        classes = list(self.classes_)
        bps = (sentences["boilerplate"].fillna("").astype(str).tolist()
               if "boilerplate" in sentences else [""] * n)
        with gc_paused():
            for pos, rows, scans, toks, docs, texts, lex in self._batches(sentences):
                raw = self._raw(rows, scans, toks, docs, texts, lex)
                X = self._matrix(raw, fit=False)
                p = self._calibrated(X)
                best = p.argmax(axis=1)
                lists = list_families(rows, docs)
                for j, i in enumerate(pos.tolist()):
                    fam = classes[int(best[j])]
                    listed = lists[j]
                    if listed and listed[0] in classes and fam != listed[0]:
                        # an item of a list its lead-in names (the guide's context rule; held
                        # for 10 of 11 such items of the training sets): at least 0.8
                        fam = listed[0]
                        k_fam = classes.index(fam)
                        if p[j, k_fam] < 0.8:
                            rest = p[j].sum() - p[j, k_fam]
                            p[j] *= (0.2 / rest) if rest > 0 else 1.0
                            p[j, k_fam] = 0.8
                    if rows[j]["_section"] == "trailer" and "other" in classes:
                        # unrelated news after "Các tin khác" (the load stage marks most of it)
                        fam = "other"
                        k_o = classes.index("other")
                        if p[j, k_o] < 0.9:
                            rest = p[j].sum() - p[j, k_o]
                            p[j] *= (0.1 / rest) if rest > 0 else 1.0
                            p[j, k_o] = 0.9
                    if bps[i] and "other" in classes:  # site furniture is not report content
                        fam = "other"
                        p[j] = np.where(np.arange(k) == classes.index("other"), 1.0, 0.0)
                    labels[i], scores[i], proba[i] = fam, round(float(p[j, classes.index(fam)]), 4), p[j]
                    evidence[i] = self._evidence(X, j, classes.index(fam), names, rows[j],
                                                 raw["rule_evidence"][j], bps[i])
                    if listed and fam == listed[0]:
                        evidence[i] = f'list item after "{short(listed[1], 60)}"; ' + evidence[i]
        return labels, proba, scores, evidence

    def _evidence(self, X, j: int, fam_idx: int, names: list[str], r: dict, rule_ev, bp: str) -> str:
        """The rule that agrees, the family's cues in the sentence, and the features that pushed
        the sentence into its family most."""
        fam = self.classes_[fam_idx]
        if bp:
            return f"site furniture ({bp})"
        parts = []
        if rule_ev[1] and rule_ev[0] == fam:  # the genre rule agrees with the model
            parts.append(rule_ev[1])
        hits = sorted(r["_cues"].get(fam, []), key=lambda h: (-h[1], h[2]))[:2]
        parts += [f'cue "{h[0]}"' for h in hits if h[0]]
        lo, hi = X.indptr[j], X.indptr[j + 1]
        coef = self.model_.coef_[fam_idx] if len(self.classes_) > 2 else self.model_.coef_[0]
        contrib = X.data[lo:hi] * coef[X.indices[lo:hi]]
        feats = []
        for c in np.argsort(-contrib)[:8]:
            if contrib[c] <= 0:
                break
            label = readable_feature(names[X.indices[lo + c]])
            if label not in feats and not label.startswith("rule="):
                feats.append(label)
            if len(feats) == 3:
                break
        if feats:
            parts.append("model: " + ", ".join(feats))
        return "; ".join(parts) if parts else "model"

    def predict(self, sentences: pd.DataFrame) -> np.ndarray:
        """The family of each sentence, in input order."""
        return self._decide(sentences)[0]

    def predict_proba(self, sentences: pd.DataFrame) -> np.ndarray:
        """Calibrated class probabilities (columns in ``classes_`` order)."""
        return self._decide(sentences)[1]

    def transform(self, sentences: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``sentences`` with ``family``, ``family_score`` and ``family_evidence``."""
        labels, _, scores, evidence = self._decide(sentences)
        out = sentences.copy()
        out["family"] = labels
        out["family_score"] = scores
        out["family_evidence"] = evidence
        return out

    def score(self, sentences: pd.DataFrame, y=None) -> float:
        """Macro-F1 over the five families."""
        y = sentences["label"] if y is None else y
        return float(f1_score(y, self.predict(sentences), labels=list(FAMILIES), average="macro",
                              zero_division=0))

    # -- stored as data (JSON): what a fitted classifier needs to predict, nothing else
    def to_dict(self) -> dict:
        """The fitted classifier as plain data (see :meth:`from_dict`)."""
        d = {"params": {k: (list(v) if isinstance(v, tuple) else v)
                        for k, v in self.get_params().items()},
             "classes": [str(c) for c in self.classes_],
             "dense_features": list(DENSE_FEATURES),
             "n_features": int(self.n_features_in_),
             "logistic_regression": {"coef": self.model_.coef_.tolist(),
                                     "intercept": self.model_.intercept_.tolist()}}
        if self.w_dense:
            d["scaler"] = {"mean": self.scaler_.mean_.tolist(), "scale": self.scaler_.scale_.tolist()}
        for key in ("function", "rules", "neighbours", "document"):
            if getattr(self, f"w_{key}"):
                d[f"{key}_features"] = list(getattr(self, f"{key}_vectorizer_").feature_names_)
        if self.w_ngrams:
            vocab = self.ngram_vectorizer_.vocabulary_
            d["ngrams"] = {"vocabulary": sorted(vocab, key=vocab.get),
                           "idf": self.ngram_vectorizer_.idf_.tolist()}
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "FamilyClassifier":
        """A classifier equal in its predictions to the one :meth:`to_dict` described."""
        params = dict(d["params"])
        params["ngram_range"] = tuple(params["ngram_range"])
        if list(d["dense_features"]) != list(DENSE_FEATURES):
            raise ValueError("the stored family model was fitted on other features: refit it "
                             "(evaluation/fit_family_model.py)")
        self = cls(**params)
        if self.w_dense:
            self.scaler_ = StandardScaler()
            self.scaler_.mean_ = np.asarray(d["scaler"]["mean"], dtype=np.float64)
            self.scaler_.scale_ = np.asarray(d["scaler"]["scale"], dtype=np.float64)
            self.scaler_.var_ = self.scaler_.scale_ ** 2
            self.scaler_.n_features_in_ = len(self.scaler_.mean_)
        for key in ("function", "rules", "neighbours", "document"):
            if getattr(self, f"w_{key}"):
                names = d[f"{key}_features"]
                dv = DictVectorizer()
                dv.feature_names_ = list(names)
                dv.vocabulary_ = {n: i for i, n in enumerate(names)}
                setattr(self, f"{key}_vectorizer_", dv)
        if self.w_ngrams:
            vocab = {t: i for i, t in enumerate(d["ngrams"]["vocabulary"])}
            tv = TfidfVectorizer(token_pattern=r"\S+", ngram_range=tuple(self.ngram_range),
                                 min_df=self.min_df, sublinear_tf=True, vocabulary=vocab)
            tv.fit([" ".join(vocab)])  # sets up the analyzer; idf_ is replaced next
            tv.idf_ = np.asarray(d["ngrams"]["idf"], dtype=np.float64)
            self.ngram_vectorizer_ = tv
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

    def save(self, path: str | Path, training_data: dict[str, str] | None = None,
             metadata: dict | None = None) -> Path:
        """Write the classifier as JSON, with the sha256 of its training data
        (``training_data``: name -> hash), the versions it was fitted with, and ``metadata``."""
        d = {"format": FORMAT, "training_data_sha256": training_data or {},
             "versions": {p: _version(p) for p in ("dvlib", "scikit-learn", "underthesea",
                                                   "numpy", "scipy")},
             "metadata": metadata or {}}
        d.update(self.to_dict())
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(d, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> "FamilyClassifier":
        """Read a classifier written by :meth:`save`."""
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        if d.get("format") != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} file: refit it (evaluation/fit_family_model.py)")
        return cls.from_dict(d)


_POS_NAMES = {"V": "a verb", "N": "a noun", "Np": "a name", "A": "an adjective", "R": "an adverb",
              "E": "a preposition", "C": "a conjunction", "Cc": "a conjunction", "M": "a number",
              "P": "a pronoun", "L": "a determiner", "CH": "punctuation"}


def readable_feature(name: str) -> str:
    """A model feature's name as a reader understands it (for ``family_evidence``)."""
    if name in FEATURE_LABELS:
        return FEATURE_LABELS[name]
    for prefix, where in (("prev:", "sentence before: "), ("next:", "sentence after: ")):
        if name.startswith(prefix):
            return where + readable_feature(name[len(prefix):])
    kind, _, value = name.partition("=")
    word = value.replace("_", " ")
    if kind in ("w1", "head_w1"):
        return f'starts with "{word}"'
    if kind == "w12":
        return f'starts with "{word}"'
    if kind in ("p1", "head_p1"):
        return f"{'heading ' if kind == 'head_p1' else ''}starts with {_POS_NAMES.get(value, value)}"
    if kind == "p12":
        return "first two words' parts of speech"
    if kind == "m":
        return f'word "{word}"'
    if kind == "rule":
        return f"genre rule ({value})"
    if name.startswith('"'):
        return "words " + name.replace("_", " ")
    return name.replace("_", " ")


def _concat(parts: list[dict]) -> dict:
    out = {"dense": np.vstack([p["dense"] for p in parts])}
    for key in ("function", "rules", "neighbours", "document", "ngrams", "rule_evidence"):
        out[key] = [x for p in parts for x in p[key]]
    return out


def _version(package: str) -> str:
    try:
        return md.version(package)
    except md.PackageNotFoundError:
        return "not installed"


def file_hashes(files) -> dict[str, str]:
    """sha256 of each file (name -> hex digest): what a stored model was fitted on."""
    return {Path(f).name: hashlib.sha256(Path(f).read_bytes()).hexdigest() for f in files}


@lru_cache(maxsize=1)
def default_classifier() -> FamilyClassifier:
    """The stored :class:`FamilyClassifier` (``data/models/family_model.json``, written by
    ``evaluation/fit_family_model.py``), read once per process."""
    path = data_file(MODEL_FILE)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run evaluation/fit_family_model.py")
    return FamilyClassifier.load(path)


def label_families(sentences: pd.DataFrame, model: FamilyClassifier | None = None) -> pd.DataFrame:
    """``sentences`` with ``family``, ``family_score``, ``family_evidence`` added."""
    return (model or default_classifier()).transform(sentences)
