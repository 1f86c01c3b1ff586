"""The whole analysis as one function: corpus -> tables (-> files, figures).

Every stage is a library function a notebook can call on its own; :func:`analyze` chains them
and, given an output folder, writes every table atomically (an interrupted run never leaves a
half-written table). The fitted sub-theme model is saved beside the tables and reused on the
next run, so old reports keep their sub-themes when new ones arrive.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import json
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from . import codebook as _codebook
from . import compare as _compare
from . import entities as _entities
from . import families as _families
from . import figures as _figures
from . import formulas as _formulas
from . import keyness as _keyness
from . import subthemes as _subthemes
from . import tokenize as _tokenize
from .corpus import load_corpus
from .parallel import map_documents

THEME_FAMILIES = ("limitation", "priority", "model")
RANDOM_STATE = 0


@dataclass
class Analysis:
    """Everything :func:`analyze` produced, as DataFrames, plus the problems met on the way."""
    documents: pd.DataFrame
    sentences: pd.DataFrame            # every sentence, furniture included (boilerplate != "")
    boilerplate: pd.DataFrame
    entities: pd.DataFrame = field(default_factory=pd.DataFrame)
    coded: pd.DataFrame = field(default_factory=pd.DataFrame)
    topics: pd.DataFrame = field(default_factory=pd.DataFrame)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: dict[str, Path] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    subtheme_mapping: pd.DataFrame | None = None
    params: dict = field(default_factory=dict)

    @property
    def content(self) -> pd.DataFrame:
        """Report content joined with province, date, outlet ...: what comparisons count."""
        return _compare.content_sentences(self.sentences, self.documents)

    def content_for(self, provinces: Sequence[str] | None = None) -> pd.DataFrame:
        """:attr:`content` restricted to ``provinces`` (all when empty)."""
        content = self.content
        return content[content["province"].isin(list(provinces))] if provinces else content

    def corpus_hash(self) -> str:
        return corpus_hash(self.documents)

    def comparison(self, provinces: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
        """The comparison tables, for all provinces (as saved) or recomputed for a chosen few."""
        if not provinces:
            return self.tables
        return compare_tables(self.sentences, self.documents, self.coded, provinces=provinces,
                              n_boot=self.params.get("n_boot", 1000),
                              random_state=self.params.get("random_state", RANDOM_STATE))


@contextlib.contextmanager
def stage(name: str):
    """With DVLIB_PROFILE=1, print each stage's wall time and this process's memory to stderr
    (how the benchmark's figures break down)."""
    if not os.environ.get("DVLIB_PROFILE"):
        yield
        return
    t = time.perf_counter()
    yield
    rss = peak = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) // 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) // 1024
    print(f"dvlib profile: {name:<20} {time.perf_counter() - t:7.1f} s  rss {rss} MB  peak {peak} MB",
          file=sys.stderr)


def corpus_hash(documents: pd.DataFrame) -> str:
    """One hash for the corpus as analysed: the documents' ids (content hashes) and metadata."""
    cols = [c for c in ("doc_id", "province", "date", "title", "outlet") if c in documents]
    rows = documents[cols].astype(str).sort_values("doc_id").to_csv(index=False)
    return hashlib.sha256(rows.encode()).hexdigest()[:16]


def label_sentences(sentences: pd.DataFrame, n_jobs: int | None = None,
                    progress: bool = True) -> pd.DataFrame:
    """Tokens, content terms and theme family for every sentence."""
    out = _tokenize.tokens_frame(sentences, n_jobs=n_jobs, progress=progress)
    out["terms"] = [
        _tokenize.content_terms(toks, [text[a:b] for a, b in spans])
        for toks, spans, text in zip(out["tokens"], out["token_spans"], out["text"])]
    # Spans served the person-name filter; a list of tuples per sentence is heavy to keep.
    out = out.drop(columns=["token_spans"])
    _families.default_classifier()  # fitted once here, inherited by the forked workers
    # Workers get only what labelling reads (less to copy between processes).
    cols = [c for c in ("doc_id", "sentence_index", "paragraph_index", "text", "boilerplate")
            if c in out]
    labelled = map_documents(_families.label_families, out[cols], n_jobs=n_jobs)
    new = [c for c in labelled.columns if c not in cols]
    return out.join(labelled[new])


