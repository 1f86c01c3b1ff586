"""The pipeline: the stages in the order data moves, declared once, and :func:`analyze`, which
runs them and saves the result.

::

    load      reports on disk        -> documents (+ boilerplate)   dvlib.load.load
    segment   documents              -> sentences                   dvlib.segment.segment
    tokenize  sentences              -> + tokens, terms             dvlib.tokenize.tokenize
    label     sentences              -> + family, score, evidence   dvlib.label.label
    claims    content sentences      -> claims (clauses, items)     dvlib.claims.split_claims
    extract   content sentences      -> entities                    dvlib.extract.extract
    cluster   claims                 -> + subtheme (and sentences') dvlib.cluster.assign_subthemes
              content sentences      -> codebook codes              dvlib.cluster.code
              claims                 -> + aspects, aspect_terms     dvlib.cluster.tag_aspects
    compare   sentences, claims      -> comparison tables           dvlib.compare.compare
    report    tables                 -> figures (brief, notebooks)  dvlib.report.draw_figures

Every stage is a library function a notebook can call on its own; :func:`analyze` chains them
and, given an output folder, writes every table atomically (an interrupted run never leaves a
half-written table). The fitted sub-theme model is saved beside the tables and reused on the
next run, so old reports keep their sub-themes when new ones arrive. A rerun whose inputs,
settings, and the code and data files the stages declare (:data:`STAGES`) are unchanged reads
the saved analysis back.

The per-document stages run as passes over batches of documents in worker processes or on a
Dask cluster (``scheduler=``), cached per document (:func:`document_pass`): first
:data:`DOCUMENT_STEPS` (tokenize, label), then, after the researcher's corrections,
:data:`CLAIM_STEPS` (claims with their aspects, the codebook's matches) under a key of its
own, so that editing the codebook does not tokenise the corpus again. The corpus-level stages
(sub-themes, entities, comparisons) run in this process on whole tables.
"""
from __future__ import annotations

import functools
import hashlib
import warnings
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd
from tqdm.auto import tqdm

from dvlib import config
from dvlib.analysis import RANDOM_STATE, Analysis
from dvlib.claims import split_claims
from dvlib.cluster import assign_subthemes, code, codes_vs_subthemes, tag_aspects
from dvlib.compare import compare
from dvlib.extract import extract
from dvlib.label import correct, label
from dvlib.load import Corpus, complete_documents, load
from dvlib.report.figures import draw_figures
from dvlib.report.notebooks import (BRIEF_DIRNAME, brief_stem, execute_notebook, notebook_paths,
                                    selection_dirname)
from dvlib.runtime.profile import stage, stage_bar
from dvlib.segment import content_sentences, segment
from dvlib.runtime.atomic import clean_stale_temps
from dvlib.runtime.lock import folder_lock
from dvlib.store import (check_output_folder, invalidate, load_analysis, saved_fingerprint,
                         write_analysis)
from dvlib.stages import (BASE_CODE, STAGES, WORKBENCH_FILES, Stage,  # noqa: F401  (re-exported)
                          analysis_settings, corpus_fingerprint, stage_files)
from dvlib.tokenize import tokenize


def load_corpus(paths: Iterable[str | Path] | str | Path, progress: bool = True,
                n_jobs: int | None = None) -> Corpus:
    """Load and segment: every report under ``paths`` as documents, sentences and boilerplate
    tables (what ``load`` then ``segment`` give, with the documents completed: sentence counts,
    content, republished copies); reading in ``n_jobs`` workers (default: every core)."""
    corpus = load(paths, progress=progress, n_jobs=n_jobs)
    if "text" not in corpus.documents:  # nothing could be read
        return corpus
    sentences = segment(corpus.documents, corpus.boilerplate)
    return Corpus(documents=complete_documents(corpus.documents, sentences),
                  sentences=sentences, boilerplate=corpus.boilerplate, problems=corpus.problems)


