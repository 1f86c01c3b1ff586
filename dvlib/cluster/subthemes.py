"""Sub-themes: inductive clusters of claims (or sentences) inside each theme family.

The units are the claims of :mod:`dvlib.claims` when the table has a ``claim_id`` column (the
pipeline's case: a sentence listing three shortcomings makes three points, and each joins the
sub-theme of its own point), else sentences. Below, "sentence" means the unit.

Within each family (limitation, priority, model, achievement) the units' content terms are
weighted by TF-IDF and clustered, so that a researcher sees, say, the limitations split into
"communication", "coordination", "funding" ... each labelled by its most distinctive terms and
illustrated by its most representative sentence.

Choices, and why:
- **Spherical k-means** (scikit-learn ``KMeans`` on L2-normalised TF-IDF rows, fixed
  ``random_state`` and ``n_init``). It is centroid-based, so the rule that later assigns a new
  report's sentences (nearest centroid by cosine) is the same rule that formed the clusters;
  agglomerative clustering has no such rule and, with average linkage on short sparse texts,
  tends to chain into one large cluster plus singletons.
- **k by silhouette** (cosine distance) over ``k_min .. min(k_max, n // min_cluster_size)``,
  computed on the partition actually kept (after small clusters are dissolved); ties go to the
  smaller k. A family with fewer than ``2 * min_cluster_size`` sentences is one sub-theme.
- **No outlier sub-themes**: a cluster below ``min_cluster_size`` is dissolved and its
  sentences go to their nearest remaining centroid; then sentences are moved to their nearest
  centroid until stable, so fitted labels agree with the assignment rule.
- **Terms by class-based TF-IDF** (BERTopic's c-TF-IDF: L1-normalised term frequency in the
  class × log(1 + A / f_term), A = average number of term occurrences per class), kept as
  ``top_terms``; readers see a **name**, a phrase of the members as written that contains those
  terms (rule in :mod:`dvlib.cluster.naming`), as ``name``, ``label`` and ``subtheme_label``.
- **Stable on rerun**: inputs are sorted by sentence_id, KMeans runs single-threaded (its
  OpenMP reduction order is otherwise not fixed), ties are broken by explicit order, and a saved
  model remembers which sub-theme every fitted sentence got, so transforming the old corpus plus
  a new report never moves an old sentence. Models are saved as JSON, never pickle.
"""
from __future__ import annotations

import json
import math
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

SILHOUETTE_SAMPLE = 2500

from dvlib.runtime import atomic
from dvlib.schema import SUBTHEME_FAMILIES
from dvlib.cluster.partition import (as_list as _as_list, centroids as _centroids,
                                     ctfidf as _ctfidf, fingerprint as _fingerprint,
                                     nearest as _nearest, settle as _settle,
                                     terms_of as _terms_of, vectorize as _vectorize)
from dvlib.cluster.naming import phrase_name

FORMAT = "dvlib-subthemes"
FORMAT_VERSION = 2  # 2: units may be claims (representative_claim_id)
FAMILIES = SUBTHEME_FAMILIES
SUBTHEME_COLUMNS = ["subtheme", "subtheme_label", "subtheme_score"]
TOPIC_COLUMNS = ["family", "subtheme", "name", "label", "top_terms", "size",
                 "representative_sentence_id", "representative_claim_id", "representative_text"]
MAPPING_COLUMNS = ["family", "old_subtheme", "old_label", "old_size", "new_subtheme",
                   "new_label", "share", "jaccard"]
LABEL_SEPARATOR = " · "


def _sub_key(subtheme: str):
    family, _, num = subtheme.rpartition("-")
    return (family, int(num)) if num.isdigit() else (subtheme, -1)


