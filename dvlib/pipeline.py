"""The pipeline: the stages in the order data moves, declared once, and :func:`analyze`, which
runs them and saves the result.

::

    load      reports on disk        -> documents (+ boilerplate)   dvlib.load.load
    segment   documents              -> sentences                   dvlib.segment.segment
    tokenize  sentences              -> + tokens, terms             dvlib.tokenize.tokenize
    label     sentences              -> + family, score, evidence   dvlib.label.label
    extract   content sentences      -> entities                    dvlib.extract.extract
    cluster   content sentences      -> + subtheme; codebook codes  dvlib.cluster.assign_subthemes, code
    compare   sentences, documents   -> comparison tables           dvlib.compare.compare
    report    tables                 -> figures (brief, notebooks)  dvlib.report.draw_figures

Every stage is a library function a notebook can call on its own; :func:`analyze` chains them
and, given an output folder, writes every table atomically (an interrupted run never leaves a
half-written table). The fitted sub-theme model is saved beside the tables and reused on the
next run, so old reports keep their sub-themes when new ones arrive. A rerun whose inputs,
settings, and the code and data files the stages declare (:data:`STAGES`) are unchanged reads
the saved analysis back.
"""
from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from tqdm.auto import tqdm

from dvlib import config
from dvlib.analysis import RANDOM_STATE, Analysis
from dvlib.cluster import assign_subthemes, code, codes_vs_subthemes
from dvlib.compare import compare
from dvlib.extract import extract
from dvlib.label import label
from dvlib.load import Corpus, complete_documents, discover, load
from dvlib.report.figures import draw_figures
from dvlib.report.notebooks import BRIEF_DIRNAME, brief_stem, execute_notebook, notebook_paths
from dvlib.runtime.profile import stage
from dvlib.segment import content_sentences, segment
from dvlib.store import load_analysis, saved_fingerprint, write_analysis
from dvlib.tokenize import tokenize


@dataclass(frozen=True)
class Stage:
    """A stage of the pipeline: its name, what it does, and the dvlib code (paths relative to
    the package) and data files (globs in ``dvlib/data``) its output depends on."""
    name: str
    does: str
    code: tuple[str, ...]
    data: tuple[str, ...] = ()


# Below every stage: the text core, plumbing, the table contracts and settings.
BASE_CODE = ("text", "runtime", "schema.py", "config.py")
STAGES = (
    Stage("load", "reports -> documents, boilerplate", ("load",),
          ("boilerplate_patterns.yaml", "date_cues.yaml", "gazetteer_*.csv",
           "province_aliases.csv", "place_stoplist.csv", "person_name_parts.csv",
           "outlet_marks.csv", "organisations.csv")),
    Stage("segment", "documents -> sentences", ("segment.py",), ("abbreviations_nosplit.txt",)),
    Stage("tokenize", "sentences -> tokens, terms", ("tokenize.py",),
          ("fixed_words.txt", "stopwords.txt")),
    Stage("label", "sentences -> family", ("label",),
          ("family_cues.yaml", "models/family_model.json")),
    Stage("extract", "content -> entities", ("extract",),
          ("document_kinds.csv", "organisations.csv", "abbreviations.csv")),
    Stage("cluster", "content -> sub-themes, codes", ("cluster",), ("codebook.yaml",)),
    Stage("compare", "tables -> comparison", ("compare",), ("formula_stoplist.txt",)),
    Stage("report", "comparison -> figures", ("report/figures.py",), ("labels.yaml",)),
    Stage("save", "analysis -> files", ("analysis.py", "store.py", "pipeline.py")),
)


def load_corpus(paths: Iterable[str | Path] | str | Path, progress: bool = True) -> Corpus:
    """Load and segment: every report under ``paths`` as documents, sentences and boilerplate
    tables (what ``load`` then ``segment`` give, with the documents completed: sentence counts,
    content, republished copies)."""
    corpus = load(paths, progress=progress)
    if "text" not in corpus.documents:  # nothing could be read
        return corpus
    sentences = segment(corpus.documents, corpus.boilerplate)
    return Corpus(documents=complete_documents(corpus.documents, sentences),
                  sentences=sentences, boilerplate=corpus.boilerplate, problems=corpus.problems)


def tokenize_and_label(sentences, n_jobs: int | None = None, progress: bool = True):
    """Tokenize then label: tokens, content terms and theme family for every sentence."""
    return label(tokenize(sentences, n_jobs=n_jobs, progress=progress), n_jobs=n_jobs)