def tokenize_and_label(sentences, n_jobs: int | None = None, progress: bool = True):
    """Tokenize then label: tokens, content terms and theme family for every sentence."""
    return label(tokenize(sentences, n_jobs=n_jobs, progress=progress), n_jobs=n_jobs)


# --------------------------------------------------------------------------- per-document pass
# The per-document stages run as ONE pass per batch of documents in worker processes (or on a
# Dask cluster), cached per document. Each step takes a batch's tables ({"sentences": ...}, a
# document's rows contiguous) and returns them with its columns or tables added (every table
# keeps doc_id). A new per-document stage is one more entry, named like its Stage in STAGES
# (whose code and data the cache key hashes).
def _tokenize_step(tables: dict) -> dict:
    tables["sentences"] = tokenize(tables["sentences"], n_jobs=1, progress=False, cache=False)
    return tables


def _label_step(tables: dict) -> dict:
    tables["sentences"] = label(tables["sentences"], n_jobs=1)
    return tables


def _claims_step(tables: dict) -> dict:
    # the claims of the report's content sentences with their aspects, and the codebook's
    # matches; republished copies are dropped afterwards, with the corpus in view
    sents = tables.pop("sentences")
    content = sents[sents["boilerplate"].fillna("").astype(str) == ""]
    tables["claims"] = tag_aspects(split_claims(content), n_jobs=1)
    tables["coded"] = code(content[["doc_id", "sentence_id", "text"]], n_jobs=1)
    return tables


DOCUMENT_STEPS = (("tokenize", _tokenize_step), ("label", _label_step))
# The second pass: after the researcher's corrections (a corrected family changes the claims);
# cached under its own key, so editing the codebook re-runs it, not the tokeniser.
CLAIM_STEPS = (("claims", _claims_step), ("cluster", None))
# what the second pass reads (only these travel to the workers: not the evidence strings)
CLAIM_INPUT_COLUMNS = ["doc_id", "sentence_id", "sentence_index", "start", "end", "text",
                       "boilerplate", "family", "tokens", "terms"]
DOCUMENT_CACHE_FORMAT = 1
BATCH_SENTENCES = 300  # sentences per task: spreads a task's fixed cost, keeps workers even


def _run_steps(steps, sentences) -> dict:
    import pyarrow as pa
    tables = {"sentences": sentences}
    for _, step in steps:
        if step is not None:  # (a stage named for its code and data only)
            tables = step(tables)
    return {k: pa.Table.from_pandas(v, preserve_index=False) for k, v in tables.items()}


def run_document_steps(sentences):
    """The per-document pass on one batch (what a worker runs): every step of
    :data:`DOCUMENT_STEPS` in turn, the tables returned as Arrow (compact to ship back)."""
    return _run_steps(DOCUMENT_STEPS, sentences)


def run_claim_steps(sentences):
    """The second per-document pass on one batch of labelled sentences: :data:`CLAIM_STEPS`
    (claims with aspects, codebook matches), as Arrow."""
    return _run_steps(CLAIM_STEPS, sentences)