class SubthemeModel(BaseEstimator):
    """Sub-themes inside each theme family (see the module docstring for the method).

    Parameters
    ----------
    families : families to cluster; sentences of other families get no sub-theme.
    k_min, k_max : bounds of the number of clusters tried per family.
    min_cluster_size : no sub-theme has fewer sentences (except a family that is smaller).
    random_state, n_init : passed to KMeans.
    n_label_terms : terms in a sub-theme's label.
    max_df, min_df : TF-IDF vocabulary pruning (as in scikit-learn); if pruning leaves no term,
        the family falls back to min_df=1, max_df=1.0.
    """

    def __init__(self, families=FAMILIES, k_min=2, k_max=8, min_cluster_size=3, random_state=0,
                 n_label_terms=5, max_df=0.9, min_df=2, n_init=10):
        self.families = families
        self.k_min = k_min
        self.k_max = k_max
        self.min_cluster_size = min_cluster_size
        self.random_state = random_state
        self.n_label_terms = n_label_terms
        self.max_df = max_df
        self.min_df = min_df
        self.n_init = n_init

    # ------------------------------------------------------------------ fitting
    def _check_params(self):
        if self.min_cluster_size < 1:
            raise ValueError("min_cluster_size must be >= 1")
        if self.k_min < 2 or self.k_max < self.k_min:
            raise ValueError("need 2 <= k_min <= k_max")
        if self.n_label_terms < 1:
            raise ValueError("n_label_terms must be >= 1")

    @staticmethod
    def _prepare(sentences: pd.DataFrame) -> pd.DataFrame:
        missing = {"sentence_id", "family", "terms"} - set(sentences.columns)
        if missing:
            raise KeyError(f"sentences lack column(s): {sorted(missing)}")
        df = sentences.copy()
        df["_terms"] = [_terms_of(v) for v in df["terms"]]
        # the unit clustered: a claim when the table has claims, else a sentence
        df["_sid"] = (df["claim_id"] if "claim_id" in df.columns else df["sentence_id"]).astype(str)
        df["_sentence"] = df["sentence_id"].astype(str)
        df["_claim"] = df["claim_id"].astype(str) if "claim_id" in df.columns else ""
        df["_family"] = df["family"].fillna("").astype(str)
        df["_text"] = df["text"].fillna("").astype(str) if "text" in df.columns else ""
        return df

    def _fit_vocabulary(self, terms_lists):
        for max_df, min_df in ((self.max_df, self.min_df), (1.0, 1)):
            vec = TfidfVectorizer(analyzer=_as_list, sublinear_tf=True, norm="l2",
                                  max_df=max_df, min_df=min_df)
            try:
                vec.fit(terms_lists)
            except ValueError:  # empty vocabulary after pruning (or no terms at all)
                continue
            names = vec.get_feature_names_out().tolist()
            return {t: i for i, t in enumerate(names)}, np.asarray(vec.idf_, dtype=np.float64)
        return {}, np.zeros(0)

    def _choose_partition(self, X: sp.csr_matrix, family: str):
        """Cluster labels for the rows of X that have terms; and the k-selection record."""
        n = X.shape[0]
        mcs = self.min_cluster_size
        record = []
        single = np.zeros(n, dtype=np.int64)
        if n < 2 * mcs:
            return single, record
        ptr, ind, dat = X.indptr, X.indices, X.data  # slicing the arrays: X[i] is slow
        n_distinct = len({(ind[a:b].tobytes(), dat[a:b].tobytes()) for a, b in zip(ptr[:-1], ptr[1:])})
        k_hi = min(self.k_max, n // mcs, n_distinct)
        best, best_score, best_k = single, None, None
        for k in range(self.k_min, k_hi + 1):
            # Single thread: KMeans' parallel reduction order would make reruns differ in the
            # last bits, which can flip a borderline sentence.
            with threadpool_limits(limits=1):
                km = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state)
                labels = km.fit_predict(X)
            labels = _settle(X, labels, mcs)
            m = int(labels.max()) + 1
            # Silhouette needs all pairwise distances (memory grows with n squared): above
            # SILHOUETTE_SAMPLE sentences it is estimated on a fixed random sample.
            sample = SILHOUETTE_SAMPLE if n > SILHOUETTE_SAMPLE else None
            score = (float(silhouette_score(X, labels, metric="cosine", sample_size=sample,
                                            random_state=self.random_state))
                     if m >= 2 else float("nan"))
            record.append({"family": family, "k": k, "n_subthemes": m, "silhouette": score})
            if m >= 2 and (best_score is None or score > best_score + 1e-12):  # ties: smaller k
                best, best_score, best_k = labels, score, k
        for r in record:
            r["chosen"] = r["k"] == best_k
        return best, record

    def fit(self, sentences: pd.DataFrame, y=None):
        self._check_params()
        df = self._prepare(sentences)
        df = df.sort_values(["_sid", "_family", "_text"], kind="mergesort").reset_index(drop=True)
        self.families_ = {}
        topics, selection, membership = [], [], {}
        for family in self.families:
            fam = df[df["_family"] == family].reset_index(drop=True)
            if fam.empty:
                continue
            terms_lists = fam["_terms"].tolist()
            vocab, idf = self._fit_vocabulary(terms_lists)
            X = _vectorize(terms_lists, vocab, idf)
            has_terms = np.diff(X.indptr) > 0
            rows = np.flatnonzero(has_terms)
            labels_nz, record = self._choose_partition(X[rows], family)
            selection.extend(record)
            m = int(labels_nz.max()) + 1 if len(rows) else 1
            C = _centroids(X[rows], labels_nz, m) if len(rows) else np.zeros((1, len(vocab)))
            # Sentences without any vocabulary term carry no evidence: they join the largest
            # sub-theme (the first after ordering), as transform does for such sentences.
            sizes = np.bincount(labels_nz, minlength=m) if len(rows) else np.zeros(1, int)
            labels = np.full(len(fam), -1, dtype=np.int64)
            labels[rows] = labels_nz
            labels[~has_terms] = int(np.argmax(sizes))
            ordered = self._describe(fam, X, labels, C, vocab, family)
            old_to_new = {o["_cluster"]: i for i, o in enumerate(ordered)}
            C = C[[o["_cluster"] for o in ordered]]
            ids = [o["subtheme"] for o in ordered]
            for o in ordered:
                del o["_cluster"]
                topics.append(o)
            for sid, t, lab in zip(fam["_sid"], fam["_terms"], labels):
                membership[sid] = [ids[old_to_new[int(lab)]], _fingerprint(family, t)]
            self.families_[family] = {"vocabulary": vocab, "idf": idf, "centroids": C,
                                      "subthemes": ids}
        self.topics_table_ = pd.DataFrame(topics, columns=TOPIC_COLUMNS)
        self.selection_ = pd.DataFrame(
            selection, columns=["family", "k", "n_subthemes", "silhouette", "chosen"])
        self.membership_ = membership
        return self

    def _describe(self, fam, X, labels, C, vocab, family) -> list[dict]:
        """Size, c-TF-IDF label and representative sentence of each cluster, in id order."""
        m = C.shape[0]
        names = sorted(vocab, key=vocab.get)
        counts = np.zeros((m, len(vocab)))
        for terms, lab in zip(fam["_terms"], labels):
            for t in terms:
                j = vocab.get(t)
                if j is not None:
                    counts[lab, j] += 1
        scores = _ctfidf(counts) if len(vocab) else counts
        sims = np.asarray(X @ C.T) if X.shape[1] else np.zeros((X.shape[0], m))
        out = []
        for c in range(m):
            members = np.flatnonzero(labels == c)
            present = np.flatnonzero(counts[c] > 0)
            # Highest score first, then alphabetical: no dependence on dict or set order.
            order = sorted(present, key=lambda j: (-scores[c, j], names[j]))
            top = [names[j] for j in order[: self.n_label_terms]]
            if not top:  # no vocabulary term: the most frequent raw term of the members
                freq: dict[str, int] = {}
                for terms in fam["_terms"].iloc[members]:
                    for t in terms:
                        freq[t] = freq.get(t, 0) + 1
                top = sorted(freq, key=lambda t: (-freq[t], t))[:1] or [family]
            label = LABEL_SEPARATOR.join(t.replace("_", " ") for t in top)
            rep = members[int(np.argmax(sims[members, c]))] if len(members) else None
            out.append({"family": family, "label": label, "top_terms": top,
                        "_texts": fam["_text"].iloc[members].tolist(),
                        "_words": sorted({t for ts in fam["_terms"].iloc[members] for t in ts}),
                        "_scores": {names[j]: float(scores[c, j]) for j in order[: self.n_label_terms]},
                        "size": int(len(members)),
                        "representative_sentence_id": fam["_sentence"].iloc[rep] if rep is not None else "",
                        "representative_claim_id": fam["_claim"].iloc[rep] if rep is not None else "",
                        "representative_text": fam["_text"].iloc[rep] if rep is not None else "",
                        "_cluster": c, "_first": fam["_sid"].iloc[members[0]] if len(members) else ""})
        # Ids are ordered by the word label (as before names existed), so ids do not move.
        out.sort(key=lambda o: (-o["size"], o["label"], o["_first"]))
        taken: set[str] = set()
        for i, o in enumerate(out, start=1):
            o["subtheme"] = f"{family}-{i}"
            o["name"] = phrase_name(o.pop("_texts"), o.pop("_scores"), o["representative_text"],
                                    taken, o.pop("_words")) or o["label"]
            # The phrase is what readers see; the word list stays in top_terms.
            o["label"] = o["name"]
            taken.add(o["name"])
            del o["_first"]
        return out

    # ------------------------------------------------------------------ applying
    def transform(self, sentences: pd.DataFrame) -> pd.DataFrame:
        """The sentences with ``subtheme``, ``subtheme_label``, ``subtheme_score`` added.

        A sentence the model was fitted on (same sentence_id, family and terms) keeps its
        sub-theme; any other sentence goes to the nearest existing centroid (cosine). Families
        the model has no sub-themes for get "" and a NaN score. Row order is kept.
        """
        check_is_fitted(self, "families_")
        df = self._prepare(sentences)
        labels = dict(zip(self.topics_table_["subtheme"], self.topics_table_["name"]))
        sub = [""] * len(df)
        score = np.full(len(df), np.nan)
        for family, state in self.families_.items():
            pos = np.flatnonzero((df["_family"] == family).to_numpy())
            if not len(pos):
                continue
            terms_lists = [df["_terms"].iat[p] for p in pos]
            X = _vectorize(terms_lists, state["vocabulary"], state["idf"])
            S = np.asarray(X @ state["centroids"].T) if X.shape[1] else np.zeros((len(pos), len(state["subthemes"])))
            nearest = _nearest(S)
            index = {s: i for i, s in enumerate(state["subthemes"])}
            for row, p in enumerate(pos):
                known = self.membership_.get(df["_sid"].iat[p])
                c = nearest[row]
                if known is not None and known[1] == _fingerprint(family, terms_lists[row]) \
                        and known[0] in index:
                    c = index[known[0]]
                sub[p] = state["subthemes"][c]
                score[p] = float(S[row, c])
        out = sentences.copy()
        out["subtheme"] = sub
        out["subtheme_label"] = [labels.get(s, "") for s in sub]
        out["subtheme_score"] = score
        return out

    def fit_transform(self, sentences: pd.DataFrame, y=None) -> pd.DataFrame:
        return self.fit(sentences).transform(sentences)

    @property
    def topics_(self) -> pd.DataFrame:
        return self.topics_frame()

    def topics_frame(self) -> pd.DataFrame:
        """One row per sub-theme: family, subtheme, label, top_terms, size, representative."""
        check_is_fitted(self, "families_")
        t = self.topics_table_.copy()
        t["top_terms"] = [list(x) for x in t["top_terms"]]
        key = t["subtheme"].map(_sub_key)
        fam_order = {f: i for i, f in enumerate(self.families)}
        t = t.assign(_f=t["family"].map(fam_order), _n=[k[1] for k in key])
        return t.sort_values(["_f", "_n"], kind="mergesort").drop(columns=["_f", "_n"]).reset_index(drop=True)

    # ------------------------------------------------------------------ persistence
    def to_dict(self) -> dict:
        check_is_fitted(self, "families_")
        params = self.get_params()
        params["families"] = list(params["families"])
        fams = {}
        for family, st in self.families_.items():
            fams[family] = {
                "vocabulary": sorted(st["vocabulary"], key=st["vocabulary"].get),
                "idf": np.asarray(st["idf"], dtype=np.float64).tolist(),
                "subthemes": list(st["subthemes"]),
                "centroids": np.asarray(st["centroids"], dtype=np.float64).tolist(),
            }
        topics = self.topics_table_.to_dict(orient="records")
        for t in topics:
            t["top_terms"] = list(t["top_terms"])
            t["size"] = int(t["size"])
        selection = [{k: (None if isinstance(v, float) and math.isnan(v) else
                          (v.item() if hasattr(v, "item") else v)) for k, v in r.items()}
                     for r in self.selection_.to_dict(orient="records")]
        return {"format": FORMAT, "version": FORMAT_VERSION, "params": params,
                "families": fams, "topics": topics, "selection": selection,
                "membership": {k: self.membership_[k] for k in sorted(self.membership_)}}

    @classmethod
    def from_dict(cls, data: dict) -> "SubthemeModel":
        if data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
            raise ValueError(f"not a {FORMAT} v{FORMAT_VERSION} model")
        params = dict(data["params"])
        params["families"] = tuple(params["families"])
        model = cls(**params)
        model.families_ = {}
        for family, st in data["families"].items():
            vocab = {t: i for i, t in enumerate(st["vocabulary"])}
            C = np.asarray(st["centroids"], dtype=np.float64).reshape(len(st["subthemes"]), len(vocab))
            model.families_[family] = {"vocabulary": vocab,
                                       "idf": np.asarray(st["idf"], dtype=np.float64),
                                       "centroids": C, "subthemes": list(st["subthemes"])}
        model.topics_table_ = pd.DataFrame(data["topics"], columns=TOPIC_COLUMNS)
        # A model saved before names existed: its label (the word list) serves as the name.
        model.topics_table_["name"] = model.topics_table_["name"].where(
            model.topics_table_["name"].notna(), model.topics_table_["label"])
        sel = pd.DataFrame(data["selection"], columns=["family", "k", "n_subthemes", "silhouette", "chosen"])
        sel["silhouette"] = sel["silhouette"].astype(float)
        model.selection_ = sel
        model.membership_ = {k: list(v) for k, v in data["membership"].items()}
        return model

    def save(self, path: str | os.PathLike) -> Path:
        """Write the model as JSON (atomically). Floats round-trip exactly through JSON."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"),
                          allow_nan=False)
        return atomic.write_text(path, text)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "SubthemeModel":
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def subtheme_mapping(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """How old sub-themes map to new ones over the same sentences.

    ``old`` and ``new`` are transform outputs (sentence_id, family, subtheme[, subtheme_label]).
    For each old sub-theme: the new sub-theme that most of its sentences went to (ties: the
    lower id), the share of its sentences that went there, and the Jaccard index of the two
    memberships.
    """
    if "claim_id" in old.columns and "claim_id" in new.columns:  # units are claims
        old, new = (t.drop(columns="sentence_id").rename(columns={"claim_id": "sentence_id"})
                    for t in (old, new))
    a = old[["sentence_id", "family", "subtheme"]].rename(columns={"subtheme": "old_subtheme"})
    b = new[["sentence_id", "subtheme"]].rename(columns={"subtheme": "new_subtheme"})
    a = a.assign(sentence_id=a["sentence_id"].astype(str))
    b = b.assign(sentence_id=b["sentence_id"].astype(str))
    both = a.merge(b, on="sentence_id", how="inner")
    both = both[both["old_subtheme"] != ""]
    old_labels = dict(zip(old["subtheme"], old.get("subtheme_label", old["subtheme"])))
    new_labels = dict(zip(new["subtheme"], new.get("subtheme_label", new["subtheme"])))
    new_sets = {s: set(g["sentence_id"]) for s, g in b.groupby("new_subtheme") if s != ""}
    rows = []
    for o in sorted(both["old_subtheme"].unique(), key=_sub_key):
        g = both[both["old_subtheme"] == o]
        members = set(g["sentence_id"])
        counts = g["new_subtheme"].value_counts()
        best = sorted(counts.index, key=lambda s: (-counts[s], s == "", _sub_key(s)))[0]
        dest = new_sets.get(best, set())
        rows.append({"family": g["family"].iloc[0], "old_subtheme": o,
                     "old_label": old_labels.get(o, ""), "old_size": len(members),
                     "new_subtheme": best, "new_label": new_labels.get(best, ""),
                     "share": counts[best] / len(members),
                     "jaccard": len(members & dest) / len(members | dest) if dest else 0.0})
    return pd.DataFrame(rows, columns=MAPPING_COLUMNS)


def assign_or_fit(sentences: pd.DataFrame, model_path: str | os.PathLike, refit: bool = False,
                  **params):
    """Reuse the saved sub-themes, or fit (and save) new ones.

    If ``model_path`` exists and ``refit`` is False: load it and assign the sentences to its
    existing sub-themes (``params`` are ignored: the saved model's settings rule). Otherwise fit
    a ``SubthemeModel(**params)`` and save it atomically; when that replaces a saved model, the
    returned ``mapping`` tells how each old sub-theme maps to the new ones (else it is empty).

    Returns ``(model, sentences_with_subthemes, mapping)``.
    """
    model_path = Path(model_path)
    empty = pd.DataFrame(columns=MAPPING_COLUMNS)
    old = None
    if model_path.exists():
        try:
            old = SubthemeModel.load(model_path)
        except ValueError:  # saved by an older dvlib (sub-themes of sentences, not claims)
            warnings.warn(f"{model_path} holds sub-themes of an older format (of sentences); "
                          "fitted anew on claims", stacklevel=2)
    if old is not None and not refit:
        model = old
        saved = model.get_params()
        ignored = sorted(k for k, v in params.items()
                         if k in saved and (tuple(v) if k == "families" else v) != saved[k])
        if ignored:
            warnings.warn(f"{model_path} was fitted with other settings ({', '.join(ignored)}); "
                          "they are kept — pass refit=True to fit anew", stacklevel=2)
        return model, model.transform(sentences), empty
    model = SubthemeModel(**params).fit(sentences)
    out = model.transform(sentences)
    mapping = subtheme_mapping(old.transform(sentences), out) if old is not None else empty
    model.save(model_path)
    return model, out, mapping
