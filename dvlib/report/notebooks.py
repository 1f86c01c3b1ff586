"""The report stage's outputs made from an analysis: the brief (:func:`make_brief`) and the
executed notebooks (:func:`execute_notebook`, headless with papermill, rendered to HTML).

``dvlib run`` (:func:`dvlib.pipeline.run_all`) analyses the corpus and executes every notebook
into ``build/notebooks/``; notebook 05 writes the brief into ``build/briefs/``.
"""
from __future__ import annotations

import importlib.metadata as md
import json
import re
from pathlib import Path
from typing import Sequence

from dvlib.compare import profile
from dvlib.load.selection import Selection, SelectionError, select_documents
from dvlib.report import brief as _brief
from dvlib.report import figures as _figures
from dvlib.text.normalize import match_form
from dvlib.runtime import atomic
from dvlib import config

BRIEF_DIRNAME = "briefs"


def versions() -> dict[str, str]:
    out = {}
    for pkg in ("dvlib", "underthesea", "scikit-learn", "pandas", "seaborn", "matplotlib"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def classifier_scores() -> dict:
    """The theme classifier's measured scores (evaluation/evaluate_families.py): on the five
    held-out reports, and leave-one-report-out over the training reports."""
    from dvlib.label import measured_quality
    return measured_quality()


def methods_info(analysis, provinces: Sequence[str] | None = None) -> dict:
    v = versions()
    scores = classifier_scores()
    return {
        "dvlib_version": v["dvlib"], "underthesea_version": v["underthesea"],
        "sklearn_version": v["scikit-learn"],
        "parameters": {"provinces": list(provinces or []) or "all",
                       "bootstrap resamples": analysis.params.get("n_boot"),
                       "sub-theme model": analysis.params.get("subtheme_params", {})},
        "random_seed": analysis.params.get("random_state"),
        "corpus_hash": analysis.corpus_hash(),
        # The figure for unseen text: the held-out test set, never trained or tuned on.
        "classifier_macro_f1": scores.get("test_macro_f1"),
        "classifier_per_family_f1": scores.get("test_per_family_f1", {}),
        "classifier_cv_macro_f1": scores.get("cv_macro_f1"),
        "n_reports": int(len(analysis.documents)),
        **label_counts(analysis.sentences),
    }


def label_counts(sentences) -> dict:
    """How many content sentences' families were set by hand (``family_source`` corrected) and
    how many are below the confidence threshold (not counted), and the threshold."""
    from dvlib.config import min_family_score
    content = sentences[sentences["boilerplate"] == ""] if "boilerplate" in sentences else sentences
    corrected = int((content["family_source"] == "corrected").sum()) if "family_source" in content else 0
    uncertain = int((~content["family_confident"].astype(bool)).sum()) if "family_confident" in content else 0
    return {"n_corrected": corrected, "n_uncertain": uncertain, "min_family_score": min_family_score()}


def _slug(text: str) -> str:
    import unicodedata
    s = unicodedata.normalize("NFD", match_form(text)).replace("đ", "d")
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def brief_stem(provinces: Sequence[str] | None, lang: str, selection=None) -> str:
    """brief (default), brief-en, brief-bac-giang-nghe-an-en ...: one file set per choice
    (dates, outlets and levels of a :class:`~dvlib.load.selection.Selection` add to the name)."""
    return "-".join(["brief"] + selection_parts(provinces, lang, selection))


def selection_parts(provinces: Sequence[str] | None, lang: str, selection=None) -> list[str]:
    """The words naming a selection ([] for all provinces in Vietnamese, no filter)."""
    parts = [_slug(p) for p in (provinces or [])]
    if selection is not None:
        if selection.date_from or selection.date_to:
            parts.append(f"{selection.date_from or 'start'}-to-{selection.date_to or 'end'}")
        parts += [_slug(o) for o in selection.outlets] + list(selection.levels)
    return [p for p in parts if p] + ([lang] if lang != "vi" else [])


def selection_dirname(provinces: Sequence[str] | None, lang: str, selection=None) -> str:
    """The folder of a run's notebooks and brief: "" for the full run (build/notebooks,
    build/briefs stay the full run's), else "runs/<selection>" so runs never clobber it."""
    parts = selection_parts(provinces, lang, selection)
    return "runs/" + "-".join(parts)[:120] if parts else ""


def make_brief(analysis, provinces: Sequence[str] | None = None, lang: str = "vi",
               out_dir: str | Path | None = None, selection=None):
    """The comparative brief of an analysis (an :class:`dvlib.analysis.Analysis`) for
    ``provinces`` (all when empty) in ``lang``: returns ``(brief, written)`` where ``written``
    maps "md", "html", "docx" (and "figure:<name>") to the files written in ``out_dir`` (none
    when ``out_dir`` is None).

    ``provinces`` may be typed as people type them ("bac giang", a post-2025 name); a
    ``selection`` (:class:`~dvlib.load.selection.Selection`) adds dates, outlets and levels.
    Raises :class:`~dvlib.load.selection.SelectionError` when nothing is selected."""
    if selection is None:
        selection = Selection.from_typed(provinces, lang=lang)
    provinces = selection.provinces or None
    docs = select_documents(analysis.documents, selection)
    if docs.empty or not len(analysis.documents):
        asked = "; ".join(f"{k}: {', '.join(v) if isinstance(v, list) else v}"
                          for k, v in selection.describe().items())
        raise SelectionError("no report matches the selection" + (f" ({asked})" if asked else "")
                             + "; the corpus has reports from: "
                             + ", ".join(sorted(set(analysis.documents.get("province", [])) - {""})))
    if provinces:  # a merged 2025 name may cover provinces the corpus has no report from
        present = set(docs["province"])
        missing = [p for p in provinces if p not in present]
        provinces = [p for p in provinces if p in present]
        if missing:
            selection.notes.append(("No report from: " if lang == "en" else
                                    "Không có báo cáo của: ") + ", ".join(missing) + ".")
    content = analysis.content_for(provinces)
    if not selection.is_all:
        content = content[content["doc_id"].isin(docs["doc_id"])]
    prof = analysis.tables.get("profile_family")
    if not selection.is_all or prof is None:
        prof = profile(content, by="family", n_boot=analysis.params.get("n_boot", 1000),
                       random_state=analysis.params.get("random_state", 0))
    figs = {}
    if analysis.figures.get("family_profile") and selection.is_all and lang == "vi":
        figs["family_profile"] = analysis.figures["family_profile"]
    else:  # the figure for the chosen provinces and language
        import matplotlib.pyplot as plt
        target = (Path(out_dir or config.build_dir()) / "figures"
                  / f"family_profile-{brief_stem(provinces, lang, selection)}.png")
        plt.close(_figures.family_profile(prof, lang=lang, path=target))
        figs["family_profile"] = target
    methods = methods_info(analysis, provinces)
    methods["parameters"].update({k: v for k, v in selection.describe().items()
                                  if k != "provinces"})
    if selection.notes:
        methods["parameters"]["selection"] = " ".join(selection.notes)
    claims = getattr(analysis, "claims", None)
    if claims is not None and not claims.empty:  # the brief built on claims (issue 10)
        b = _brief.build_claims_brief(docs, analysis.sentences, claims, analysis.entities,
                                      formulas=analysis.tables.get("shared_formulas"),
                                      methods=methods, lang=lang, figures=figs,
                                      provinces=list(provinces) if provinces else None)
    else:  # an analysis saved before the claims stage
        b = _brief.build_brief(docs, content, analysis.entities, coded=analysis.coded,
                               profile=prof, figures=figs, methods=methods,
                               provinces=list(provinces) if provinces else None, lang=lang)
    if out_dir is not None:
        return b, _brief.write_brief(b, Path(out_dir), stem=brief_stem(provinces, lang, selection))
    return b, {}


def selected_view(analysis, selection=None):
    """What a notebook shows for a selection (:class:`~dvlib.load.selection.Selection`, None =
    everything): ``(documents, content, tables)`` — the selected reports, their content
    sentences and the comparison tables recomputed for them (the saved ones for everything)."""
    from dvlib.compare import compare
    if selection is None or selection.is_all:
        return analysis.documents, analysis.content, analysis.tables
    docs = select_documents(analysis.documents, selection)
    if docs.empty:
        raise SelectionError(f"no report matches the selection {selection.describe()}")
    content = analysis.content_for(selection.provinces or None)
    content = content[content["doc_id"].isin(docs["doc_id"])]
    coded = analysis.coded
    if isinstance(coded, type(docs)) and "doc_id" in coded.columns:
        coded = coded[coded["doc_id"].isin(docs["doc_id"])]
    tables = compare(analysis.sentences[analysis.sentences["doc_id"].isin(docs["doc_id"])], docs,
                     coded, n_boot=analysis.params.get("n_boot", 1000),
                     random_state=analysis.params.get("random_state", 0))
    return docs, content, tables


def notebook_paths() -> list[Path]:
    return sorted(config.notebooks_dir().glob("[0-9][0-9]-*.ipynb"))


def notebook_kernel() -> str:
    """The "dvlib" kernel the Makefile installs into .venv (the kernel the notebooks declare),
    else this Python's own "python3"."""
    from jupyter_client.kernelspec import KernelSpecManager
    return "dvlib" if "dvlib" in KernelSpecManager().find_kernel_specs() else "python3"


def quiet_kernel_warnings() -> None:
    """Silence what every headless run printed and no reader can act on: the kernel's "running
    over TCP without encryption" (a local kernel on loopback, started by us) and tqdm's
    "IProgress not found" (no widgets in a headless run)."""
    import logging
    import os
    import warnings
    os.environ.setdefault("TQDM_DISABLE", "1")  # notebooks run headless: no widget bars
    warnings.filterwarnings("ignore", message=".*IProgress not found.*")
    warnings.filterwarnings("ignore", message=".*running over TCP without encryption.*")

    class _Drop(logging.Filter):
        def filter(self, record):
            msg = record.getMessage()
            return "without encryption" not in msg and "IProgress" not in msg
    for name in ("", "papermill", "traitlets", "jupyter_client", "nbclient"):
        logging.getLogger(name).addFilter(_Drop())


def execute_notebook(src: Path, out_dir: Path, parameters: dict, kernel: str | None = None) -> Path:
    """Run one notebook headless into ``out_dir`` and render it to HTML beside it."""
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    kernel = kernel or notebook_kernel()
    quiet_kernel_warnings()

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / src.name
    with atomic.atomic_path(target) as tmp:
        pm.execute_notebook(str(src), str(tmp), parameters=parameters, kernel_name=kernel,
                            cwd=str(src.parent), progress_bar=False, log_output=False,
                            # the kernel's own log (its TCP warning) is not for the reader
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    exporter = HTMLExporter()
    exporter.log.setLevel("ERROR")  # "Alternative text is missing": figures of our own cells
    html, _ = exporter.from_notebook_node(nbformat.read(target, as_version=4))
    atomic.write_text(target.with_suffix(".html"), html)
    return target