def analyze(paths: Iterable[str | Path] | str | Path, out_dir: str | Path | None = None, *,
            n_jobs: int | None = None, progress: bool = True, refit: bool = False,
            n_boot: int = 1000, lang: str = "vi", figures: bool = True,
            force: bool = False) -> Analysis:
    """Load, segment, tokenize, label, extract, cluster and compare a corpus; write everything
    to ``out_dir`` (tables, figures, the sub-theme model, ``run.json``).

    A rerun whose inputs, settings and stage code/data are unchanged reads the saved analysis
    back instead of redoing it (``force=True`` recomputes anyway; ``refit=True`` always does).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    out = Path(out_dir) if out_dir is not None else None
    settings = {"n_boot": n_boot, "lang": lang, "figures": figures}
    fingerprint = corpus_fingerprint(paths, settings) if out is not None else ""
    if out is not None and not (force or refit) and saved_fingerprint(out) == fingerprint:
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
        sentences = tokenize_and_label(corpus.sentences, n_jobs=n_jobs, progress=progress)
    model_path = out / "models" / "subthemes.json" if out is not None else None
    with stage("sub-themes"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # settings are fixed here, not passed
        sentences, model, mapping = assign_subthemes(sentences, docs, model_path, refit=refit,
                                                     random_state=RANDOM_STATE)
    content = content_sentences(sentences, docs)
    with stage("entities"):
        entities = extract(content)
    with stage("codebook"):
        coded = code(content, n_jobs=n_jobs)
    result = Analysis(documents=docs, sentences=sentences, boilerplate=corpus.boilerplate,
                      entities=entities, coded=coded, topics=model.topics_frame(),
                      problems=list(corpus.problems), subtheme_mapping=mapping,
                      params={"n_boot": n_boot, "random_state": RANDOM_STATE, "refit": refit,
                              "subtheme_params": model.get_params()})
    with stage("comparison tables"):
        result.tables = compare(sentences, docs, coded, n_boot=n_boot)
        result.tables["codes_vs_subthemes"] = codes_vs_subthemes(coded, content).reset_index()
    if out is not None:
        if figures:
            with stage("figures"):
                result.figures = draw_figures(result.tables, out / "figures", lang=lang,
                                              topics=result.topics)
        result.params["corpus_fingerprint"] = fingerprint
        with stage("writing"):
            write_analysis(result, out)
    return result


def stage_files(stages: Sequence[Stage] = STAGES) -> list[Path]:
    """The code and data files ``stages`` depend on (what the fingerprint hashes), sorted."""
    pkg = config.PACKAGE_DIR
    files: set[Path] = set()
    for rel in BASE_CODE + tuple(c for s in stages for c in s.code):
        p = pkg / rel
        files |= set(p.rglob("*.py")) if p.is_dir() else {p}
    for s in stages:
        for pattern in s.data:
            files |= set(config.DATA_DIR.glob(pattern))
    return sorted(files)


def corpus_fingerprint(paths: Iterable[str | Path] | str | Path, settings: dict | None = None) -> str:
    """A hash of everything an analysis depends on: the input files (reports and manifests),
    the settings, and the code and data files the stages declare (:data:`STAGES`; e.g. an
    edited codebook or lexicon, not an edit of the brief or the CLI).
    Equal fingerprints mean a saved analysis is still the analysis of these inputs."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    h = hashlib.sha256(json.dumps(settings or {}, sort_keys=True).encode())
    for p in stage_files():
        h.update(p.relative_to(config.PACKAGE_DIR).as_posix().encode())
        h.update(p.read_bytes())
    files, _, _ = discover(paths)
    manifests = sorted({p.parent / "manifest.csv" for p, _ in files} |
                       {Path(p) / "manifest.csv" for p in paths if Path(p).is_dir()})
    for p in sorted(f for f, _ in files) + [m for m in manifests if m.exists()]:
        h.update(str(p.resolve()).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def get_analysis(corpus: str | Path | None = None, out_dir: str | Path | None = None,
                 refresh: bool = False, progress: bool = True) -> Analysis:
    """The analysis of ``corpus`` saved in ``out_dir``: loaded when current, else recomputed.

    This is what notebooks call: the first one to run does the work, the others reuse it.
    """
    corpus = Path(corpus) if corpus else config.corpus_dir()
    out = Path(out_dir) if out_dir else config.build_dir()
    return analyze([corpus], out, progress=progress, force=refresh)


def run_all(corpus: str | Path | None = None, out_dir: str | Path | None = None,
            provinces: Sequence[str] | None = None, lang: str = "vi",
            notebooks: Sequence[Path] | None = None, progress: bool = True) -> dict:
    """The researcher's main job (``dvlib run``): analyse ``corpus`` into ``out_dir``, execute
    every notebook (which write the brief). Returns the analysis, the executed notebooks and
    the brief files for ``provinces``/``lang``."""
    corpus = Path(corpus or config.corpus_dir()).resolve()
    out = Path(out_dir or config.build_dir()).resolve()
    analysis = get_analysis(corpus, out, progress=progress)
    params = {"corpus": str(corpus), "out_dir": str(out), "provinces": list(provinces or []),
              "lang": lang}
    done = []
    for nb in tqdm(list(notebooks or notebook_paths()), desc="notebooks", unit="nb",
                   disable=not progress):
        done.append(execute_notebook(nb, out / "notebooks", params))
    return {"analysis": analysis, "notebooks": done,
            "briefs": sorted((out / BRIEF_DIRNAME).glob(brief_stem(provinces, lang) + ".*"))}