def document_steps_fingerprint(steps=DOCUMENT_STEPS) -> str:
    """A hash of what the per-document results of ``steps`` depend on besides the document: the
    code and data files of the stages they are named for, this module, underthesea's version
    (and, for a later pass, everything the first pass depends on)."""
    from dvlib.tokenize import underthesea_version
    names = {n for n, _ in steps}
    h = hashlib.sha256(f"{DOCUMENT_CACHE_FORMAT} {underthesea_version()}".encode())
    if steps is not DOCUMENT_STEPS:
        h.update(document_steps_fingerprint().encode())
    for p in stage_files([s for s in STAGES if s.name in names]) + [Path(__file__)]:
        h.update(p.relative_to(config.PACKAGE_DIR).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _arrow_to_frame(table):
    """Arrow back to the pandas types the stages produce: list columns as lists of interned
    strings (the later stages index them), the pandas metadata restoring the rest."""
    import sys
    frame = table.to_pandas()
    meta = {c["name"]: c["numpy_type"] for c in (table.schema.pandas_metadata or {}).get("columns", [])}
    for name in frame.columns:  # text columns made as object stay object (not pandas' str)
        if meta.get(name) == "object" and frame[name].dtype != object:
            frame[name] = frame[name].astype(object)
    for name, typ in zip(table.schema.names, table.schema.types):
        if str(typ).startswith(("list", "large_list")):
            intern = sys.intern
            frame[name] = pd.Series([[intern(x) for x in v] if v is not None else None
                                     for v in frame[name]], index=frame.index, dtype=object)
    return frame


# What each pass is: its steps, the name of the function the workers run, the table whose
# cache entry is written last (it lists the others), the columns of a document's rows its key
# hashes (None: all), and the name of its progress bar (and of its folder in the cache).
_PASSES = {
    "documents": (DOCUMENT_STEPS, "run_document_steps", "sentences", None, "documents"),
    # (tokens and terms follow from the text and the first pass's code, which the key hashes)
    "claims": (CLAIM_STEPS, "run_claim_steps", "claims",
               [c for c in CLAIM_INPUT_COLUMNS if c not in ("tokens", "terms")], "claims"),
}


def document_pass(sentences, *, n_jobs: int | None = None, scheduler=None,
                  progress: bool = True, cache: bool = True, kind: str = "documents") -> dict:
    """Run a per-document pass on every document of ``sentences`` and return the tables it
    makes, rows in input order, identical whether computed here, in workers, on Dask or read
    from cache. ``kind="documents"``: :data:`DOCUMENT_STEPS` on the segment stage's table
    ({"sentences": + tokens, terms, family ...}); ``kind="claims"``: :data:`CLAIM_STEPS` on the
    labelled (and corrected) sentences ({"claims": ..., "coded": ...}).

    Documents whose rows and stage code/data are unchanged are read from the per-document
    cache (``cache_dir()/<kind>``, Arrow IPC); the others go to the workers in batches.
    """
    import pyarrow as pa
    from dvlib.runtime.parallel import FrameCache, batches_by_size, map_batches
    steps, worker, primary, key_columns, desc = _PASSES[kind]
    worker = globals()[worker]  # looked up when called (tests stand in for it)
    if sentences.empty:
        if kind == "claims":
            return {k: _arrow_to_frame(t) for k, t in run_claim_steps(sentences).items()}
        return {"sentences": tokenize_and_label(sentences, n_jobs=1, progress=False)}
    sentences = sentences.reset_index(drop=True)
    ids = sentences["doc_id"].to_numpy()
    cuts = [0] + [i for i in range(1, len(ids)) if ids[i] != ids[i - 1]] + [len(ids)]
    spans = list(zip(cuts, cuts[1:]))  # each document's rows (segment keeps them contiguous)
    if len({ids[a] for a, _ in spans}) != len(spans):
        raise ValueError("document_pass: a document's sentences are not contiguous")
    base = document_steps_fingerprint(steps).encode()
    hashed = sentences if key_columns is None else sentences[key_columns]
    row_hash = pd.util.hash_pandas_object(hashed, index=False).to_numpy()
    keys = [hashlib.sha256(base + row_hash[a:b].tobytes()).hexdigest() for a, b in spans]
    store = FrameCache(config.cache_dir() / kind)
    results: list = [None] * len(spans)
    if cache:  # the primary entry lists the document's other tables in its metadata
        for d, key in enumerate(keys):
            first = store.get(f"{key}-{primary}")
            if first is None:
                continue
            others = (first.schema.metadata or {}).get(b"dvlib_tables", b"").decode().split()
            got = {primary: first, **{n: store.get(f"{key}-{n}") for n in others}}
            if all(v is not None for v in got.values()):
                results[d] = got
    todo = [d for d in range(len(spans)) if results[d] is None]
    sizes = [spans[d][1] - spans[d][0] for d in todo]
    groups = [[todo[j] for j in g] for g in batches_by_size(sizes, BATCH_SENTENCES)]
    batches = [sentences.iloc[spans[g[0]][0]:spans[g[-1]][1]] for g in groups]
    if batches and not scheduler and kind == "documents":
        # forked workers inherit the classifier and the CRF model
        from dvlib.label import default_classifier
        from dvlib.tokenize import tokenize_sentence
        default_classifier(), tokenize_sentence("Ban Dân vận Tỉnh ủy")
    for i, tables in map_batches(worker, batches, n_jobs=n_jobs, scheduler=scheduler,
                                 sizes=[len(b) for b in batches], desc=desc,
                                 unit="sent", progress=progress):
        for name, table in tables.items():
            doc_col = table.column("doc_id").to_numpy(zero_copy_only=False)
            for d in groups[i]:
                a = int((doc_col == ids[spans[d][0]]).argmax()) if len(doc_col) else 0
                n = int((doc_col == ids[spans[d][0]]).sum())
                results[d] = results[d] or {}
                results[d][name] = table.slice(a, n)
        for d in groups[i]:
            if cache:
                others = [n for n in results[d] if n != primary]
                for name in others:
                    store.put(f"{keys[d]}-{name}", results[d][name])
                first = results[d][primary]  # written last: it marks the entry complete
                meta = {**(first.schema.metadata or {}), b"dvlib_tables": " ".join(others).encode()}
                store.put(f"{keys[d]}-{primary}", first.replace_schema_metadata(meta))
    names = list(dict.fromkeys(n for r in results for n in r))
    return {n: _arrow_to_frame(pa.concat_tables([r[n] for r in results if n in r],
                                                promote_options="default"))
            for n in names}


def _one_run_per_output(func):
    """``analyze`` with its output folder checked before any work (read-only, full: one line,
    :class:`dvlib.store.OutputFolderError`) and locked for the whole run: a second run into
    the same folder waits, then refuses (:class:`dvlib.runtime.lock.FolderBusy`). Temporary
    files an interrupted run left there are removed once the lock is held."""
    @functools.wraps(func)
    def locked(paths, out_dir=None, *args, **kwargs):
        if out_dir is None:
            return func(paths, out_dir, *args, **kwargs)
        check_output_folder(out_dir)
        with folder_lock(out_dir):
            clean_stale_temps(out_dir)
            return func(paths, out_dir, *args, **kwargs)
    return locked


@_one_run_per_output
def analyze(paths: Iterable[str | Path] | str | Path, out_dir: str | Path | None = None, *,
            n_jobs: int | None = None, progress: bool = True, refit: bool = False,
            n_boot: int = 1000, lang: str = "vi", figures: bool = True,
            force: bool = False, scheduler=None) -> Analysis:
    """Load, segment, tokenize, label, extract, cluster and compare a corpus; write everything
    to ``out_dir`` (tables, figures, the sub-theme model, ``run.json``).

    A rerun whose inputs, settings and stage code/data are unchanged reads the saved analysis
    back instead of redoing it (``force=True`` recomputes anyway; ``refit=True`` always does).
    The per-document work (:data:`DOCUMENT_STEPS`) runs in ``n_jobs`` worker processes, or on
    the Dask cluster ``scheduler`` (an address, a Client or a LocalCluster; default
    ``DVLIB_SCHEDULER``), and is cached per document; the corpus-level stages run here.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    out = Path(out_dir) if out_dir is not None else None
    settings = analysis_settings(n_boot=n_boot, lang=lang, figures=figures)
    fingerprint = corpus_fingerprint(paths, settings) if out is not None else ""
    if out is not None and not (force or refit) and saved_fingerprint(out) == fingerprint:
        saved = load_analysis(out)
        saved.params["reused"] = True
        if not all((out / name).exists() for name in WORKBENCH_FILES):
            write_workbench(saved, out, lang=lang)
        return saved

    with stage("load corpus"):
        corpus = load_corpus(paths, progress=progress, n_jobs=n_jobs)
    docs = corpus.documents
    if docs.empty:  # nothing readable: leave any earlier outputs as they are
        return Analysis(documents=docs, sentences=corpus.sentences, boilerplate=corpus.boilerplate,
                        problems=list(corpus.problems))
    if out is not None:  # before anything in out is replaced: a killed run is never "current"
        invalidate(out)
        for name in WORKBENCH_FILES:  # written after run.json: an old one must not stay
            (out / name).unlink(missing_ok=True)
    with stage("tokens and families"):
        # one pass per document in workers, or on the Dask cluster at ``scheduler`` (default
        # DVLIB_SCHEDULER); the tables are the same either way
        sentences = document_pass(corpus.sentences, n_jobs=n_jobs, progress=progress,
                                  scheduler=scheduler or config.scheduler_address())["sentences"]
        # the researcher's corrections (corpus/corrections.csv) win over the machine's labels
        sentences, fixes = correct(sentences, docs, paths)
        corpus.problems.extend(fixes)
    model_path = out / "models" / "subthemes.json" if out is not None else None
    later = ["claims, aspects and codes", "sub-themes", "entities", "comparison tables"]
    if out is not None:
        later += (["figures"] if figures else []) + ["writing", "explorer and workbook"]
    bar = stage_bar(later, progress)
    content = content_sentences(sentences, docs)
    with stage("claims, aspects and codes", bar):
        # a second per-document pass (workers or Dask, cached per document): claims with their
        # terms and aspects, and the codebook's matches; then only original reports' content
        needed = [c for c in CLAIM_INPUT_COLUMNS if c in sentences.columns]
        second = document_pass(sentences[needed], n_jobs=n_jobs, progress=progress,
                               kind="claims", scheduler=scheduler or config.scheduler_address())
        keep = set(content["sentence_id"])
        claims, coded = (t[t["sentence_id"].isin(keep)].sort_values("doc_id", kind="stable")
                         .reset_index(drop=True) for t in (second["claims"], second["coded"]))
    with stage("sub-themes", bar), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # settings are fixed here, not passed
        # sub-themes group claims (one point each); a sentence shows its main claim's
        claims, sentences, model, mapping = assign_subthemes(
            claims, sentences, model_path, refit=refit, random_state=RANDOM_STATE)
        aspect_columns = ["aspects", "aspect_terms"]
        claims = claims[[c for c in claims.columns if c not in aspect_columns + ["terms"]]
                        + aspect_columns]
    content = content_sentences(sentences, docs)
    with stage("entities", bar):
        entities = extract(content)
    result = Analysis(documents=docs, sentences=sentences, boilerplate=corpus.boilerplate,
                      entities=entities, coded=coded, claims=claims,
                      topics=actual_sizes(model.topics_frame(), claims),
                      problems=list(corpus.problems), subtheme_mapping=mapping,
                      params={"n_boot": n_boot, "random_state": RANDOM_STATE, "refit": refit,
                              "subtheme_params": model.get_params()})
    with stage("comparison tables", bar):
        result.tables = compare(sentences, docs, coded, n_boot=n_boot, claims=claims)
        result.tables["codes_vs_subthemes"] = codes_vs_subthemes(coded, content).reset_index()
        result.tables["profile_code"] = with_code_labels(result.tables["profile_code"], lang)
    if out is not None:
        if figures:
            with stage("figures", bar):
                result.figures = draw_figures(result.tables, out / "figures", lang=lang,
                                              topics=result.topics)
        result.params["corpus_fingerprint"] = fingerprint
        with stage("writing", bar):
            write_analysis(result, out)
        with stage("explorer and workbook", bar):
            write_workbench(result, out, lang=lang)
    bar.close()
    return result


def actual_sizes(topics, content):
    """The sub-themes table with ``size`` = the units (claims) each holds now: the fitted
    model keeps its training sizes, which go stale once new reports are assigned."""
    if topics is None or topics.empty or "subtheme" not in content.columns:
        return topics
    counts = content["subtheme"].value_counts()
    return topics.assign(size=topics["subtheme"].map(counts).fillna(0).astype(int))


def with_code_labels(table, lang: str = "vi"):
    """``table`` with a ``code_label`` column right after ``code`` (the codebook's label in
    ``lang``), so profile_code.csv reads "Phối hợp" beside "phoi_hop"."""
    from dvlib.cluster.codebook import load_codebook
    if table is None or "code" not in table.columns or "code_label" in table.columns:
        return table
    labels = {c.id: c.label(lang) for c in load_codebook().codes}
    out = table.copy()
    out.insert(list(out.columns).index("code") + 1, "code_label",
               out["code"].map(lambda c: labels.get(c, c)))
    return out




def write_workbench(analysis: Analysis, out: Path, lang: str = "vi") -> list[Path]:
    """The researcher's workbench beside the tables: ``explorer.html`` (browse the matrix and
    read the quotes behind each cell) and ``dvlib.xlsx`` (every table as an Excel sheet)."""
    from dvlib.report.excel import aspect_matrices, workbook_units, write_workbook
    from dvlib.report.explorer import write_analysis_explorer
    from dvlib.report.figures import aspect_matrix_figures
    units, is_claims = workbook_units(analysis)
    analysis.figures.update(aspect_matrix_figures(aspect_matrices(units, lang), out / "figures",
                                                  lang=lang, claims=is_claims))
    return [write_analysis_explorer(analysis, out / "explorer.html", lang=lang),
            write_workbook(analysis, out / "dvlib.xlsx", lang=lang)]


def get_analysis(corpus: str | Path | None = None, out_dir: str | Path | None = None,
                 refresh: bool = False, progress: bool = True, scheduler=None) -> Analysis:
    """The analysis of ``corpus`` saved in ``out_dir``: loaded when current, else recomputed
    (the per-document work on the Dask cluster ``scheduler`` when given).

    This is what notebooks call: the first one to run does the work, the others reuse it.
    """
    corpus = Path(corpus) if corpus else config.corpus_dir()
    out = Path(out_dir) if out_dir else config.build_dir()
    return analyze([corpus], out, progress=progress, force=refresh, scheduler=scheduler)


def run_all(corpus: str | Path | None = None, out_dir: str | Path | None = None,
            provinces: Sequence[str] | None = None, lang: str = "vi",
            notebooks: Sequence[Path] | None = None, progress: bool = True,
            selection=None) -> dict:
    """The researcher's main job (``dvlib run``): analyse ``corpus`` into ``out_dir``, execute
    every notebook (which write the brief). Returns the analysis, the executed notebooks and
    the brief files for ``provinces``/``lang``.

    ``provinces`` may be typed as people type them; ``selection`` (a
    :class:`~dvlib.load.selection.Selection`) adds dates, outlets, levels. The full run's
    notebooks and brief go to ``out_dir/notebooks`` and ``out_dir/briefs``; a run with a
    selection or in English to ``out_dir/runs/<selection>/``, so it never overwrites them."""
    from dvlib.load.selection import Selection
    if selection is None:
        selection = Selection.from_typed(provinces, lang=lang)  # refuses unknown names first
    corpus = Path(corpus or config.corpus_dir()).resolve()
    out = Path(out_dir or config.build_dir()).resolve()
    analysis = get_analysis(corpus, out, progress=progress)
    home = out / selection_dirname(selection.provinces, lang, selection)
    params = {"corpus": str(corpus), "out_dir": str(out), "provinces": selection.provinces,
              "lang": lang, "date_from": selection.date_from, "date_to": selection.date_to,
              "outlets": selection.outlets, "levels": selection.levels,
              "brief_dir": str(home / BRIEF_DIRNAME)}
    done = []
    for nb in tqdm(list(notebooks or notebook_paths()), desc="notebooks", unit="nb",
                   disable=not progress):
        done.append(execute_notebook(nb, home / "notebooks", params))
    stem = brief_stem(selection.provinces, lang, selection)
    return {"analysis": analysis, "notebooks": done, "home": home,
            "briefs": sorted((home / BRIEF_DIRNAME).glob(stem + ".*"))}