def assign_subthemes(sentences: pd.DataFrame, documents: pd.DataFrame,
                     model_path: Path | None, refit: bool = False):
    """Sub-themes for content sentences (reusing a saved model); "" for furniture/duplicates."""
    content = _compare.content_sentences(sentences, documents)
    if model_path is None:
        model = _subthemes.SubthemeModel(random_state=RANDOM_STATE)
        assigned, mapping = model.fit_transform(content), None
    else:
        model, assigned, mapping = _subthemes.assign_or_fit(content, model_path, refit=refit,
                                                            random_state=RANDOM_STATE)
    cols = ["subtheme", "subtheme_label", "subtheme_score"]
    out = sentences.drop(columns=[c for c in cols if c in sentences]).merge(
        assigned[["sentence_id"] + cols], on="sentence_id", how="left")
    out["subtheme"] = out["subtheme"].fillna("")
    out["subtheme_label"] = out["subtheme_label"].fillna("")
    return out, model, mapping


def compare_tables(sentences: pd.DataFrame, documents: pd.DataFrame, coded: pd.DataFrame,
                   provinces: Sequence[str] | None = None, n_boot: int = 1000,
                   random_state: int = RANDOM_STATE) -> dict[str, pd.DataFrame]:
    """The province comparison as tables, optionally for a chosen set of provinces."""
    content = _compare.content_sentences(sentences, documents)
    content = content[content["province"] != ""]
    if provinces:
        content = content[content["province"].isin(list(provinces))]
    coded = coded[coded["sentence_id"].isin(content["sentence_id"])]
    t: dict[str, pd.DataFrame] = {}
    t["profile_family"] = _compare.profile(content, by="family", n_boot=n_boot,
                                           random_state=random_state)
    t["profile_subtheme"] = _compare.profile(content, by="subtheme", n_boot=n_boot,
                                             random_state=random_state)
    t["profile_code"] = _compare.profile(content, by="code", coded=coded, n_boot=n_boot,
                                         random_state=random_state)
    t["shared_distinctive_subtheme"] = _compare.shared_vs_distinctive(t["profile_subtheme"])
    t["shared_distinctive_code"] = _compare.shared_vs_distinctive(t["profile_code"])
    k = [_keyness.keyness(content, group="province")]
    for fam in THEME_FAMILIES:
        if (content["family"] == fam).any():
            k.append(_keyness.keyness(content, group="province", family=fam))
    t["keyness"] = pd.concat(k, ignore_index=True)
    if "family" in t["keyness"]:
        t["keyness"]["family"] = t["keyness"]["family"].fillna("")
    shares = _compare.crosstab(t["profile_subtheme"], by="subtheme", values="share")
    t["similarity_subtheme"] = _compare.similarity(shares).reset_index()
    t["similarity_tfidf"] = _compare.tfidf_similarity(content).reset_index()
    t["shared_formulas"] = _formulas.shared_formulas(content, stoplist=True)
    return t


def readable_columns(matrix: pd.DataFrame, topics: pd.DataFrame | None = None,
                     lang: str = "vi", families: Sequence[str] = THEME_FAMILIES,
                     n_terms: int = 3) -> pd.DataFrame:
    """A province × sub-theme (or × code) table with readable names, themes as rows.

    Sub-themes are named "limitation-2: tuyên truyền · phối hợp · nắm tình hình" (their first
    label terms) and restricted to ``families``; codebook codes get their label in ``lang``.
    Rows are themes so the long names read horizontally in a heatmap.
    """
    if topics is not None and not topics.empty:
        names = {}
        for t in topics.itertuples():
            if t.family in families:
                terms = " · ".join(str(t.label).split(" · ")[:n_terms])
                names[t.subtheme] = f"{t.subtheme}: {terms}"
        matrix = matrix[[c for c in matrix.columns if c in names]].rename(columns=names)
        matrix.columns.name = "subtheme"
    else:
        book = _codebook.load_codebook()
        labels = {c.id: c.label(lang) for c in book.codes}
        matrix = matrix.rename(columns=labels)
        matrix.columns.name = "code"
    out = matrix.T
    out.columns.name = matrix.index.name or "province"
    return out


def draw_figures(tables: dict[str, pd.DataFrame], out_dir: Path, lang: str = "vi",
                 topics: pd.DataFrame | None = None) -> dict[str, Path]:
    """The comparison's figures as PNG (and SVG) files in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    figs = {}
    import matplotlib.pyplot as plt  # only to close figures and free memory

    def save(name, fig):
        figs[name] = out_dir / f"{name}.png"
        plt.close(fig)

    save("family_profile", _figures.family_profile(tables["profile_family"], lang=lang,
                                                    path=out_dir / "family_profile.png"))
    sub = _compare.crosstab(tables["profile_subtheme"], by="subtheme", values="share")
    if topics is not None and not sub.empty:
        sub = readable_columns(sub, topics, lang)
        if not sub.empty:
            save("heatmap_subtheme", _figures.heatmap(sub, lang=lang,
                                                      path=out_dir / "heatmap_subtheme.png"))
    code = _compare.crosstab(tables["profile_code"], by="code", values="share")
    if not code.empty:
        save("heatmap_code", _figures.heatmap(readable_columns(code, lang=lang), lang=lang,
                                              path=out_dir / "heatmap_code.png"))
    key = tables["keyness"]
    key = key[key["family"] == ""] if "family" in key else key
    if not key.empty:
        save("keyness", _figures.keyness_bars(key, lang=lang, path=out_dir / "keyness.png"))
    sim = tables["similarity_subtheme"].set_index(tables["similarity_subtheme"].columns[0])
    if len(sim) > 1:
        save("similarity", _figures.similarity_matrix(sim, lang=lang, path=out_dir / "similarity.png"))
    return figs


def analyze(paths: Iterable[str | Path] | str | Path, out_dir: str | Path | None = None, *,
            n_jobs: int | None = None, progress: bool = True, refit: bool = False,
            n_boot: int = 1000, lang: str = "vi", figures: bool = True,
            force: bool = False) -> Analysis:
    """Load, label, extract, cluster and compare a corpus; write everything to ``out_dir``.

    A rerun whose inputs, settings and dvlib code are unchanged reads the saved analysis back
    instead of redoing it (``force=True`` recomputes anyway; ``refit=True`` always does).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    out = Path(out_dir) if out_dir is not None else None
    settings = {"n_boot": n_boot, "lang": lang, "figures": figures}
    fingerprint = corpus_fingerprint(paths, settings) if out is not None else ""
    if out is not None and not (force or refit):
        from .store import load_analysis, saved_fingerprint
        if saved_fingerprint(out) == fingerprint:
            saved = load_analysis(out)
            saved.params["reused"] = True
            return saved

    with stage("load corpus"):
        corpus = load_corpus(paths, progress=progress)
    docs = corpus.documents
    if docs.empty:  # nothing readable: leave any earlier outputs as they are
        return Analysis(documents=docs, sentences=corpus.sentences, boilerplate=corpus.boilerplate,
                        problems=list(corpus.problems))
    with stage("tokens and families"):
        sentences = label_sentences(corpus.sentences, n_jobs=n_jobs, progress=progress)
    model_path = out / "models" / "subthemes.json" if out is not None else None
    with stage("sub-themes"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # settings are fixed here, not passed
        sentences, model, mapping = assign_subthemes(sentences, docs, model_path, refit=refit)
    content = _compare.content_sentences(sentences, docs)
    with stage("entities"):
        entities = _entities.extract_entities(content)
    with stage("codebook"):
        coded = map_documents(_codebook.code_sentences, content[["doc_id", "sentence_id", "text"]],
                              n_jobs=n_jobs, keep_index=False)
    result = Analysis(documents=docs, sentences=sentences, boilerplate=corpus.boilerplate,
                      entities=entities, coded=coded, topics=model.topics_frame(),
                      problems=list(corpus.problems), subtheme_mapping=mapping,
                      params={"n_boot": n_boot, "random_state": RANDOM_STATE, "refit": refit,
                              "subtheme_params": model.get_params()})
    with stage("comparison tables"):
        result.tables = compare_tables(sentences, docs, coded, n_boot=n_boot)
        result.tables["codes_vs_subthemes"] = _codebook.codes_vs_subthemes(coded, content).reset_index()
    if out is not None:
        if figures:
            with stage("figures"):
                result.figures = draw_figures(result.tables, out / "figures", lang=lang,
                                              topics=result.topics)
        from .store import write_analysis
        result.params["corpus_fingerprint"] = fingerprint
        with stage("writing"):
            write_analysis(result, out)
    return result


def corpus_fingerprint(paths: Iterable[str | Path] | str | Path, settings: dict | None = None) -> str:
    """A hash of everything an analysis depends on: the input files (reports and manifests),
    the settings, and dvlib itself (its code and data files, e.g. an edited codebook).
    Equal fingerprints mean a saved analysis is still the analysis of these inputs."""
    from .corpus import discover
    from .paths import PACKAGE_DIR
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    h = hashlib.sha256(json.dumps(settings or {}, sort_keys=True).encode())
    for p in sorted(PACKAGE_DIR.glob("*.py")) + sorted(PACKAGE_DIR.glob("data/*")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    files, _, _ = discover(paths)
    manifests = sorted({p.parent / "manifest.csv" for p, _ in files} |
                       {Path(p) / "manifest.csv" for p in paths if Path(p).is_dir()})
    for p in sorted(f for f, _ in files) + [m for m in manifests if m.exists()]:
        h.update(str(p.resolve()).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]
